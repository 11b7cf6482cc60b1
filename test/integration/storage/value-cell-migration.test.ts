// Migration 14 rebuilds SQLite's device_data from a database of schema 13 (value, text_value,
// raw_value, quality) into raw_value and the value cell, with text in device_text; the reader
// gives every row back exactly as schema 13's reader did, values read from the raw bytes
// included. A failed run leaves the old table. MySQL keeps its schema: nothing changes there.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type DataRow } from '../../../src/storage/index.js';
import { qualityColumn, rawFromColumns, valueFromColumns } from '../../../src/storage/raw-value.js';
import { valueCell } from '../../../src/storage/migrations/014_value_cell.js';
import { migrateSqlite } from '../../../src/storage/sqlite/sqlite-migrate.js';
import { T0 } from './history-fixture.js';
import { INSERT_DEVICE, inReadOrder, m1Row, oldMysql, oldSqlite, oldStores, readAll } from './old-schema.js';

const BEFORE_VALUE_CELL = MIGRATIONS.filter((m) => m.version <= 13);

/** Schema 13 rows: (received_at offset, point id, value, text, raw bytes, quality column). */
type OldRow = readonly [number, number, number | null, string | null, Buffer, number];

const hex = (h: string) => Buffer.from(h, 'hex');
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const TEXT = qualityColumn('good', true);

const OLD_ROWS: readonly OldRow[] = [
  // Decoder 1 (int16 ÷ 10), value left out: 230.5.
  [0, 1, null, null, hex('0901'), 1],
  // Decoder 3 (uint16), value left out: 65535.
  [0, 2, null, null, hex('ffff'), 3],
  // A float32 ABCD (decoder 18), value left out.
  [0, 4, null, null, hex('41ac0000'), 18],
  // Values stored: a small integer, a double no decoder gives, zero, a negative.
  [1000, 1, 7, null, hex('0046'), 0],
  [1000, 2, 21.123456789, null, hex('0001'), 0],
  [1000, 4, 0, null, hex('00000000'), 0],
  [2000, 4, -1.5, null, hex('bfc00000'), 0],
  // A text point: text, register bytes, no number.
  [0, 3, null, 'SN-01', hex('534e2d3031'), 0],
  [1000, 3, null, '中文 "x"', hex('e4b8ade69687'), 0],
  // A channel's raw values: text as received, flagged; a number beside it or none.
  [2000, 3, 21.5, null, utf8('"21.5"'), TEXT],
  [3000, 3, null, 'on', utf8('"on"'), TEXT],
  [4000, 3, 0, null, utf8(''), TEXT],
];
const POINTS = ['', 'voltage', 'counter', 'serial', 'flow'];

const INSERT_POINTS = `INSERT INTO point_names (id, name) VALUES (1, 'voltage'), (2, 'counter'), (3, 'serial'), (4, 'flow')`;
const INSERT_SOURCES = `INSERT INTO point_sources (device_id, point_id, slave, address)
  VALUES (7, 1, 1, 100), (7, 2, 1, 102), (7, 3, 2, 0), (7, 4, 1, 104)`;
const INSERT_ROW = `INSERT INTO device_data (device_id, received_at, point_id, value, text_value, raw_value, quality)
  VALUES (7, ?, ?, ?, ?, ?, ?)`;

/** What schema 13's reader gave for each row (raw-value.ts): the figure to keep. */
function expected(): DataRow[] {
  const sources: Record<number, readonly [number, number]> = { 1: [1, 100], 2: [1, 102], 3: [2, 0], 4: [1, 104] };
  return inReadOrder(
    OLD_ROWS.map(([offset, point, value, text, raw, quality]) =>
      m1Row(
        POINTS[point]!,
        sources[point]!,
        [valueFromColumns(value, raw, quality), text, rawFromColumns(raw, quality)],
        offset,
      ),
    ),
  );
}

function fill(db: Database.Database): void {
  db.exec(INSERT_DEVICE);
  db.exec(INSERT_POINTS);
  db.exec(INSERT_SOURCES);
  const insert = db.prepare(INSERT_ROW);
  for (const [offset, ...rest] of OLD_ROWS) insert.run(T0 + offset, ...rest);
}

describe('migration 14 (value cell)', () => {
  const stores = oldStores();

  it('converts a SQLite database of schema 13 and reads every row back as before', async () => {
    const sqlite = await stores.sqlite();
    await oldSqlite(sqlite, BEFORE_VALUE_CELL, fill);
    // Sanity: the rows hold what the test means them to (decoders give these values).
    expect(expected().map((r) => r.value)).toContain(230.5);

    const history = await sqlite.open();
    expect(await readAll(history.reader)).toEqual(expected());
    const check = new Database(sqlite.path, { readonly: true });
    try {
      expect(check.prepare('SELECT MAX(version) FROM schema_version').pluck().get()).toBe(LATEST_SCHEMA_VERSION);
      expect(
        check.prepare(`SELECT name FROM sqlite_master WHERE name GLOB 'device_*' ORDER BY name`).pluck().all(),
      ).toEqual(['device_data', 'device_text']);
      // Only the two text points' rows have a text row; decoders are cells, not numbers.
      expect(check.prepare('SELECT COUNT(*) FROM device_text').pluck().get()).toBe(3);
      const cells = check
        .prepare(
          `SELECT typeof(value) AS type, hex(value) AS cell FROM device_data WHERE point_id IN (1, 2) AND received_at = ?
           ORDER BY point_id`,
        )
        .all(T0);
      expect(cells).toEqual([
        { type: 'blob', cell: '' },
        { type: 'blob', cell: '03' },
      ]);
    } finally {
      check.close();
    }
  });

  it('charts the converted rows from the raw bytes as before', async () => {
    const sqlite = await stores.sqlite();
    await oldSqlite(sqlite, BEFORE_VALUE_CELL, fill);
    const history = await sqlite.open();
    const result = await history.reader.series({
      registrationId: 'M1',
      points: ['voltage', 'flow'],
      from: T0 - 60_000,
      to: T0 + 60_000,
      buckets: 1000,
    });
    const values = result.series.map((s) => s.buckets.flatMap((b) => [b.min, b.max]));
    expect(values[0]).toContain(230.5);
    expect(values[0]).toContain(7);
    expect(values[1]).toContain(21.5);
    expect(values[1]).toContain(-1.5);
  });

  it('leaves the old table as it was when the copy fails', async () => {
    const sqlite = await stores.sqlite();
    await oldSqlite(sqlite, BEFORE_VALUE_CELL, fill);
    const db = new Database(sqlite.path);
    try {
      // device_text already there: the migration's CREATE TABLE fails half-way.
      db.exec('CREATE TABLE device_text (x INTEGER)');
      expect(() => migrateSqlite(db, sqlite.path, [...BEFORE_VALUE_CELL, valueCell])).toThrow(/device_text/);
      expect(db.prepare('SELECT MAX(version) FROM schema_version').pluck().get()).toBe(13);
      const columns = db.prepare(`SELECT name FROM pragma_table_info('device_data')`).pluck().all();
      expect(columns).toEqual(['device_id', 'received_at', 'point_id', 'value', 'text_value', 'raw_value', 'quality']);
      expect(db.prepare('SELECT COUNT(*) FROM device_data').pluck().get()).toBe(OLD_ROWS.length);
      expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'device_data_v14'`).all()).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('leaves a MySQL database of schema 13 as it is', async () => {
    const mysql = await stores.mysql();
    await oldMysql(mysql, BEFORE_VALUE_CELL, async (sql) => {
      await sql.query(INSERT_DEVICE);
      await sql.query(INSERT_POINTS);
      await sql.query(INSERT_SOURCES);
      for (const [offset, ...rest] of OLD_ROWS) await sql.query(INSERT_ROW, [T0 + offset, ...rest]);
    });
    const history = await mysql.open();
    expect(await readAll(history.reader)).toEqual(expected());
    const [columns] = await mysql.sql.query(`SHOW COLUMNS FROM device_data`);
    expect((columns as Record<string, unknown>[]).map((r) => r['Field'])).toEqual([
      'device_id',
      'received_at',
      'point_id',
      'value',
      'text_value',
      'raw_value',
      'quality',
    ]);
  });
});
