// How a sample's value, raw value and quality sit in SQLite's device_data since migration 014:
// two columns where schema 13 had four (value, text_value, raw_value, quality). Every column
// costs a SQLite record a header byte even when NULL, and `text_value` was NULL on nearly
// every row, `value` or `quality` on most (issue 16, docs/CONFIG.md "Bytes per stored point").
//
// - `raw_value`: register bytes as a BLOB, or the raw text a channel stored as TEXT. The
//   value's storage class says which, so the RAW_IS_TEXT flag bit needs no byte.
// - `value`, the value cell: NULL (no number), a number (the value), or a BLOB naming how the
//   value comes back from the raw bytes (value-from-raw.ts):
//     empty          decoder 1 (int16 ÷ 10), quality good: costs no body byte
//     [d]            decoder d, quality good: one byte
//     [d, q]         decoder d (0: none, no number), quality code q
//     [0, q, double] the value (8 bytes, big-endian) with quality code q
//   The longer forms exist so a quality other than good has a place; today's only quality
//   is good. A REAL column keeps a BLOB as it is and stores an integral number as a small
//   integer, as before.
// - a text point's text goes to `device_text`, keyed like device_data, written in the same
//   transaction; readers that return text LEFT JOIN it.
//
// MySQL keeps schema 13's columns (raw-value.ts): people query it with plain SQL. Pure, no IO.
import type { Quality } from '../../domain/point.js';
import { QUALITY_GOOD } from '../raw-value.js';
import { valueFromRaw } from '../value-from-raw.js';

/** What SQLite returns for the value cell. */
export type ValueCell = number | Uint8Array | null;
/** What SQLite returns for raw_value: register bytes, or text as received. */
export type RawCell = Uint8Array | string;

const QUALITY_CODES: Readonly<Record<Quality, number>> = { good: QUALITY_GOOD };
const QUALITY_NAMES: readonly Quality[] = ['good'];
const EMPTY = Buffer.alloc(0);
const BY_DECODER: readonly Buffer[] = Array.from({ length: 128 }, (_, d) => Buffer.from([d]));

/** The value cell of a row: `decoder` > 0 names the decoding of the raw bytes, else `value` is stored. */
export function valueCell(value: number | null, decoder: number, quality: Quality): ValueCell {
  const code = QUALITY_CODES[quality] ?? QUALITY_GOOD;
  if (code === QUALITY_GOOD) {
    if (decoder === 0) return value;
    return decoder === 1 ? EMPTY : BY_DECODER[decoder]!;
  }
  if (decoder !== 0 || value === null) return Buffer.from([decoder, code]);
  const cell = Buffer.alloc(10);
  cell[1] = code;
  cell.writeDoubleBE(value, 2);
  return cell;
}

/** A row's value: the stored number, or what the named decoder reads from the raw bytes. */
export function valueFromCell(cell: ValueCell, raw: RawCell): number | null {
  if (cell === null || typeof cell === 'number') return cell;
  if (cell.byteLength === 0) return typeof raw === 'string' ? null : valueFromRaw(1, raw);
  const decoder = cell[0]!;
  if (decoder !== 0) return typeof raw === 'string' ? null : valueFromRaw(decoder, raw);
  if (cell.byteLength < 10) return null;
  return Buffer.from(cell.buffer, cell.byteOffset, cell.byteLength).readDoubleBE(2);
}

/** A row's quality as the API gives it. */
export function qualityFromCell(cell: ValueCell): Quality {
  if (cell === null || typeof cell === 'number' || cell.byteLength < 2) return 'good';
  return QUALITY_NAMES[cell[1]!] ?? 'good';
}

/** A row's raw value as the API gives it: register bytes as lowercase hex, or the text as stored. */
export function rawFromCell(raw: RawCell): string {
  if (typeof raw === 'string') return raw;
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
}

/** A device_data row with a number (or a quality with none: valueFromCell says null for those). */
export const SQLITE_HAS_VALUE_SQL = 'value IS NOT NULL';

/** One point's samples: the device's key range, filtered on the point; the value cell and raw value. */
export const SQLITE_RAW_POINT_SQL = `SELECT received_at, value, raw_value FROM device_data
  WHERE device_id = ? AND received_at >= ? AND received_at < ? AND point_id = ? ORDER BY received_at`;
