// The first schema: devices, decoded data, connection history, heartbeats, raw packets.
//
// Column types are chosen to mean the same in SQLite and MySQL: BIGINT epoch-ms UTC
// timestamps (no DATETIME: no time zone or precision surprises), VARCHAR with a length where
// MySQL must index the column, DOUBLE for decoded values. Only the auto-increment primary
// key and the table options differ by dialect.
//
// Two tables refer to devices by the integer id (`device_data`, `heartbeat_log`: the
// high-volume tables, always from a registered device); the two that can hold peers that
// never became devices (rejected or unregistered connections, garbage bytes) keep the
// registration ID as text so a rejected ID never creates a device row.
//
// `device_data` is the hot table (one row per decoded point, 250k rows/s is the goal), so
// it is shaped for writing:
// - Point names live once in `point_names`; rows carry the small integer id.
// - The table is clustered by its primary key (device_id, received_at, point_id): SQLite
//   WITHOUT ROWID, InnoDB by nature. One B-tree per row and no secondary index. Each
//   device's new rows append at the end of its own key range, so a commit dirties about
//   one leaf page per device. Ordered (device, point, time) instead, a commit dirties one
//   page per device *and point*: measured with 1,000 devices, that order fell to 50-90k
//   rows/s once the table passed a few million rows, while this one held 200-290k.
// - The key is also the row's identity (one value per device, point and receive time), so
//   a retried batch is inserted with INSERT OR IGNORE / INSERT IGNORE without duplicates.
// - All points of a device in a time range is a range of the key; one point of a device is
//   the same range filtered on point_id, reading that device's other points too.
// - Retention walks each device's range from its oldest key: no time index needed.
//
// No foreign keys: the writer keeps the references right, and in MySQL each one would cost
// an extra index lookup per inserted row.
import type { Dialect, Migration } from './types.js';

function idColumn(dialect: Dialect, mysqlType: 'BIGINT' | 'INTEGER' = 'BIGINT'): string {
  // In SQLite only the exact type "INTEGER PRIMARY KEY" aliases the rowid.
  return dialect === 'sqlite' ? 'id INTEGER PRIMARY KEY' : `id ${mysqlType} NOT NULL AUTO_INCREMENT PRIMARY KEY`;
}

function tableOptions(dialect: Dialect): string {
  return dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
}

/** For a table stored in its primary key order (InnoDB always does this). */
function clusteredTableOptions(dialect: Dialect): string {
  return dialect === 'mysql' ? tableOptions(dialect) : ' WITHOUT ROWID';
}

export const initialSchema: Migration = {
  version: 1,
  name: 'initial',
  statements(dialect) {
    const id = idColumn(dialect);
    const options = tableOptions(dialect);
    return [
      `CREATE TABLE devices (
        ${id},
        registration_id VARCHAR(128) NOT NULL,
        profile VARCHAR(128) NOT NULL,
        name VARCHAR(255) NULL,
        first_seen BIGINT NOT NULL,
        last_seen BIGINT NOT NULL,
        last_ip VARCHAR(64) NOT NULL,
        last_port INTEGER NOT NULL,
        status VARCHAR(8) NOT NULL CHECK (status IN ('online', 'offline')),
        listener VARCHAR(128) NOT NULL
      )${options}`,
      `CREATE UNIQUE INDEX ux_devices_registration_id ON devices (registration_id)`,

      // Point names of every device, each stored once.
      `CREATE TABLE point_names (
        ${idColumn(dialect, 'INTEGER')},
        name VARCHAR(128) NOT NULL
      )${options}`,
      `CREATE UNIQUE INDEX ux_point_names_name ON point_names (name)`,

      `CREATE TABLE device_data (
        device_id BIGINT NOT NULL,
        received_at BIGINT NOT NULL,
        point_id INTEGER NOT NULL,
        slave INTEGER NOT NULL,
        address INTEGER NOT NULL,
        value DOUBLE NULL,
        text_value TEXT NULL,
        raw_value VARCHAR(1024) NOT NULL,
        quality VARCHAR(16) NOT NULL,
        PRIMARY KEY (device_id, received_at, point_id)
      )${clusteredTableOptions(dialect)}`,

      `CREATE TABLE connection_history (
        ${id},
        registration_id VARCHAR(128) NULL,
        event VARCHAR(32) NOT NULL,
        remote_ip VARCHAR(64) NOT NULL,
        remote_port INTEGER NOT NULL,
        listener VARCHAR(128) NOT NULL,
        details TEXT NULL,
        at BIGINT NOT NULL
      )${options}`,
      `CREATE INDEX ix_connection_history_device_time ON connection_history (registration_id, at)`,
      `CREATE INDEX ix_connection_history_time ON connection_history (at)`,

      `CREATE TABLE heartbeat_log (
        ${id},
        device_id BIGINT NOT NULL,
        at BIGINT NOT NULL,
        remote_ip VARCHAR(64) NOT NULL,
        remote_port INTEGER NOT NULL
      )${options}`,
      `CREATE INDEX ix_heartbeat_log_device_time ON heartbeat_log (device_id, at)`,
      `CREATE INDEX ix_heartbeat_log_time ON heartbeat_log (at)`,

      `CREATE TABLE raw_packets (
        ${id},
        registration_id VARCHAR(128) NULL,
        direction VARCHAR(3) NOT NULL CHECK (direction IN ('in', 'out')),
        kind VARCHAR(16) NOT NULL,
        hex MEDIUMTEXT NOT NULL,
        at BIGINT NOT NULL,
        remote_ip VARCHAR(64) NOT NULL,
        remote_port INTEGER NOT NULL,
        note TEXT NULL
      )${options}`,
      `CREATE INDEX ix_raw_packets_device_time ON raw_packets (registration_id, at)`,
      `CREATE INDEX ix_raw_packets_time ON raw_packets (at)`,
    ];
  },
};
