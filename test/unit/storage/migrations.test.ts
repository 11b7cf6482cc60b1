import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageError } from '../../../src/storage/errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../src/storage/migrations/index.js';
import { openWriteConnection, type SqliteDatabase } from '../../../src/storage/sqlite/sqlite-connection.js';
import { migrateSqlite, schemaVersion } from '../../../src/storage/sqlite/sqlite-migrate.js';
import { SCHEMA_TABLES, SQLITE_ONLY_TABLES } from '../../helpers/schema.js';

const TABLES = [...SCHEMA_TABLES, ...SQLITE_ONLY_TABLES].sort();
// device_data, device_text and point_sources have none: their primary keys are their only B-trees.
const INDEXES = [
  'ix_alarms_device',
  'ix_alarms_open',
  'ix_alarms_raised',
  'ix_applied_batches_time',
  'ix_config_versions_file',
  'ix_connection_history_device_time',
  'ix_connection_history_time',
  'ix_events_device_time',
  'ix_events_time',
  'ix_events_type_time',
  'ix_heartbeat_log_device_time',
  'ix_heartbeat_log_time',
  'ix_raw_packets_device_time',
  'ix_raw_packets_time',
  'ix_web_audit_time',
  'ix_webhook_deliveries_status',
  'ix_webhook_deliveries_time',
  'ux_devices_registration_id',
  'ux_point_names_name',
  'ux_web_tokens_hash',
  'ux_web_users_username',
  'ux_webhook_deliveries_event',
];

function objects(db: SqliteDatabase, type: 'table' | 'index'): string[] {
  return db
    .prepare(`SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all(type) as string[];
}

describe('SQLite migrations', () => {
  let dir: string;
  let db: SqliteDatabase;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dtuhub-migrate-'));
    db = openWriteConnection(join(dir, 'h.db'));
  });
  afterEach(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('create every table and index and record the version', () => {
    const result = migrateSqlite(db, 'h.db');
    expect(result).toEqual({
      from: 0,
      to: LATEST_SCHEMA_VERSION,
      applied: MIGRATIONS.map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`),
    });
    expect(objects(db, 'table')).toEqual(TABLES);
    expect(objects(db, 'index')).toEqual(INDEXES);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
  });

  it('give the user the columns they asked for', () => {
    migrateSqlite(db, 'h.db');
    const columns = (table: string) =>
      (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).join(' ');
    expect(columns('devices')).toBe(
      'id registration_id profile name first_seen last_seen last_ip last_port status listener' +
        ' description location latitude longitude tags device_group profile_override enabled notes registry_updated_at',
    );
    // The value, raw value and quality in two columns (migration 014, value-cell.ts); a text point's text apart.
    expect(columns('device_data')).toBe('device_id received_at point_id raw_value value');
    expect(columns('device_text')).toBe('device_id received_at point_id text_value');
    expect(columns('point_sources')).toBe('device_id point_id slave address');
    expect(columns('point_names')).toBe('id name');
    expect(columns('connection_history')).toBe('id registration_id event remote_ip remote_port listener details at');
    expect(columns('heartbeat_log')).toBe('id device_id at remote_ip remote_port');
    expect(columns('raw_packets')).toBe('id registration_id direction kind hex at remote_ip remote_port note');
  });

  it("keep a series' slave and address in point_sources, by (device, point), without a rowid", () => {
    migrateSqlite(db, 'h.db');
    const key = db
      .prepare(`SELECT name FROM pragma_table_info('point_sources') WHERE pk > 0 ORDER BY pk`)
      .pluck()
      .all();
    expect(key).toEqual(['device_id', 'point_id']);
    expect(() => db.prepare('SELECT rowid FROM point_sources').all()).toThrow(/no such column: rowid/);
  });

  it('store device_data in the order of its (device, time, point) key, without a rowid', () => {
    migrateSqlite(db, 'h.db');
    const key = db.prepare(`SELECT name FROM pragma_table_info('device_data') WHERE pk > 0 ORDER BY pk`).pluck().all();
    expect(key).toEqual(['device_id', 'received_at', 'point_id']);
    expect(() => db.prepare('SELECT rowid FROM device_data').all()).toThrow(/no such column: rowid/);
    expect(db.prepare(`SELECT origin FROM pragma_index_list('device_data')`).pluck().all()).toEqual(['pk']);
    const textKey = db.prepare(`SELECT name FROM pragma_table_info('device_text') WHERE pk > 0 ORDER BY pk`).pluck();
    expect(textKey.all()).toEqual(['device_id', 'received_at', 'point_id']);
    expect(() => db.prepare('SELECT rowid FROM device_text').all()).toThrow(/no such column: rowid/);
  });

  it('key rollup_minute by (device, bucket, point) and rollup_hour by (device, point, bucket)', () => {
    migrateSqlite(db, 'h.db');
    const key = (table: string) =>
      db.prepare(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`).pluck().all(table);
    // A commit's minute rows side by side (migration 015); a series' hours in a row for year charts.
    expect(key('rollup_minute')).toEqual(['device_id', 'bucket', 'point_id']);
    expect(key('rollup_hour')).toEqual(['device_id', 'point_id', 'bucket']);
    expect(() => db.prepare('SELECT rowid FROM rollup_minute').all()).toThrow(/no such column: rowid/);
  });

  it('do nothing on a second run', () => {
    migrateSqlite(db, 'h.db');
    const second = migrateSqlite(db, 'h.db');
    expect(second).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, applied: [] });
    expect(db.prepare('SELECT COUNT(*) FROM schema_version').pluck().get()).toBe(MIGRATIONS.length);
  });

  it('refuse a database whose schema is newer than the code knows', () => {
    migrateSqlite(db, 'h.db');
    db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(
      LATEST_SCHEMA_VERSION + 1,
      'future',
      0,
    );
    expect(() => migrateSqlite(db, 'h.db')).toThrow(StorageError);
    expect(() => migrateSqlite(db, 'h.db')).toThrow(
      `schema version ${LATEST_SCHEMA_VERSION + 1} is newer than this dtuhub knows (${LATEST_SCHEMA_VERSION})`,
    );
  });

  it('sort on disk while migrating (a table rebuild sorts a whole device), and restore temp_store after', () => {
    db.pragma('temp_store = MEMORY');
    const probe = {
      version: 1,
      name: 'probe',
      statements: () => ['CREATE TABLE seen AS SELECT temp_store FROM pragma_temp_store'],
    };
    migrateSqlite(db, 'h.db', [probe]);
    // 1 is FILE, 2 MEMORY.
    expect(db.prepare('SELECT temp_store FROM seen').pluck().get()).toBe(1);
    expect(db.pragma('temp_store', { simple: true })).toBe(2);
  });

  it('roll a failing migration back completely', () => {
    const broken = {
      version: 1,
      name: 'broken',
      statements: () => ['CREATE TABLE half_done (id INTEGER PRIMARY KEY)', 'CREATE TABLE oops ('],
    };
    expect(() => migrateSqlite(db, 'h.db', [broken])).toThrow();
    expect(objects(db, 'table')).toEqual(['schema_version']);
    expect(schemaVersion(db)).toBe(0);
  });

  it('describe the same tables, columns and indexes for MySQL', () => {
    for (const migration of MIGRATIONS) {
      const sqlite = migration.statements('sqlite');
      // 014 rebuilds SQLite's device_data in fewer columns; MySQL keeps schema 13's for plain SQL.
      // 015 re-keys SQLite's rollup_minute by time; MySQL keeps its key.
      if (migration.version === 14 || migration.version === 15) {
        expect(migration.statements('mysql')).toEqual([]);
        continue;
      }
      // A statement that only sets InnoDB table options (008: compressed pages) has no SQLite twin.
      const mysql = migration
        .statements('mysql')
        .filter((s) => !/^ALTER TABLE \w+ ROW_FORMAT=\w+( KEY_BLOCK_SIZE=\d+)?$/.test(s));
      expect(mysql).toHaveLength(sqlite.length);
      // Only the auto-increment key, the table options and integer division may differ; and,
      // in migration 006, the byte type (raw_value) and the table swap, which is one atomic
      // RENAME TABLE in MySQL (its DDL commits at once) and two renames in SQLite's transaction;
      // in migration 010, a file's content, which outgrows MySQL's TEXT (64 KiB).
      const shape = (sql: string) =>
        sql
          .replaceAll(' DIV ', ' / ')
          .replace(
            /^RENAME TABLE (\w+) TO (\w+), (\w+) TO (\w+)$/,
            'ALTER TABLE $1 RENAME TO $2; ALTER TABLE $3 RENAME TO $4',
          )
          .replace('raw_value VARBINARY(4096) NOT NULL', 'raw_value BLOB NOT NULL')
          .replace('CAST(raw_value AS BINARY)', 'CAST(raw_value AS BLOB)')
          .replace('content MEDIUMTEXT NOT NULL', 'content TEXT NOT NULL')
          .replace(/id (INTEGER PRIMARY KEY|(BIGINT|INTEGER) NOT NULL AUTO_INCREMENT PRIMARY KEY)/, 'id PK')
          .replace(/ (ENGINE=InnoDB[^)]*|WITHOUT ROWID)$/, '');
      mysql.forEach((statement, i) => expect(shape(statement)).toBe(shape(sqlite[i]!)));
      expect(mysql.filter((s) => s.startsWith('CREATE TABLE')).every((s) => s.includes('ENGINE=InnoDB'))).toBe(true);
      // InnoDB clusters every table by its primary key; SQLite has to be told.
      const deviceData = (statements: readonly string[]) =>
        statements.find((s) => s.startsWith('CREATE TABLE device_data'));
      if (!deviceData(sqlite)) continue;
      expect(deviceData(mysql)).toContain('PRIMARY KEY (device_id, received_at, point_id)');
      expect(deviceData(sqlite)).toMatch(/\) WITHOUT ROWID$/);
    }
  });
});
