import { describe, expect, it } from 'vitest';
import vectors from '../../fixtures/modbus-vectors.json' with { type: 'json' };
import type { ByteOrder, DataType } from '../../../src/domain/point.js';
import { encodePointValue, engineeringValue, rawFor } from '../../../src/simulator/point-encoding.js';
import { point } from './config-fixtures.js';

interface DecodingCase {
  type: string;
  order?: string;
  registers: number[];
  value: number | string | boolean;
  scale?: number;
  bit?: number;
}

describe('encodePointValue', () => {
  const cases = (vectors.decoding as DecodingCase[]).filter((c) => c.type !== 'uint64');

  it.each(cases.map((c) => [`${c.type} ${c.order ?? ''} ${String(c.value)}`, c] as const))(
    'writes %s as the registers of the independent vectors',
    (_name, c) => {
      const def = point({
        name: 'p',
        address: 0,
        type: c.type as DataType,
        order: (c.order ?? 'ABCD') as ByteOrder,
        registers: c.registers.length,
        scale: c.scale ?? 1,
        ...(c.bit === undefined ? {} : { bit: c.bit }),
      });
      expect(encodePointValue(def, c.value)).toEqual(c.registers);
    },
  );

  it('writes uint64 values beyond 2^53 in every byte order', () => {
    for (const c of (vectors.decoding as DecodingCase[]).filter((v) => v.type === 'uint64')) {
      const def = point({ name: 'p', address: 0, type: 'uint64', order: c.order as ByteOrder, registers: 4 });
      expect(encodePointValue(def, c.value)).toEqual(c.registers);
    }
  });

  it('clamps values the type cannot hold instead of wrapping around', () => {
    expect(encodePointValue(point({ name: 'p', address: 0, type: 'int16' }), 40_000)).toEqual([0x7fff]);
    expect(encodePointValue(point({ name: 'p', address: 0, type: 'uint16' }), -5)).toEqual([0]);
  });

  it('writes a coil or discrete input as a single bit', () => {
    expect(encodePointValue(point({ name: 'p', address: 0, fn: 1, type: 'bool' }), true)).toEqual([1]);
    expect(encodePointValue(point({ name: 'p', address: 0, fn: 2, type: 'bool' }), false)).toEqual([0]);
  });

  it('swaps the bytes of a string for BADC but keeps its characters in reading order', () => {
    const def = point({ name: 'p', address: 0, type: 'string', order: 'BADC', registers: 2 });
    expect(encodePointValue(def, 'AB')).toEqual([0x4241, 0]);
  });

  it('applies offset and scale before storing', () => {
    const def = point({ name: 'p', address: 0, type: 'int16', scale: 0.1, offset: -40 });
    expect(rawFor(def, 25.3)).toBe(653);
    expect(engineeringValue(def, 653)).toBe(25.3);
  });

  it('reads back 253 × 0.1 as 25.3, as a decoder rounding to the scale does', () => {
    expect(engineeringValue(point({ name: 't', address: 0, type: 'int16', scale: 0.1 }), 253)).toBe(25.3);
  });
});
