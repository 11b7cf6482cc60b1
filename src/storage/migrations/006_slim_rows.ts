// A slimmer device_data row (issue 16): same key, same clustering, fewer bytes per point.
//
// - raw_value holds the bytes (BLOB / VARBINARY), not their hex text: half the size.
// - quality is a small integer, 0 = good, instead of the word; bit 0x80 says raw_value holds
//   text rather than register bytes (outbound channels store the value as received, JSON
//   text, which is not hex: storage/raw-value.ts).
// - slave and address leave the row for `point_sources`, one row per series: they are the
//   same on every sample of a point. A series reads back with its latest slave and address.
// - MySQL gets the narrowest integers its ids fit: device_id INT UNSIGNED (4 bytes, was 8),
//   point_id MEDIUMINT UNSIGNED (3, was 4), quality TINYINT UNSIGNED. SQLite reads the same
//   declarations as INTEGER and stores every integer in as few bytes as its value needs.
//
// Measured on 1,000 devices x 50 points (docs/CONFIG.md, "Bytes per stored point").
//
// The table is rebuilt: new table, copy, swap, drop. In SQLite that is one transaction. MySQL
// commits each DDL statement, so the order is what keeps a failed run safe to repeat: nothing
// touches the old table until the copy is complete, the swap is one atomic RENAME TABLE,
// and only then is the old table dropped.
import type { Dialect, Migration } from './types.js';

/** Holds every raw value the app stores: 1,024 characters of channel text, 4 UTF-8 bytes each at worst. */
const MYSQL_RAW_BYTES = 4096;

function bytesType(dialect: Dialect): string {
  return dialect === 'mysql' ? `VARBINARY(${MYSQL_RAW_BYTES})` : 'BLOB';
}

function clustered(dialect: Dialect): string {
  return dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : ' WITHOUT ROWID';
}

/**
 * Old raw text that is lowercase register hex: UNHEX gives NULL for other characters (and,
 * in SQLite, for odd lengths; MySQL pads those, so the round trip comparison catches them).
 */
const IS_REGISTER_HEX = 'LOWER(HEX(UNHEX(raw_value))) = raw_value';

function swap(dialect: Dialect): string {
  return dialect === 'mysql'
    ? 'RENAME TABLE device_data TO device_data_v1, device_data_v2 TO device_data'
    : 'ALTER TABLE device_data RENAME TO device_data_v1; ALTER TABLE device_data_v2 RENAME TO device_data';
}

export const slimRows: Migration = {
  version: 6,
  name: 'slim_rows',
  statements(dialect) {
    const options = clustered(dialect);
    return [
      // Left over from a MySQL run that failed before the swap.
      `DROP TABLE IF EXISTS device_data_v2`,
      `DROP TABLE IF EXISTS point_sources`,
      `CREATE TABLE device_data_v2 (
        device_id INT UNSIGNED NOT NULL,
        received_at BIGINT NOT NULL,
        point_id MEDIUMINT UNSIGNED NOT NULL,
        value DOUBLE NULL,
        text_value TEXT NULL,
        raw_value ${bytesType(dialect)} NOT NULL,
        quality TINYINT UNSIGNED NOT NULL DEFAULT 0,
        PRIMARY KEY (device_id, received_at, point_id)
      )${options}`,
      // quality was always 'good' (code 0).
      `INSERT INTO device_data_v2 (device_id, received_at, point_id, value, text_value, raw_value, quality)
        SELECT device_id, received_at, point_id, value, text_value,
          CASE WHEN ${IS_REGISTER_HEX} THEN UNHEX(raw_value) ELSE CAST(raw_value AS ${dialect === 'mysql' ? 'BINARY' : 'BLOB'}) END,
          CASE WHEN ${IS_REGISTER_HEX} THEN 0 ELSE 128 END
        FROM device_data`,
      `CREATE TABLE point_sources (
        device_id INT UNSIGNED NOT NULL,
        point_id MEDIUMINT UNSIGNED NOT NULL,
        slave INTEGER NOT NULL,
        address INTEGER NOT NULL,
        PRIMARY KEY (device_id, point_id)
      )${options}`,
      // Each series' slave and address as of its latest row.
      `INSERT INTO point_sources (device_id, point_id, slave, address)
        SELECT x.device_id, x.point_id, x.slave, x.address
        FROM device_data x JOIN (
          SELECT device_id, point_id, MAX(received_at) AS latest FROM device_data GROUP BY device_id, point_id
        ) l ON l.device_id = x.device_id AND l.point_id = x.point_id AND l.latest = x.received_at`,
      swap(dialect),
      `DROP TABLE device_data_v1`,
    ];
  },
};
