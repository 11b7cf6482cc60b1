// Migration 8 rebuilds MySQL's device_data in compressed pages with its rows, and leaves
// SQLite's as it is: a database of schema 7 reads every row back as before, in both stores.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type DataRow } from '../../../src/storage/index.js';
import { DEVICE_DATA_KEY_BLOCK_KIB } from '../../../src/storage/migrations/008_compressed_rows.js';
import { T0 } from './history-fixture.js';
import { INSERT_DEVICE, inReadOrder, m1Row, oldMysql, oldSqlite, oldStores, readAll } from './old-schema.js';

const BEFORE_COMPRESSED_ROWS = MIGRATIONS.filter((m) => m.version <= 7);

/** Rows of schema 7: (received_at offset, point id, value, text, raw bytes as hex, quality). */
const OLD_ROWS: readonly (readonly [number, number, number | null, string | null, string, number])[] = [
  [0, 1, 230.5, null, '08ff', 0],
  [1000, 1, 231, null, '0906', 0],
  [0, 2, null, 'SN-01', '534e2d3031', 0],
  // A channel's raw value, JSON text as received: quality carries RAW_IS_TEXT (0x80).
  [0, 3, 21.5, null, '"21.5"', 0x80],
  [1000, 3, -0.000123, null, '"-1.23e-4"', 0x80],
];
const POINTS = ['', 'voltage', 'serial', 'json'];

const INSERT_POINTS = `INSERT INTO point_names (id, name) VALUES (1, 'voltage'), (2, 'serial'), (3, 'json')`;
const INSERT_SOURCES = `INSERT INTO point_sources (device_id, point_id, slave, address) VALUES (7, 1, 1, 100), (7, 2, 1, 300), (7, 3, 0, 0)`;
const INSERT_ROW = `INSERT INTO device_data (device_id, received_at, point_id, value, text_value, raw_value, quality)
  VALUES (7, ?, ?, ?, ?, ?, ?)`;

function rowArgs([offset, point, value, text, raw, quality]: (typeof OLD_ROWS)[number]): unknown[] {
  const bytes = quality & 0x80 ? Buffer.from(raw, 'utf8') : Buffer.from(raw, 'hex');
  return [T0 + offset, point, value, text, bytes, quality];
}

function expected(): DataRow[] {
  const sources: Record<number, [number, number]> = { 1: [1, 100], 2: [1, 300], 3: [0, 0] };
  return inReadOrder(
    OLD_ROWS.map(([offset, point, value, text, raw]) =>
      m1Row(POINTS[point]!, sources[point]!, [value, text, raw], offset),
    ),
  );
}

describe('migration 8 (compressed rows)', () => {
  const stores = oldStores();

  it('leaves a SQLite database of schema 7 as it was and reads every row back', async () => {
    const sqlite = await stores.sqlite();
    await oldSqlite(sqlite, BEFORE_COMPRESSED_ROWS, (db) => {
      for (const sql of [INSERT_DEVICE, INSERT_POINTS, INSERT_SOURCES]) db.exec(sql);
      const insert = db.prepare(INSERT_ROW);
      for (const row of OLD_ROWS) insert.run(...rowArgs(row));
    });

    const history = await sqlite.open();
    expect(await readAll(history.reader)).toEqual(expected());
    const check = new Database(sqlite.path, { readonly: true });
    try {
      expect(check.prepare('SELECT MAX(version) FROM schema_version').pluck().get()).toBe(LATEST_SCHEMA_VERSION);
    } finally {
      check.close();
    }
  });

  it('rebuilds a MySQL device_data of schema 7 in compressed pages and reads every row back', async () => {
    const mysql = await stores.mysql();
    await oldMysql(mysql, BEFORE_COMPRESSED_ROWS, async (sql) => {
      for (const statement of [INSERT_DEVICE, INSERT_POINTS, INSERT_SOURCES]) await sql.query(statement);
      for (const row of OLD_ROWS) await sql.query(INSERT_ROW, rowArgs(row));
    });

    const history = await mysql.open();
    expect(await readAll(history.reader)).toEqual(expected());
    const [tables] = await mysql.sql.query(
      `SELECT ROW_FORMAT AS format, CREATE_OPTIONS AS options FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'device_data'`,
      [mysql.storage.database],
    );
    const [table] = tables as { format: string; options: string }[];
    expect(table?.format).toBe('Compressed');
    expect(table?.options.toLowerCase()).toContain(`key_block_size=${DEVICE_DATA_KEY_BLOCK_KIB}`);
  });
});
