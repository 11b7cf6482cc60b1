// device_data rows as the tab-separated text LOAD DATA reads (its defaults: fields by tab,
// lines by newline, backslash escapes, \N for NULL). Pure, no IO.
//
// LOAD DATA LOCAL takes a 5,000-row batch in about half the time of multi-row INSERTs:
// no SQL to parse, no per-value escaping in mysql2, one round trip.

/** One device_data row; `value` null for "no number", `text` null when absent. */
export interface SampleRow {
  readonly deviceId: number;
  readonly ts: number;
  readonly pointId: number;
  readonly slave: number;
  readonly address: number;
  readonly value: number | null;
  readonly text: string | null;
  readonly raw: string;
  readonly quality: string;
}

export const SAMPLE_TSV_COLUMNS =
  '(device_id, received_at, point_id, slave, address, value, text_value, raw_value, quality)';

const SPECIAL = /[\\\t\n\r\0]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

/** A text field with the characters LOAD DATA treats specially escaped. */
export function tsvField(text: string): string {
  return SPECIAL.test(text) ? text.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c]!) : text;
}

/** One line per row. A number is written the way JavaScript prints it, which reads back exactly. */
export function sampleLine(row: SampleRow): string {
  const value = row.value === null ? '\\N' : String(row.value);
  const text = row.text === null ? '\\N' : tsvField(row.text);
  return `${row.deviceId}\t${row.ts}\t${row.pointId}\t${row.slave}\t${row.address}\t${value}\t${text}\t${tsvField(row.raw)}\t${tsvField(row.quality)}\n`;
}
