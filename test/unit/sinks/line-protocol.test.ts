// The line protocol encoder: escaping per element, numbers and strings, checked against
// hand-written lines and against the official client's Point (an independent encoder).
import { Point } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import {
  encodeLine,
  escapeKey,
  escapeMeasurement,
  formatField,
  quoteString,
  tagSet,
  type FieldValue,
} from '../../../src/sinks/influxdb/line-protocol.js';

const float = (value: number): FieldValue => ({ kind: 'float', value });
const integer = (value: number): FieldValue => ({ kind: 'integer', value });
const string = (value: string): FieldValue => ({ kind: 'string', value });

describe('line protocol encoding', () => {
  it('escapes commas and spaces in a measurement, but not equals signs', () => {
    expect(escapeMeasurement('boiler room,2=a')).toBe('boiler\\ room\\,2=a');
  });

  it('escapes commas, equals signs and spaces in tag keys, tag values and field keys', () => {
    expect(escapeKey('a b,c=d')).toBe('a\\ b\\,c\\=d');
    expect(escapeKey('温度')).toBe('温度');
  });

  it('writes newlines and tabs in names as escapes so a line never splits', () => {
    expect(escapeKey('a\nb\tc\rd')).toBe('a\\nb\\tc\\rd');
  });

  it('doubles a backslash, so a trailing one cannot escape the separator after it', () => {
    expect(escapeKey('path\\')).toBe('path\\\\');
    expect(tagSet({ dir: 'C:\\' })).toBe(',dir=C:\\\\');
  });

  it('quotes strings, escaping double quotes and backslashes only', () => {
    expect(quoteString('say "hi", a=b')).toBe('"say \\"hi\\", a=b"');
    expect(quoteString('back\\slash')).toBe('"back\\\\slash"');
  });

  it('writes floats plainly, integers with i, and leaves out what cannot be written', () => {
    expect(formatField(float(21))).toBe('21');
    expect(formatField(float(-0.1))).toBe('-0.1');
    expect(formatField(float(1e21))).toBe('1e+21');
    expect(formatField(integer(-3))).toBe('-3i');
    expect(formatField({ kind: 'boolean', value: false })).toBe('false');
    expect(formatField(float(Number.NaN))).toBeNull();
    expect(formatField(float(Number.POSITIVE_INFINITY))).toBeNull();
    expect(formatField(integer(2 ** 60))).toBeNull();
    expect(formatField(integer(1.5))).toBeNull();
  });

  it('sorts tags by key and leaves out empty ones', () => {
    expect(tagSet({ profile: 'th', device: 'D1', group: '', '': 'x' })).toBe(',device=D1,profile=th');
  });

  it('encodes one line with every field kind and a millisecond timestamp', () => {
    const head = escapeMeasurement('station') + tagSet({ device: 'D 1' });
    const line = encodeLine(
      head,
      [
        ['temperature', float(21.5)],
        ['status', integer(3)],
        ['label', string('ok')],
        ['bad', float(Number.NaN)],
      ],
      1_700_000_000_000.4,
    );
    expect(line).toBe('station,device=D\\ 1 temperature=21.5,status=3i,label="ok" 1700000000000');
  });

  it('gives no line when no field can be written', () => {
    expect(encodeLine('m', [['x', float(Number.NaN)]], 1)).toBeNull();
  });

  it('agrees with the official client on names full of separators', () => {
    const names = ['a b', 'c,d', 'e=f', 'g h,i=j', 'plain', '温度 1'];
    for (const name of names) {
      const ours = encodeLine(
        escapeMeasurement(name) + tagSet({ [name]: name }),
        [
          [escapeKey(name), float(1.25)],
          [escapeKey(`${name}s`), string(`"${name}"`)],
        ],
        1_700_000_000_000,
      );
      const theirs = new Point(name)
        .tag(name, name)
        .floatField(name, 1.25)
        .stringField(`${name}s`, `"${name}"`)
        .timestamp(1_700_000_000_000)
        .toLineProtocol();
      // The client sorts fields by key; ours keep the order given, which here is the same.
      expect(ours).toBe(theirs);
    }
  });
});
