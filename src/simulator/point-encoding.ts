// Engineering value → register words for one point: the inverse of what the gateway's
// decoder does. Written here (not shared) so the simulator is an independent reading of
// the point definitions; the unit tests check it against the pymodbus vectors.
import type { ByteOrder, DataType, PointDef } from '../domain/point.js';

const BYTE_SIZE: Readonly<Record<Exclude<DataType, 'string' | 'bool'>, number>> = {
  int16: 2,
  uint16: 2,
  bcd16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  bcd32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
};

const INTEGER_RANGE: Readonly<Partial<Record<DataType, readonly [number, number]>>> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x8000_0000, 0x7fff_ffff],
  uint32: [0, 0xffff_ffff],
  // The largest doubles below 2^63 and 2^64, so BigInt() of the clamped value never wraps.
  int64: [-(2 ** 63), 2 ** 63 - 1024],
  uint64: [0, 2 ** 64 - 2048],
  bcd16: [0, 9999],
  bcd32: [0, 99_999_999],
};

/**
 * The raw (unscaled) number stored for `value`: `(value - offset) / scale`, rounded and
 * clamped to what the type can hold. Floats are rounded to their storage precision.
 */
export function rawFor(point: PointDef, value: number): number {
  const scale = point.scale === 0 ? 1 : point.scale;
  const raw = (value - point.offset) / scale;
  if (point.type === 'float32') return Math.fround(raw);
  if (point.type === 'float64') return raw;
  const range = INTEGER_RANGE[point.type];
  if (!range) return raw;
  const rounded = Math.round(Number.isFinite(raw) ? raw : 0);
  return Math.min(range[1], Math.max(range[0], rounded));
}

/**
 * The value a correct decoder reads back from the raw number: `raw * scale + offset`,
 * rounded to `decimals` when set, else to the decimals of scale and offset for integer
 * types (253 × 0.1 reads as 25.3, not 25.299999999999997) and to 15 significant digits
 * for floats.
 */
export function engineeringValue(point: PointDef, raw: number): number {
  const { scale, offset, decimals } = point;
  if (scale === 1 && offset === 0) return decimals === undefined ? raw : roundTo(raw, decimals);
  const value = raw * scale + offset;
  if (decimals !== undefined) return roundTo(value, decimals);
  if (point.type !== 'float32' && point.type !== 'float64') {
    const places = Math.max(decimalPlaces(scale), decimalPlaces(offset));
    return places < 0 ? value : roundTo(value, places);
  }
  return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(15));
}

function roundTo(value: number, decimals: number): number {
  return Number(value.toFixed(Math.min(decimals, 20)));
}

/** Decimals in the shortest form of `x` (0.1 → 1, 0.25 → 2), or -1 past 12. */
function decimalPlaces(x: number): number {
  for (let d = 0; d <= 12; d++) {
    if (Number(x.toFixed(d)) === x) return d;
  }
  return -1;
}

/**
 * Register words (fn 3/4) or a single bit (fn 1/2) holding `value`, in the point's byte
 * order. A `bool` with `bit` yields the word with only that bit set (or 0); callers OR the
 * bits of points that share a register.
 */
export function encodePointValue(point: PointDef, value: number | string | boolean): number[] {
  if (point.fn === 1 || point.fn === 2) return [truthy(value) ? 1 : 0];
  if (point.type === 'bool') {
    const on = truthy(value);
    return fit([on ? (point.bit === undefined ? 1 : 1 << point.bit) : 0], point.registers);
  }
  if (point.type === 'string') {
    return fit(orderWords(stringBytes(String(value), point.registers * 2), point.order, false), point.registers);
  }
  const numeric = typeof value === 'number' ? value : Number(value);
  const bytes = numericBytes(point.type, rawFor(point, numeric));
  return fit(orderWords(bytes, point.order, true), point.registers);
}

function truthy(value: number | string | boolean): boolean {
  if (typeof value === 'string') return value !== '' && value !== '0' && value.toLowerCase() !== 'false';
  return Boolean(value);
}

function numericBytes(type: Exclude<DataType, 'string' | 'bool'>, raw: number): Uint8Array {
  const bytes = new Uint8Array(BYTE_SIZE[type]);
  const view = new DataView(bytes.buffer);
  switch (type) {
    case 'int16':
      view.setInt16(0, raw);
      break;
    case 'uint16':
      view.setUint16(0, raw);
      break;
    case 'int32':
      view.setInt32(0, raw);
      break;
    case 'uint32':
      view.setUint32(0, raw);
      break;
    case 'int64':
      view.setBigInt64(0, BigInt(raw));
      break;
    case 'uint64':
      view.setBigUint64(0, BigInt(raw));
      break;
    case 'float32':
      view.setFloat32(0, raw);
      break;
    case 'float64':
      view.setFloat64(0, raw);
      break;
    case 'bcd16':
      view.setUint16(0, toBcd(raw));
      break;
    case 'bcd32':
      view.setUint32(0, toBcd(raw));
      break;
  }
  return bytes;
}

/** Decimal digits packed four bits each: 1234 → 0x1234. */
function toBcd(value: number): number {
  let result = 0;
  let shift = 0;
  let rest = Math.trunc(value);
  do {
    result += (rest % 10) * 2 ** shift;
    rest = Math.trunc(rest / 10);
    shift += 4;
  } while (rest > 0);
  return result;
}

/** ASCII, two characters per register, high byte first, padded with NUL. */
function stringBytes(text: string, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length && i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0x7f;
  return bytes;
}

/**
 * Big-endian bytes A B C D … → words in `order`. BADC/DCBA swap the bytes inside each
 * word; CDAB/DCBA reverse the word order (numbers only: a string stays in reading order).
 */
function orderWords(bytes: Uint8Array, order: ByteOrder, numeric: boolean): number[] {
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const reverseWords = numeric && (order === 'CDAB' || order === 'DCBA');
  const words: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const hi = bytes[i]!;
    const lo = bytes[i + 1]!;
    words.push(swapBytes ? (lo << 8) | hi : (hi << 8) | lo);
  }
  return reverseWords ? words.reverse() : words;
}

/** Pads with zero words or truncates to the point's declared size. */
function fit(words: number[], registers: number): number[] {
  const size = Math.max(1, registers);
  if (words.length === size) return words;
  if (words.length > size) return words.slice(0, size);
  return words.concat(new Array<number>(size - words.length).fill(0));
}
