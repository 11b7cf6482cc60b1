// SQLite's device_data in two value columns instead of four (issue 16): raw_value and the value
// cell (storage/sqlite/value-cell.ts), with a text point's text in `device_text`, a table keyed
// like device_data. Each column costs SQLite a header byte on every row even when NULL; of
// value, text_value and quality, two were nearly always empty. Measured before choosing
// (bench/row-layout-probe.ts, 1 KiB pages, 1,000 devices × 50 points × 60 rounds): 26.95 B a
// row as schema 13, 25.82 with text_value moved out, 24.74 with quality folded into the value
// cell too; column order changes nothing, and a rowid table with a key index takes 48.31.
//
// The copy maps each schema 13 row exactly:
// - raw_value: bytes stay a BLOB; raw text (quality bit 0x80) becomes TEXT of the same bytes.
// - value: a decoder id in quality bits 0–6 becomes the cell's BLOB (empty for id 1, else the
//   id's one byte: CHAR(d) is one UTF-8 byte below 128); otherwise the value as it was. The
//   quality code (bits 8 and up) is always good in rows written so far (good is the only
//   quality there has been), and good is what the cell says without one.
// - text_value, where not NULL, goes to device_text.
//
// New table, copy, swap, drop: one transaction in SQLite, so a failed run leaves the old table.
// MySQL keeps schema 13's device_data (raw-value.ts): people query it with plain SQL, which
// cannot read a value cell, and its goal (≤ 45 B a row) is met with its compressed pages.
import type { Migration } from './types.js';

const KEY_COLUMNS = `device_id INT UNSIGNED NOT NULL,
        received_at BIGINT NOT NULL,
        point_id MEDIUMINT UNSIGNED NOT NULL`;
const KEY = 'PRIMARY KEY (device_id, received_at, point_id)';

export const valueCell: Migration = {
  version: 14,
  name: 'value_cell',
  statements(dialect) {
    if (dialect === 'mysql') return [];
    return [
      `CREATE TABLE device_data_v14 (
        ${KEY_COLUMNS},
        raw_value BLOB NOT NULL,
        value DOUBLE NULL,
        ${KEY}
      ) WITHOUT ROWID`,
      `INSERT INTO device_data_v14 (device_id, received_at, point_id, raw_value, value)
        SELECT device_id, received_at, point_id,
          CASE WHEN quality & 128 <> 0 THEN CAST(raw_value AS TEXT) ELSE raw_value END,
          CASE quality & 127 WHEN 0 THEN value WHEN 1 THEN X'' ELSE CAST(CHAR(quality & 127) AS BLOB) END
        FROM device_data`,
      `CREATE TABLE device_text (
        ${KEY_COLUMNS},
        text_value TEXT NOT NULL,
        ${KEY}
      ) WITHOUT ROWID`,
      `INSERT INTO device_text (device_id, received_at, point_id, text_value)
        SELECT device_id, received_at, point_id, text_value FROM device_data WHERE text_value IS NOT NULL`,
      `DROP TABLE device_data`,
      `ALTER TABLE device_data_v14 RENAME TO device_data`,
    ];
  },
};
