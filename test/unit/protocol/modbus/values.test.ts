import { describe, expect, it } from 'vitest';
import type { PointDef } from '../../../../src/domain/point.js';
import { encodePointValue } from '../../../../src/protocol/modbus/value-encoding.js';
import { decodePoint, registersFor } from '../../../../src/protocol/modbus/values.js';
import { type DecodingVector, hex, pointDef, registerBytes, vectors } from './vectors.js';

function pointFor(vector: DecodingVector, address = 100): PointDef {
  return pointDef({
    name: `${vector.type}-${vector.order ?? 'ABCD'}`,
    address,
    type: vector.type,
    order: vector.order ?? 'ABCD',
    registers: vector.registers.length,
    scale: vector.scale ?? 1,
    ...(vector.bit === undefined ? {} : { bit: vector.bit }),
  });
}

function label(vector: DecodingVector): string {
  return `${vector.type} ${vector.order ?? ''} ${JSON.stringify(vector.registers)} scale ${vector.scale ?? 1}`;
}

function decodeRegisters(point: PointDef, registers: readonly number[]) {
  return decodePoint(point, registerBytes(registers), 0, point.address);
}

describe('decodePoint', () => {
  it('decodes every fixture case to the fixture value', () => {
    expect(vectors.decoding.length).toBeGreaterThan(50);
    for (const vector of vectors.decoding) {
      const decoded = decodeRegisters(pointFor(vector), vector.registers);
      expect(decoded.valid, label(vector)).toBe(true);
      expect(decoded.raw, label(vector)).toBe(registerBytes(vector.registers).toString('hex'));
      if (vector.type === 'string') {
        expect(decoded).toMatchObject({ value: null, text: vector.value });
      } else if (vector.type === 'bool') {
        expect(decoded).toMatchObject({ value: vector.value ? 1 : 0, text: null });
      } else {
        expect(decoded.value, label(vector)).toBe(vector.value);
        expect(decoded.text).toBeNull();
      }
    }
  });

  it('finds each fixture case inside a larger block, after a response header', () => {
    for (const vector of vectors.decoding) {
      // Block of 30 registers read from 1000; the point sits at 1017, after a 3-byte header.
      const block = new Array<number>(30).fill(0xabcd);
      vector.registers.forEach((r, i) => (block[17 + i] = r));
      const buf = Buffer.concat([hex('01033c'), registerBytes(block), hex('0000')]);
      const decoded = decodePoint(pointFor(vector, 1017), buf, 3, 1000);
      const expected = vector.type === 'string' ? null : vector.type === 'bool' ? 1 : vector.value;
      expect(decoded.value, label(vector)).toBe(expected);
    }
  });

  it('reads coils and discrete inputs as single bits, LSB first', () => {
    const response = hex('010103cd6b054282'); // coils 19..37
    const coil = (address: number) => decodePoint(pointDef({ fn: 1, address, type: 'bool' }), response, 3, 19);
    expect([19, 20, 21, 22, 26, 27, 28, 37].map((a) => coil(a).value)).toEqual([1, 0, 1, 1, 1, 1, 1, 1]);
    expect(coil(29)).toEqual({ value: 0, text: null, raw: '00', valid: true });
    const input = decodePoint(pointDef({ fn: 2, address: 3, type: 'bool' }), hex('08'), 0, 0);
    expect(input).toEqual({ value: 1, text: null, raw: '01', valid: true });
  });

  it('reads a bool register without a bit as "not zero"', () => {
    const point = pointDef({ type: 'bool' });
    expect(decodeRegisters(point, [0]).value).toBe(0);
    expect(decodeRegisters(point, [0x0100]).value).toBe(1);
    expect(decodeRegisters(pointDef({ type: 'bool', bit: 15 }), [0x8000]).value).toBe(1);
    expect(decodeRegisters(pointDef({ type: 'bool', bit: 14 }), [0x8000]).value).toBe(0);
  });

  it('decodes 4 and 8 BCD digits in every word order', () => {
    expect(decodeRegisters(pointDef({ type: 'bcd16' }), [0x0950]).value).toBe(950);
    const cases = { ABCD: [0x1234, 0x5678], CDAB: [0x5678, 0x1234], BADC: [0x3412, 0x7856], DCBA: [0x7856, 0x3412] };
    for (const [order, registers] of Object.entries(cases)) {
      const point = pointDef({ type: 'bcd32', order: order as PointDef['order'], registers: 2 });
      expect(decodeRegisters(point, registers).value, order).toBe(12345678);
      expect(encodePointValue(point, 12345678), order).toEqual(registers);
    }
  });

  it('marks a BCD register with a nibble above 9 invalid and keeps its raw bytes', () => {
    expect(decodeRegisters(pointDef({ type: 'bcd16' }), [0x12a4])).toEqual({
      value: null,
      text: null,
      raw: '12a4',
      valid: false,
    });
    expect(decodeRegisters(pointDef({ type: 'bcd32', registers: 2 }), [0x1234, 0x567f]).valid).toBe(false);
  });

  it('marks NaN and infinite floats invalid', () => {
    const f32 = pointDef({ type: 'float32', registers: 2 });
    expect(decodeRegisters(f32, [0x7fc0, 0])).toEqual({ value: null, text: null, raw: '7fc00000', valid: false });
    expect(decodeRegisters(f32, [0xff80, 0]).valid).toBe(false);
    const f64 = pointDef({ type: 'float64', registers: 4, order: 'DCBA' });
    expect(decodeRegisters(f64, [0, 0, 0, 0xf07f]).valid).toBe(false); // +Infinity, little endian
  });

  it('reads text up to the first NUL and trims trailing spaces', () => {
    const text = (registers: number[], order: PointDef['order'] = 'ABCD') =>
      decodeRegisters(pointDef({ type: 'string', registers: registers.length, order }), registers).text;
    expect(text([0x4142, 0x4320, 0x2020])).toBe('ABC');
    expect(text([0x4142, 0x0043, 0x4445])).toBe('AB');
    expect(text([0x4241, 0x2043], 'BADC')).toBe('ABC');
    expect(text([0x4142, 0x0a43])).toBe('AB\ufffdC');
    expect(text([0x0000])).toBe('');
  });

  it('applies scale and offset and gives the decimal the user wrote', () => {
    const int16 = (overrides: Partial<PointDef>) => pointDef({ type: 'int16', ...overrides });
    expect(decodeRegisters(int16({ scale: 0.1 }), [253]).value).toBe(25.3);
    expect(decodeRegisters(int16({ scale: 0.1, offset: -40 }), [253]).value).toBe(-14.7);
    expect(decodeRegisters(int16({ scale: 0.001 }), [1]).value).toBe(0.001);
    expect(decodeRegisters(int16({ scale: 0.07 }), [3]).value).toBe(0.21);
    expect(decodeRegisters(int16({ scale: 10, offset: 0.5 }), [0xffff]).value).toBe(-9.5);
    expect(decodeRegisters(int16({ scale: 1 / 3 }), [3]).value).toBe(1);
  });

  it('rounds to the configured decimals, half away from zero', () => {
    const f32 = pointDef({ type: 'float32', registers: 2, decimals: 1 });
    expect(decodeRegisters(f32, [0x414c, 0]).value).toBe(12.8); // 12.75
    expect(decodeRegisters(f32, [0xc14c, 0]).value).toBe(-12.8);
    expect(decodeRegisters(pointDef({ type: 'int16', scale: 0.01, decimals: 1 }), [0xfffe]).value).toBe(0); // -0.02, not -0
    expect(Object.is(decodeRegisters(pointDef({ type: 'int16', scale: 0.01, decimals: 1 }), [0xfffe]).value, -0)).toBe(
      false,
    );
  });

  it('trims arithmetic noise from scaled floats without rounding them to the scale', () => {
    const f32 = pointDef({ type: 'float32', registers: 2, scale: 0.1 });
    expect(decodeRegisters(f32, [0x414c, 0]).value).toBe(1.275); // 12.75 * 0.1 = 1.2750000000000001
    expect(decodeRegisters(f32, [0x4262, 0x1eb8]).value).toBeCloseTo(5.653, 6); // 56.53 stays 5.653…, not 5.7
  });

  it('keeps the exact bytes of 64-bit values in raw even when the number rounds', () => {
    const int64 = pointDef({ type: 'int64', registers: 4 });
    const max = decodeRegisters(int64, [0x7fff, 0xffff, 0xffff, 0xffff]);
    expect(max.value).toBe(Number(0x7fffffffffffffffn));
    expect(max.raw).toBe('7fffffffffffffff');
    const uint64 = pointDef({ type: 'uint64', registers: 4, order: 'CDAB' });
    expect(decodeRegisters(uint64, [0x0001, 0, 0, 0x0020]).value).toBe(Number(0x0020_0000_0000_0001n));
    expect(decodeRegisters(int64, [0xffff, 0xffff, 0xffff, 0xffff]).value).toBe(-1);
  });

  it('refuses a point that lies outside the data it is given', () => {
    const buf = registerBytes([1, 2]);
    expect(() => decodePoint(pointDef({ address: 99 }), buf, 0, 100)).toThrow(/outside/);
    expect(() => decodePoint(pointDef({ address: 101, type: 'int32', registers: 2 }), buf, 0, 100)).toThrow(RangeError);
  });

  it('knows how many registers each fixed-size type takes', () => {
    expect(registersFor('int16')).toBe(1);
    expect(registersFor('bcd32')).toBe(2);
    expect(registersFor('uint64')).toBe(4);
    expect(registersFor('string')).toBeNull();
  });
});

describe('encodePointValue', () => {
  it('round-trips every fixture case back to the same registers', () => {
    for (const vector of vectors.decoding) {
      const point = pointFor(vector);
      const decoded = decodeRegisters(point, vector.registers);
      const value = vector.type === 'string' ? decoded.text! : decoded.value!;
      expect(encodePointValue(point, value), label(vector)).toEqual(vector.registers);
      expect(encodePointValue(point, vector.value), label(vector)).toEqual(vector.registers);
    }
  });

  it('writes coils and bool register bits', () => {
    expect(encodePointValue(pointDef({ fn: 1, type: 'bool' }), true)).toEqual([1]);
    expect(encodePointValue(pointDef({ fn: 1, type: 'bool' }), 'false')).toEqual([0]);
    expect(encodePointValue(pointDef({ type: 'bool', bit: 15 }), 1)).toEqual([0x8000]);
    expect(encodePointValue(pointDef({ type: 'bool' }), true)).toEqual([1]);
  });

  it('applies the byte order to single registers as decodePoint does', () => {
    const point = pointDef({ type: 'int16', order: 'DCBA' });
    const registers = encodePointValue(point, -1234);
    expect(registers).toEqual([0x2efb]);
    expect(decodeRegisters(point, registers).value).toBe(-1234);
    expect(encodePointValue(pointDef({ type: 'uint16', order: 'CDAB' }), 0x1234)).toEqual([0x1234]);
  });

  it('reverses scale and offset and rounds integer types', () => {
    expect(encodePointValue(pointDef({ type: 'int16', scale: 0.1, offset: -40 }), -14.7)).toEqual([253]);
    expect(encodePointValue(pointDef({ type: 'uint16', scale: 0.01 }), 15.5)).toEqual([1550]);
    expect(encodePointValue(pointDef({ type: 'uint16' }), 2.6)).toEqual([3]);
    expect(encodePointValue(pointDef({ type: 'float32', registers: 2 }), '56.5')).toEqual([0x4262, 0]);
  });

  it('writes text padded with NULs, bytes swapped for BADC', () => {
    expect(encodePointValue(pointDef({ type: 'string', registers: 3 }), 'AB C')).toEqual([0x4142, 0x2043, 0]);
    expect(encodePointValue(pointDef({ type: 'string', registers: 2, order: 'BADC' }), 'ABC')).toEqual([
      0x4241, 0x0043,
    ]);
  });

  it('refuses values that do not fit the point', () => {
    expect(() => encodePointValue(pointDef({ type: 'int16' }), 32768)).toThrow(/does not fit/);
    expect(() => encodePointValue(pointDef({ type: 'int16' }), -32769)).toThrow(RangeError);
    expect(() => encodePointValue(pointDef({ type: 'uint16' }), -1)).toThrow(RangeError);
    expect(() => encodePointValue(pointDef({ type: 'int16', scale: 0.1 }), 3276.8)).toThrow(RangeError);
    expect(() => encodePointValue(pointDef({ type: 'uint32', registers: 2 }), 2 ** 32)).toThrow(RangeError);
    expect(() => encodePointValue(pointDef({ type: 'int64', registers: 4 }), 2 ** 63)).toThrow(RangeError);
    expect(() => encodePointValue(pointDef({ type: 'uint64', registers: 4 }), 2 ** 64)).toThrow(RangeError);
    expect(() => encodePointValue(pointDef({ type: 'bcd16' }), 10000)).toThrow(RangeError);
    expect(() => encodePointValue(pointDef({ type: 'bcd32', registers: 2 }), -1)).toThrow(RangeError);
    expect(() => encodePointValue(pointDef({ type: 'float32', registers: 2 }), 1e39)).toThrow(RangeError);
    expect(() => encodePointValue(pointDef({ type: 'float64', registers: 4 }), Number.NaN)).toThrow(/finite number/);
    expect(() => encodePointValue(pointDef({ type: 'uint16' }), '')).toThrow(/finite number/);
    expect(() => encodePointValue(pointDef({ type: 'uint16' }), 'abc')).toThrow(RangeError);
    expect(() => encodePointValue(pointDef({ type: 'uint16' }), true)).toThrow(RangeError);
    expect(() => encodePointValue(pointDef({ type: 'uint16', scale: 0 }), 1)).toThrow(/scale 0/);
    expect(() => encodePointValue(pointDef({ type: 'bool' }), 2)).toThrow(/true\/false/);
    expect(() => encodePointValue(pointDef({ type: 'string', registers: 1 }), 'ABC')).toThrow(/at most 2/);
    expect(() => encodePointValue(pointDef({ type: 'string', registers: 2 }), 'Ä')).toThrow(/ASCII/);
    expect(() => encodePointValue(pointDef({ type: 'string', registers: 2 }), 5)).toThrow(/text/);
  });
});
