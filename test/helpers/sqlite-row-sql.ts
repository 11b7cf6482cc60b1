// A SQLite device_data row (migration 014: raw_value and the value cell, text in device_text)
// as the API gives it, in plain SQL, for tests that read the file rather than ask the store.
// The value is decoded from the raw bytes in JS (the cell names the decoder; value-cell.ts).
import { valueFromCell, type RawCell, type ValueCell } from '../../src/storage/sqlite/value-cell.js';

/** Joins the text of row `x` as `t`. */
export function sqliteTextJoin(x: string, t: string): string {
  return `LEFT JOIN device_text ${t} ON ${t}.device_id = ${x}.device_id AND ${t}.received_at = ${x}.received_at
    AND ${t}.point_id = ${x}.point_id`;
}

/** text, raw (hex of register bytes, or the text stored), quality, and the cells as `cell`, `rawCell`. */
export function sqliteRowSql(x: string, t: string): string {
  return `${t}.text_value AS text,
    CASE typeof(${x}.raw_value) WHEN 'blob' THEN lower(hex(${x}.raw_value)) ELSE ${x}.raw_value END AS raw,
    CASE WHEN typeof(${x}.value) = 'blob' AND length(${x}.value) >= 2 THEN hex(substr(${x}.value, 2, 1)) ELSE 'good' END
      AS quality,
    ${x}.value AS cell, ${x}.raw_value AS rawCell`;
}

/** Replaces a row's `cell` and `rawCell` by its value. */
export function withSqliteValue<T extends { cell: unknown; rawCell: unknown }>(
  row: T,
): Omit<T, 'cell' | 'rawCell'> & { value: number | null } {
  const { cell, rawCell, ...rest } = row;
  return { ...rest, value: valueFromCell(cell as ValueCell, rawCell as RawCell) };
}
