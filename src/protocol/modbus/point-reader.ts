// One point's decoder, compiled once per read block: every choice that depends only on
// the point (type, byte order, offset inside the block, scaling) is made at compile time,
// so reading a value is a few byte loads and the result strings, with no dispatch on type
// and no intermediate objects. Decoding runs for every point of every poll.

import type { ByteOrder, PointDef } from '../../domain/point.js';
import { scratchBytes, scratchView, wireIndexes, type ValueWidth } from './byte-order.js';
import { isBitFunction } from './functions.js';
import { scalerFor, type Scaler } from './scaling.js';

/** What reading one point gives; the caller owns the object and reuses it for every point. */
export interface PointReading {
  /** Numeric value after scale/offset/decimals; bool as 1/0; null for strings and invalid values. */
  value: number | null;
  /** Text of `string` points, otherwise null. */
  text: string | null;
  /** The point's bytes as on the wire, lowercase hex ("00"/"01" for a coil or discrete input). */
  raw: string;
  /** False when the bytes hold no value (a BCD nibble above 9, a NaN or infinite float). */
  valid: boolean;
}

export interface PointReader {
  readonly point: PointDef;
  /** Data bytes the point needs, counted from the first data byte of the response. */
  readonly end: number;
  /** Reads the point from a response whose data starts at `buf[dataOffset]`; `end` must be in range. */
  readonly read: (buf: Uint8Array, dataOffset: number, out: PointReading) => void;
}

export function emptyReading(): PointReading {
  return { value: null, text: null, raw: '', valid: false };
}

/** Registers a type occupies; null for `string`, whose length is the point's own. */
export function registersFor(type: PointDef['type']): number | null {
  switch (type) {
    case 'bool':
    case 'int16':
    case 'uint16':
    case 'bcd16':
      return 1;
    case 'int32':
    case 'uint32':
    case 'float32':
    case 'bcd32':
      return 2;
    case 'int64':
    case 'uint64':
    case 'float64':
      return 4;
    case 'string':
      return null;
  }
}

/**
 * Compiles `point` as read by a request starting at `blockAddress`. For fn 3/4 the point
 * starts at data byte `2 * (address - blockAddress)`; for fn 1/2 it is bit
 * `address - blockAddress` of the data, LSB first in each byte.
 */
export function compilePointReader(point: PointDef, blockAddress: number): PointReader {
  const index = point.address - blockAddress;
  if (index < 0) throw outsideData(point, blockAddress);
  if (isBitFunction(point.fn)) return bitReader(point, index);
  const width = 2 * (registersFor(point.type) ?? point.registers);
  if (width < 2) throw outsideData(point, blockAddress);
  const at = 2 * index;
  return { point, end: at + width, read: registerReader(point, at, width) };
}

export function outsideData(point: PointDef, blockAddress: number): RangeError {
  return new RangeError(`point ${point.name} at ${point.address} lies outside the data read from ${blockAddress}`);
}

function bitReader(point: PointDef, index: number): PointReader {
  const byte = index >>> 3;
  const shift = index & 7;
  return {
    point,
    end: byte + 1,
    read: (buf, dataOffset, out) => {
      const on = (buf[dataOffset + byte]! >>> shift) & 1;
      out.value = on;
      out.text = null;
      out.raw = on ? '01' : '00';
      out.valid = true;
    },
  };
}

type Read = PointReader['read'];
type ValueOf = (buf: Uint8Array, p: number) => number;

function registerReader(point: PointDef, at: number, width: number): Read {
  const hex = hexOf(width);
  switch (point.type) {
    case 'bool': {
      // `bit` counts from the least significant bit of the register as read (big endian).
      const { bit } = point;
      return (buf, dataOffset, out) => {
        const p = dataOffset + at;
        const word = (buf[p]! << 8) | buf[p + 1]!;
        out.value = bit === undefined ? (word !== 0 ? 1 : 0) : (word >>> bit) & 1;
        out.text = null;
        out.raw = hex(buf, p);
        out.valid = true;
      };
    }
    case 'string': {
      const swapBytes = point.order === 'BADC' || point.order === 'DCBA';
      return (buf, dataOffset, out) => {
        const p = dataOffset + at;
        out.value = null;
        out.text = decodeAscii(buf, p, width, swapBytes);
        out.raw = hex(buf, p);
        out.valid = true;
      };
    }
    case 'bcd16':
    case 'bcd32':
      return checkedReader(bcdOf(width as ValueWidth, point.order), scalerFor(point, true), at, hex);
    case 'float32':
    case 'float64':
      return checkedReader(numberOf(point, width as ValueWidth), scalerFor(point, false), at, hex);
    default:
      return integerReader(numberOf(point, width as ValueWidth), scalerFor(point, true), at, hex);
  }
}

/** Integers are always finite: no validity check. */
function integerReader(valueOf: ValueOf, scale: Scaler, at: number, hex: HexOf): Read {
  return (buf, dataOffset, out) => {
    const p = dataOffset + at;
    out.value = scale(valueOf(buf, p));
    out.text = null;
    out.raw = hex(buf, p);
    out.valid = true;
  };
}

/** Floats and BCD can hold no value (NaN, ±Infinity, a nibble above 9): those are invalid. */
function checkedReader(valueOf: ValueOf, scale: Scaler, at: number, hex: HexOf): Read {
  return (buf, dataOffset, out) => {
    const p = dataOffset + at;
    const raw = valueOf(buf, p);
    const valid = Number.isFinite(raw);
    out.value = valid ? scale(raw) : null;
    out.text = null;
    out.raw = hex(buf, p);
    out.valid = valid;
  };
}

const TWO_POW_32 = 2 ** 32;
const word32 = new ArrayBuffer(4);
const bits32 = new Int32Array(word32);
const float32 = new Float32Array(word32);

/** The raw number of a numeric point, read straight from the wire bytes in its byte order. */
function numberOf(point: PointDef, width: ValueWidth): ValueOf {
  // Wire offsets of the big-endian bytes A, B, C, … of the value.
  const w = wireIndexes(width, point.order);
  const [a, b, c, d] = w as [number, number, number, number];
  switch (point.type) {
    case 'int16':
      return (buf, p) => (((buf[p + a]! << 8) | buf[p + b]!) << 16) >> 16;
    case 'uint16':
      return (buf, p) => (buf[p + a]! << 8) | buf[p + b]!;
    case 'int32':
      return (buf, p) => (buf[p + a]! << 24) | (buf[p + b]! << 16) | (buf[p + c]! << 8) | buf[p + d]!;
    case 'uint32':
      return (buf, p) => ((buf[p + a]! << 24) | (buf[p + b]! << 16) | (buf[p + c]! << 8) | buf[p + d]!) >>> 0;
    case 'float32':
      // The bits as an integer, reinterpreted through two views of one word (same endianness).
      return (buf, p) => {
        bits32[0] = (buf[p + a]! << 24) | (buf[p + b]! << 16) | (buf[p + c]! << 8) | buf[p + d]!;
        return float32[0]!;
      };
    case 'float64':
      return (buf, p) => {
        gather(buf, p, w);
        return scratchView.getFloat64(0);
      };
    // hi * 2^32 is exact and the one addition rounds once, exactly as Number(bigint) does,
    // without allocating a BigInt per value.
    case 'int64':
      return (buf, p) => {
        gather(buf, p, w);
        return scratchView.getInt32(0) * TWO_POW_32 + scratchView.getUint32(4);
      };
    case 'uint64':
      return (buf, p) => {
        gather(buf, p, w);
        return scratchView.getUint32(0) * TWO_POW_32 + scratchView.getUint32(4);
      };
    default:
      throw new RangeError(`type ${point.type} is not numeric`);
  }
}

/** BCD digits, two per byte in big-endian order; NaN when a nibble is not a digit. */
function bcdOf(width: ValueWidth, order: ByteOrder): ValueOf {
  const w = wireIndexes(width, order);
  return (buf, p) => {
    let value = 0;
    for (let i = 0; i < width; i++) {
      const byte = buf[p + w[i]!]!;
      const high = byte >>> 4;
      const low = byte & 0x0f;
      if (high > 9 || low > 9) return Number.NaN;
      value = value * 100 + high * 10 + low;
    }
    return value;
  };
}

/** Copies the value's bytes into the shared scratch area in big-endian order (decoding is synchronous). */
function gather(buf: Uint8Array, p: number, wire: readonly number[]): void {
  for (let k = 0; k < wire.length; k++) scratchBytes[k] = buf[p + wire[k]!]!;
}

/**
 * ASCII text, two characters per register, high byte first unless the order swaps bytes
 * (word order does not apply to text). Stops at the first NUL, trims trailing spaces and
 * shows bytes outside printable ASCII as U+FFFD rather than passing control codes on.
 */
function decodeAscii(buf: Uint8Array, at: number, width: number, swapBytes: boolean): string {
  let text = '';
  for (let i = 0; i < width; i++) {
    const c = buf[at + (swapBytes ? i ^ 1 : i)]!;
    if (c === 0) break;
    text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '\ufffd';
  }
  return text.trimEnd();
}

// ------------------------------------------------------------ raw hex

type HexOf = (buf: Uint8Array, p: number) => string;

/** Character codes of the 16 lowercase hex digits: one string allocation per value, no concatenation. */
const DIGIT: readonly number[] = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const hi = (byte: number): number => DIGIT[byte >>> 4]!;
const lo = (byte: number): number => DIGIT[byte & 0x0f]!;

function hexOf(width: number): HexOf {
  switch (width) {
    case 2:
      return (buf, p) => String.fromCharCode(hi(buf[p]!), lo(buf[p]!), hi(buf[p + 1]!), lo(buf[p + 1]!));
    case 4:
      return (buf, p) => {
        const a = buf[p]!;
        const b = buf[p + 1]!;
        const c = buf[p + 2]!;
        const d = buf[p + 3]!;
        return String.fromCharCode(hi(a), lo(a), hi(b), lo(b), hi(c), lo(c), hi(d), lo(d));
      };
    default:
      return (buf, p) => {
        const codes = new Array<number>(2 * width);
        for (let i = 0; i < width; i++) {
          codes[2 * i] = hi(buf[p + i]!);
          codes[2 * i + 1] = lo(buf[p + i]!);
        }
        return String.fromCharCode(...codes);
      };
  }
}
