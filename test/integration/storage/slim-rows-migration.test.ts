// Migration 6 converts a database written by an earlier dtuhub (schema version 5: hex raw
// text, quality 'good', slave and address on every row) and the reader gives every row back
// exactly as before, in both stores.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type DataRow } from '../../../src/storage/index.js';
import { T0 } from './history-fixture.js';
import { INSERT_DEVICE, inReadOrder, m1Row, oldMysql, oldSqlite, oldStores, readAll } from './old-schema.js';

const BEFORE_SLIM_ROWS = MIGRATIONS.filter((m) => m.version <= 5);

/** Old rows: (received_at offset, point id, slave, address, value, text, raw). */
const OLD_ROWS: readonly (readonly [number, number, number, number, number | null, string | null, string])[] = [
  [0, 1, 1, 100, 230.5, null, '08ff'],
  // The point moved to another slave and address: the series reads back with the latest.
  [1000, 1, 2, 200, 231, null, '0906'],
  [0, 2, 1, 300, null, 'SN-01', '534e2d3031'],
  // A channel's raw values: JSON text as received, not register hex.
  [0, 3, 0, 0, 21.5, null, '"21.5"'],
  [1000, 3, 0, 0, 1, null, 'true'],
  [2000, 3, 0, 0, 2, null, '2'],
  [3000, 3, 0, 0, 10, null, '0A'],
  [4000, 3, 0, 0, null, '中文 "x"', '"中文 \\"x\\""'],
  [5000, 3, 0, 0, 0, null, ''],
];
const POINTS = ['', 'voltage', 'serial', 'json'];

const INSERT_POINTS = `INSERT INTO point_names (id, name) VALUES (1, 'voltage'), (2, 'serial'), (3, 'json')`;
const INSERT_ROW = `INSERT INTO device_data (device_id, received_at, point_id, slave, address, value, text_value, raw_value, quality)
  VALUES (7, ?, ?, ?, ?, ?, ?, ?, 'good')`;

function expected(): DataRow[] {
  const latest = new Map<number, readonly [number, number]>();
  for (const [, point, slave, address] of OLD_ROWS) latest.set(point, [slave, address]);
  return inReadOrder(
    OLD_ROWS.map(([offset, point, , , value, text, raw]) =>
      m1Row(POINTS[point]!, latest.get(point)!, [value, text, raw], offset),
    ),
  );
}

describe('migration 6 (slim rows)', () => {
  const stores = oldStores();

  it('converts a SQLite database of schema 5 and reads every row back as before', async () => {
    const sqlite = await stores.sqlite();
    await oldSqlite(sqlite, BEFORE_SLIM_ROWS, (db) => {
      db.exec(INSERT_DEVICE);
      db.exec(INSERT_POINTS);
      const insert = db.prepare(INSERT_ROW);
      for (const [offset, ...rest] of OLD_ROWS) insert.run(T0 + offset, ...rest);
    });

    const history = await sqlite.open();
    expect(await readAll(history.reader)).toEqual(expected());
    const check = new Database(sqlite.path, { readonly: true });
    try {
      expect(check.prepare('SELECT MAX(version) FROM schema_version').pluck().get()).toBe(LATEST_SCHEMA_VERSION);
      expect(check.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'device_data%'`).pluck().all()).toEqual([
        'device_data',
      ]);
    } finally {
      check.close();
    }
  });

  it('converts a MySQL database of schema 5 and reads every row back as before', async () => {
    const mysql = await stores.mysql();
    await oldMysql(mysql, BEFORE_SLIM_ROWS, async (sql) => {
      await sql.query(INSERT_DEVICE);
      await sql.query(INSERT_POINTS);
      for (const [offset, ...rest] of OLD_ROWS) await sql.query(INSERT_ROW, [T0 + offset, ...rest]);
    });

    const history = await mysql.open();
    expect(await readAll(history.reader)).toEqual(expected());
    const [tables] = await mysql.sql.query(`SHOW TABLES LIKE 'device_data%'`);
    expect((tables as Record<string, unknown>[]).map((r) => Object.values(r)[0])).toEqual(['device_data']);
  });
});
