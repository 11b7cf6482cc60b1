// JSON paths, value mapping (scale/offset/decimals, booleans, numeric text, text, clipping)
// and sample times from payload fields.
import { describe, expect, it } from 'vitest';
import { JsonMapping } from '../../../src/channels/json-mapping.js';
import { parseJsonPath, readJsonPath } from '../../../src/plan/json-path.js';
import { parseTimestamp, valueMapper } from '../../../src/channels/mapped-value.js';
import type { JsonMappedPoint } from '../../../src/domain/channels.js';

const point = (name: string, path: string, extra: Partial<JsonMappedPoint> = {}): JsonMappedPoint => ({
  name,
  path: parseJsonPath(path),
  pathText: path,
  scale: 1,
  offset: 0,
  ...extra,
});

describe('JSON paths', () => {
  it('parses fields and indexes', () => {
    expect(parseJsonPath('a')).toEqual(['a']);
    expect(parseJsonPath('data.values[0].v')).toEqual(['data', 'values', 0, 'v']);
    expect(parseJsonPath('m[1][2]')).toEqual(['m', 1, 2]);
  });

  it('reads only own fields and real array elements', () => {
    const doc = { a: { b: [10, { c: 'x' }] }, arr: [1] };
    expect(readJsonPath(doc, ['a', 'b', 1, 'c'])).toBe('x');
    expect(readJsonPath(doc, ['a', 'b', 5])).toBeUndefined();
    expect(readJsonPath(doc, ['a', 0])).toBeUndefined();
    expect(readJsonPath(doc, ['arr', 'length'])).toBeUndefined();
    expect(readJsonPath(doc, ['a', 'constructor'])).toBeUndefined();
    expect(readJsonPath(doc, ['a', 'toString'])).toBeUndefined();
    expect(readJsonPath(null, ['a'])).toBeUndefined();
  });
});

describe('value mapping', () => {
  it('scales integers to the scale decimals and keeps float noise out', () => {
    expect(valueMapper(point('t', 't', { scale: 0.1 })).map(253)).toEqual({ value: 25.3, text: null, raw: '253' });
    expect(valueMapper(point('t', 't', { scale: 0.1 })).map(25.37)).toEqual({ value: 2.537, text: null, raw: '25.37' });
    expect(valueMapper(point('p', 'p', { offset: -1000, decimals: 1 })).map('1013.26')).toEqual({
      value: 13.3,
      text: null,
      raw: '"1013.26"',
    });
  });

  it('maps booleans to 1/0, other text to text, and refuses objects, arrays and non-finite numbers', () => {
    const m = valueMapper(point('x', 'x'));
    expect(m.map(true)).toEqual({ value: 1, text: null, raw: 'true' });
    expect(m.map(false)).toEqual({ value: 0, text: null, raw: 'false' });
    expect(m.map('OK')).toEqual({ value: null, text: 'OK', raw: '"OK"' });
    expect(m.map(' 12 ')).toMatchObject({ value: 12 });
    expect(m.map('1e3')).toMatchObject({ value: 1000 });
    expect(m.map('0x10')).toMatchObject({ value: null, text: '0x10' });
    expect(m.map(null)).toBe('missing');
    expect(m.map(undefined)).toBe('missing');
    expect(m.map({ v: 1 })).toBe('not-a-value');
    expect(m.map([1])).toBe('not-a-value');
    expect(m.map(Number.NaN)).toBe('not-a-value');
  });

  it('clips long text to what the columns hold', () => {
    const r = valueMapper(point('x', 'x')).map('é'.repeat(20_000));
    if (typeof r === 'string') throw new Error(r);
    expect(r.text).toHaveLength(16_000);
    expect(r.raw).toHaveLength(1024);
  });
});

describe('timestamps', () => {
  it('reads epoch ms, epoch seconds and ISO text', () => {
    expect(parseTimestamp(1_763_798_400_000)).toBe(1_763_798_400_000);
    expect(parseTimestamp(1_763_798_400)).toBe(1_763_798_400_000);
    expect(parseTimestamp(1_763_798_400.5)).toBe(1_763_798_400_500);
    expect(parseTimestamp('1763798400')).toBe(1_763_798_400_000);
    expect(parseTimestamp('2025-11-22T08:00:00Z')).toBe(Date.UTC(2025, 10, 22, 8));
    expect(parseTimestamp('yesterday')).toBeNull();
    expect(parseTimestamp(-5)).toBeNull();
    expect(parseTimestamp(undefined)).toBeNull();
  });
});

describe('JsonMapping', () => {
  it('maps a document to samples and lists what was missing or unusable', () => {
    const mapping = new JsonMapping(
      [point('t', 'd.t', { scale: 0.1 }), point('h', 'd.h'), point('s', 'd.s'), point('o', 'd.o')],
      { path: ['ts'] },
    );
    const result = mapping.map({ ts: 1_763_798_400, d: { t: 215, s: 'run', o: { x: 1 } } }, 'DEV', 42);
    expect(result.at).toBe(1_763_798_400_000);
    expect(result.samples).toEqual([
      {
        deviceId: 'DEV',
        point: 't',
        slave: 0,
        address: 0,
        value: 21.5,
        text: null,
        raw: '215',
        ts: 1_763_798_400_000,
        quality: 'good',
      },
      {
        deviceId: 'DEV',
        point: 's',
        slave: 0,
        address: 0,
        value: null,
        text: 'run',
        raw: '"run"',
        ts: 1_763_798_400_000,
        quality: 'good',
      },
    ]);
    expect(result.missing).toEqual(['h']);
    expect(result.invalid).toEqual(['o']);
    expect(mapping.map({ d: { t: 1 } }, 'DEV', 42).at).toBe(42);
  });
});
