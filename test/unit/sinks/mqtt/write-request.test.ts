import { describe, expect, it } from 'vitest';
import type { WriteBackRule } from '../../../../src/domain/mqtt-sink.js';
import { fillTopic, requestFilter } from '../../../../src/sinks/mqtt/topic-template.js';
import { globMatches, parseWriteRequest, refusal } from '../../../../src/sinks/mqtt/write-request.js';

const bytes = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

const RULES: WriteBackRule[] = [
  { devices: ['boiler-*'], points: ['*_setpoint', 'mode'], registers: false },
  { devices: ['lab-?'], points: [], registers: true },
];

describe('write-back requests', () => {
  it('accepts a write by point name and the four register writes', () => {
    for (const body of [
      { id: 'r1', point: 'temperature_setpoint', value: 55.5 },
      { point: 'pump', value: true },
      { id: 7, slave: 1, fn: 6, address: 2100, value: 555 },
      { slave: 1, fn: 5, address: 3, value: true },
      { slave: 1, fn: 16, address: 2100, values: [1, 2] },
      { slave: 1, fn: 15, address: 0, values: [true, false] },
    ])
      expect(parseWriteRequest(bytes(body))).toEqual({ ok: true, request: body });
  });

  it('refuses what is not JSON, does not fit, or is too large, keeping the id when it can', () => {
    expect(parseWriteRequest(bytes('{nope'))).toMatchObject({ ok: false, id: null, error: 'request is not JSON' });
    expect(parseWriteRequest(bytes({ id: 'x', point: 'a' }))).toMatchObject({ ok: false, id: 'x' });
    expect(parseWriteRequest(bytes({ slave: 1, fn: 6, address: 1, value: 70000 }))).toMatchObject({ ok: false });
    expect(parseWriteRequest(bytes({ point: 'a', value: 1, extra: 1 }))).toMatchObject({ ok: false });
    expect(parseWriteRequest(Buffer.alloc(5000, 32))).toMatchObject({ ok: false, error: /larger than 4096/ });
  });

  it('allows only devices and points an allow-list rule names', () => {
    const point = (p: string) => ({ point: p, value: 1 });
    expect(refusal(RULES, 'boiler-7', point('water_setpoint'))).toBeNull();
    expect(refusal(RULES, 'boiler-7', point('mode'))).toBeNull();
    expect(refusal(RULES, 'boiler-7', point('rpm'))).toBe(
      'point rpm of device boiler-7 is not on the write-back allow-list',
    );
    expect(refusal(RULES, 'pump-1', point('mode'))).toBe('device pump-1 is not on the write-back allow-list');
    const raw = { slave: 1, fn: 6 as const, address: 1, value: 1 };
    expect(refusal(RULES, 'boiler-7', raw)).toMatch(/register writes to device boiler-7 are not allowed/);
    expect(refusal(RULES, 'lab-1', raw)).toBeNull();
    expect(refusal(RULES, 'lab-12', raw)).toMatch(/not on the write-back allow-list/);
    expect(refusal([], 'boiler-7', point('mode'))).toMatch(/not on the write-back allow-list/);
  });

  it('matches globs on the whole name, with regex characters taken literally', () => {
    expect(globMatches('a.b*', 'a.bc')).toBe(true);
    expect(globMatches('a.b*', 'axbc')).toBe(false);
    expect(globMatches('x', 'xx')).toBe(false);
  });
});

describe('topic templates', () => {
  it('fills variables as single levels and the prefix as written', () => {
    expect(fillTopic('{prefix}/status/{device}', { prefix: 'a/b', device: 'd/1' })).toBe('a/b/status/d_1');
    expect(fillTopic('{prefix}/x', { prefix: 'p' })).toBe('p/x');
  });

  it('turns a request template into a filter with {device} as its own level, or refuses it', () => {
    expect(requestFilter('{prefix}/write/request/{device}', 'plant')).toEqual({
      filter: 'plant/write/request/+',
      deviceLevel: 3,
    });
    expect(requestFilter('{prefix}/write/{device}-req', 'plant')).toBeNull();
    expect(requestFilter('{prefix}/write/#', 'plant')).toBeNull();
  });
});
