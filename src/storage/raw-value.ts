// How a sample's raw value and quality sit in device_data since migration 006: the raw value
// as bytes (BLOB / VARBINARY) and the quality as a small integer, instead of hex text and
// the word 'good'. Both stores and the migration use these rules; pure, no IO.
//
// A raw value is the register bytes as lowercase hex for Modbus points, but outbound
// channels (MQTT, HTTP, OPC UA) put the value as received there, as JSON text ("21.5",
// "true"), which is not hex. Such a raw value is stored as its UTF-8 bytes and the row's
// quality carries RAW_IS_TEXT, so it reads back exactly. A flag bit rather than a second
// column: a nullable column would cost SQLite a header byte on every row, the bit costs
// nothing on rows that do not use it. Text that happens to be even-length lowercase hex
// ("25") is stored as bytes and reads back as the same text, so that is exact too.
//
// The quality column's bits: 0–6 a value decoder id (0: `value` holds the value; else `value`
// is NULL and the raw bytes decode to it, value-from-raw.ts), 7 RAW_IS_TEXT, 8 and up the
// quality code. Rows written before either flag existed hold 0 or 0x80 and read the same.
// MySQL's quality is TINYINT UNSIGNED: a second quality code will need it widened.
import type { Quality } from '../domain/point.js';
import { MAX_DECODER_ID, valueFromRaw } from './value-from-raw.js';

/** Quality code 0: the only quality a sample has today. */
export const QUALITY_GOOD = 0;
/** Set in `quality` when raw_value holds text (UTF-8), not register bytes. */
export const RAW_IS_TEXT = 0x80;

const QUALITY_CODES: Readonly<Record<Quality, number>> = { good: QUALITY_GOOD };
const QUALITY_SHIFT = 8;
const QUALITY_NAMES: readonly Quality[] = ['good'];

const HEX_CODES = /^(?:[0-9a-f]{2})*$/;

/** The raw value's bytes as stored, and whether they are text rather than register bytes. */
export interface StoredRaw {
  readonly bytes: Buffer;
  /** The same bytes as lowercase hex: how MySQL's LOAD DATA receives them. */
  readonly hex: string;
  readonly text: boolean;
}

/** Register hex → its bytes; anything else → its UTF-8 bytes, marked as text. */
export function storedRaw(raw: string): StoredRaw {
  if (HEX_CODES.test(raw)) return { bytes: Buffer.from(raw, 'hex'), hex: raw, text: false };
  const bytes = Buffer.from(raw, 'utf8');
  return { bytes, hex: bytes.toString('hex'), text: true };
}

/**
 * The `quality` column of a row: the quality's code, RAW_IS_TEXT when the raw is text, and the
 * id of the decoder that gives the value from the raw bytes (0: the value is stored).
 */
export function qualityColumn(quality: Quality, rawIsText: boolean, decoder = 0): number {
  return ((QUALITY_CODES[quality] ?? QUALITY_GOOD) << QUALITY_SHIFT) | (rawIsText ? RAW_IS_TEXT : 0) | decoder;
}

/** A row's value: the stored one, or the one its raw bytes decode to when quality names a decoder. */
export function valueFromColumns(value: number | null, bytes: Uint8Array, quality: number): number | null {
  if (value !== null) return value;
  const decoder = quality & MAX_DECODER_ID;
  return decoder === 0 ? null : valueFromRaw(decoder, bytes);
}

/** A row's raw value as the API gives it: lowercase hex, or the text it was stored from. */
export function rawFromColumns(bytes: Uint8Array, quality: number): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (quality & RAW_IS_TEXT) !== 0 ? buffer.toString('utf8') : buffer.toString('hex');
}

/** A row's quality as the API gives it. */
export function qualityFromColumn(quality: number): Quality {
  return QUALITY_NAMES[quality >> QUALITY_SHIFT] ?? 'good';
}
