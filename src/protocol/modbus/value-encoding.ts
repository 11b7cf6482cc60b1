// Point value → register words: the inverse of decodePoint, for writes from the API and
// for the simulator's register maps. Writes are rare, so clarity wins over allocation here.

import type { PointDef } from '../../domain/point.js';
import { scatterToRegisters, scratchBytes, scratchView, type ValueWidth } from './byte-order.js';
import { isBitFunction } from './functions.js';
import { removeScale } from './scaling.js';
import { registersFor } from './values.js';

const FLOAT32_MAX = 3.4028234663852886e38;

const INTEGER_RANGE = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
  int64: [-(2 ** 63), 2 ** 63],
  uint64: [0, 2 ** 64],
  bcd16: [0, 9999],
  bcd32: [0, 99_999_999],
} as const;

/**
 * Register words (wire order) that make `decodePoint` read `value` back: scale and offset
 * are reversed, integer types rounded, the byte order applied. For coils and discrete
 * inputs the result is [0] or [1]; for a `bool` at a register `bit`, the register with only
 * that bit set (a caller writing one bit of a shared register must merge it itself).
 * Throws a RangeError when the value does not fit the point.
 */
export function encodePointValue(point: PointDef, value: number | string | boolean): number[] {
  if (isBitFunction(point.fn) || point.type === 'bool') {
    const on = toBoolean(point, value);
    if (isBitFunction(point.fn)) return [on ? 1 : 0];
    return [on ? (point.bit === undefined ? 1 : 1 << point.bit) : 0];
  }
  if (point.type === 'string') {
    if (typeof value !== 'string') throw new RangeError(`point ${point.name} holds text, got ${typeof value}`);
    return encodeAscii(point, value);
  }

  const raw = removeScale(point, toNumber(point, value));
  const width = (2 * registersFor(point.type)!) as ValueWidth;
  switch (point.type) {
    case 'float32':
      if (Math.abs(raw) > FLOAT32_MAX) throw outOfRange(point, value);
      scratchView.setFloat32(0, raw);
      break;
    case 'float64':
      if (!Number.isFinite(raw)) throw outOfRange(point, value);
      scratchView.setFloat64(0, raw);
      break;
    default: {
      const whole = Math.round(raw);
      const [min, max] = INTEGER_RANGE[point.type];
      // The 64-bit upper bounds are exclusive: 2^63 and 2^64 are doubles, the maxima are not.
      const tooBig = point.type === 'int64' || point.type === 'uint64' ? whole >= max : whole > max;
      if (!Number.isFinite(whole) || whole < min || tooBig) throw outOfRange(point, value);
      writeInteger(point.type, whole);
    }
  }
  return scatterToRegisters(width, point.order);
}

function writeInteger(type: keyof typeof INTEGER_RANGE, whole: number): void {
  switch (type) {
    case 'int16':
    case 'uint16':
      scratchView.setUint16(0, whole & 0xffff);
      return;
    case 'int32':
    case 'uint32':
      scratchView.setUint32(0, whole >>> 0);
      return;
    case 'int64':
      scratchView.setBigInt64(0, BigInt(whole));
      return;
    case 'uint64':
      scratchView.setBigUint64(0, BigInt(whole));
      return;
    case 'bcd16':
    case 'bcd32': {
      // Two decimal digits per byte, least significant byte last.
      let rest = whole;
      for (let i = type === 'bcd16' ? 1 : 3; i >= 0; i--) {
        const pair = rest % 100;
        scratchBytes[i] = (Math.floor(pair / 10) << 4) | (pair % 10);
        rest = Math.floor(rest / 100);
      }
    }
  }
}

function encodeAscii(point: PointDef, text: string): number[] {
  const width = 2 * point.registers;
  if (text.length > width) {
    throw new RangeError(`point ${point.name} holds at most ${width} characters, got ${text.length}`);
  }
  const swap = point.order === 'BADC' || point.order === 'DCBA';
  const words: number[] = [];
  for (let i = 0; i < width; i += 2) {
    const first = charAt(point, text, i);
    const second = charAt(point, text, i + 1);
    words.push(swap ? (second << 8) | first : (first << 8) | second);
  }
  return words;
}

/** Character code for position `i`, NUL past the end; only printable ASCII is accepted. */
function charAt(point: PointDef, text: string, i: number): number {
  if (i >= text.length) return 0;
  const c = text.charCodeAt(i);
  if (c < 0x20 || c > 0x7e) throw new RangeError(`point ${point.name} accepts printable ASCII only`);
  return c;
}

function toNumber(point: PointDef, value: number | string | boolean): number {
  // API and CLI input arrives as text; "12.5" is accepted, "" and "abc" are not.
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new RangeError(`point ${point.name} needs a finite number, got ${String(value)}`);
  return n;
}

function toBoolean(point: PointDef, value: number | string | boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1' || value === 'true') return true;
  if (value === 0 || value === '0' || value === 'false') return false;
  throw new RangeError(`point ${point.name} is a bool: use true/false or 1/0, got ${String(value)}`);
}

function outOfRange(point: PointDef, value: number | string | boolean): RangeError {
  return new RangeError(`value ${String(value)} does not fit point ${point.name} (${point.type})`);
}
