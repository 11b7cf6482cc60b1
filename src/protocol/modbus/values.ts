// Register bytes ↔ point values. Decoding runs for every point of every poll, so it reads
// straight from the response buffer and allocates only the result object and its strings.

import type { DataType, PointDef } from '../../domain/point.js';
import { gatherBigEndian, scratchView, type ValueWidth } from './byte-order.js';
import { isBitFunction } from './functions.js';
import { applyScale } from './scaling.js';

export interface DecodedValue {
  /** Numeric value after scale/offset/decimals; bool as 1/0; null for strings and invalid values. */
  readonly value: number | null;
  /** Text of `string` points, otherwise null. */
  readonly text: string | null;
  /**
   * The point's bytes as on the wire, lowercase hex ("00"/"01" for a coil or discrete
   * input), kept even when the value is invalid so the raw reading can be inspected.
   */
  readonly raw: string;
  /**
   * False when the bytes hold no value: a BCD nibble above 9, a NaN or infinite float.
   * Such values are counted by the caller, not stored.
   */
  readonly valid: boolean;
}

/** Registers a type occupies; null for `string`, whose length is the point's own. */
export function registersFor(type: DataType): number | null {
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

const TWO_POW_32 = 2 ** 32;
const HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * Decodes one point from a read response. `dataOffset` is the absolute index of the first
 * data byte and `blockAddress` the first register (or bit) the request read. For fn 3/4 the
 * point starts at byte `dataOffset + 2 * (address - blockAddress)`; for fn 1/2 it is bit
 * `address - blockAddress` of the data, LSB first in each byte.
 */
export function decodePoint(point: PointDef, buf: Uint8Array, dataOffset: number, blockAddress: number): DecodedValue {
  const index = point.address - blockAddress;
  if (isBitFunction(point.fn)) {
    const byteAt = dataOffset + (index >>> 3);
    if (index < 0 || byteAt >= buf.length) throw outside(point, blockAddress);
    const on = (buf[byteAt]! >>> (index & 7)) & 1;
    return { value: on, text: null, raw: on ? '01' : '00', valid: true };
  }

  const at = dataOffset + 2 * index;
  const width = 2 * (registersFor(point.type) ?? point.registers);
  if (index < 0 || width < 2 || at + width > buf.length) throw outside(point, blockAddress);
  let raw = '';
  for (let i = at; i < at + width; i++) raw += HEX[buf[i]!]!;

  switch (point.type) {
    case 'bool': {
      const word = (buf[at]! << 8) | buf[at + 1]!;
      // `bit` counts from the least significant bit of the register as read (big endian).
      const on = point.bit === undefined ? (word !== 0 ? 1 : 0) : (word >>> point.bit) & 1;
      return { value: on, text: null, raw, valid: true };
    }
    case 'string': {
      const swapBytes = point.order === 'BADC' || point.order === 'DCBA';
      return { value: null, text: decodeAscii(buf, at, width, swapBytes), raw, valid: true };
    }
    case 'bcd16':
    case 'bcd32':
      gatherBigEndian(buf, at, width as ValueWidth, point.order);
      return numeric(point, decodeBcd(width), raw, true);
    default:
      gatherBigEndian(buf, at, width as ValueWidth, point.order);
      return numeric(point, readScratch(point.type), raw, point.type !== 'float32' && point.type !== 'float64');
  }
}

function numeric(point: PointDef, rawValue: number, raw: string, integral: boolean): DecodedValue {
  if (!Number.isFinite(rawValue)) return { value: null, text: null, raw, valid: false };
  return { value: applyScale(point, rawValue, integral), text: null, raw, valid: true };
}

/** Reads the big-endian bytes gathered in the scratch area as `type`. */
function readScratch(type: DataType): number {
  switch (type) {
    case 'int16':
      return scratchView.getInt16(0);
    case 'uint16':
      return scratchView.getUint16(0);
    case 'int32':
      return scratchView.getInt32(0);
    case 'uint32':
      return scratchView.getUint32(0);
    case 'float32':
      return scratchView.getFloat32(0);
    case 'float64':
      return scratchView.getFloat64(0);
    // hi * 2^32 is exact and the one addition rounds once, exactly as Number(bigint) does,
    // without allocating a BigInt per value.
    case 'int64':
      return scratchView.getInt32(0) * TWO_POW_32 + scratchView.getUint32(4);
    case 'uint64':
      return scratchView.getUint32(0) * TWO_POW_32 + scratchView.getUint32(4);
    default:
      throw new RangeError(`type ${type} is not numeric`);
  }
}

/** BCD digits from the scratch area, two per byte; NaN when a nibble is not a digit. */
function decodeBcd(width: number): number {
  let value = 0;
  for (let i = 0; i < width; i++) {
    const byte = scratchView.getUint8(i);
    const high = byte >>> 4;
    const low = byte & 0x0f;
    if (high > 9 || low > 9) return Number.NaN;
    value = value * 100 + high * 10 + low;
  }
  return value;
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

function outside(point: PointDef, blockAddress: number): RangeError {
  return new RangeError(`point ${point.name} at ${point.address} lies outside the data read from ${blockAddress}`);
}
