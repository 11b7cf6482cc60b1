// A database left by an earlier dtuhub, for migration tests: the schema up to some version,
// rows written with that version's SQL, then the store opened (which migrates it) in both
// dialects; and the reader's rows of the test device in a stable order.
import Database from 'better-sqlite3';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createPool, type Connection } from 'mysql2/promise';
import { afterEach } from 'vitest';
import type { DataRow, HistoryReader, Migration } from '../../../src/storage/index.js';
import { migrateMysql } from '../../../src/storage/mysql/mysql-migrate.js';
import { migrateSqlite } from '../../../src/storage/sqlite/sqlite-migrate.js';
import { T0, tempHistory, type TempHistory } from './history-fixture.js';
import { tempMysql, type TempMysql } from './mysql-fixture.js';

/** Device 7, `M1`, as every schema since the first has it. */
export const INSERT_DEVICE = `INSERT INTO devices (id, registration_id, profile, name, first_seen, last_seen, last_ip, last_port, status, listener)
  VALUES (7, 'M1', 'meter', NULL, ${T0}, ${T0}, '10.0.0.1', 4000, 'online', 'main')`;

/** Writes the old schema into the SQLite file of `temp` (not opened as a store yet) and lets `fill` add rows. */
export async function oldSqlite(
  temp: TempHistory,
  migrations: readonly Migration[],
  fill: (db: Database.Database) => void,
): Promise<void> {
  await mkdir(dirname(temp.path), { recursive: true });
  const db = new Database(temp.path);
  try {
    migrateSqlite(db, temp.path, migrations);
    fill(db);
  } finally {
    db.close();
  }
}

/** Writes the old schema into the MySQL database of `temp` and lets `fill` add rows. */
export async function oldMysql(
  temp: TempMysql,
  migrations: readonly Migration[],
  fill: (sql: Connection) => Promise<void>,
): Promise<void> {
  const { host, port, user, password, database } = temp.storage;
  const pool = createPool({ host, port, user, password, database, connectionLimit: 1 });
  try {
    await migrateMysql(pool, database, migrations);
  } finally {
    await pool.end();
  }
  await fill(temp.sql);
}

/** Every row of device M1, by time then point name. */
export async function readAll(reader: HistoryReader): Promise<DataRow[]> {
  const rows = await reader.data({ registrationId: 'M1', order: 'asc' });
  return [...rows].sort((a, b) => a.ts - b.ts || a.point.localeCompare(b.point));
}

/** A row of device M1 as the reader gives it: `ts` is T0 + `offset`, the quality good. */
export function m1Row(
  point: string,
  [slave, address]: readonly [number, number],
  [value, text, raw]: readonly [number | null, string | null, string],
  offset: number,
): DataRow {
  return { deviceId: 'M1', point, slave, address, value, text, raw, ts: T0 + offset, quality: 'good' };
}

/** By time then point name, as readAll gives them. */
export function inReadOrder(rows: DataRow[]): DataRow[] {
  return rows.sort((a, b) => a.ts - b.ts || a.point.localeCompare(b.point));
}

/** Fresh stores for one test each, cleaned up after it. */
export function oldStores(): { sqlite(): Promise<TempHistory>; mysql(): Promise<TempMysql> } {
  const made: (TempHistory | TempMysql)[] = [];
  afterEach(async () => {
    for (const store of made.splice(0)) await store.cleanup();
  });
  return {
    sqlite: async () => {
      const store = await tempHistory();
      made.push(store);
      return store;
    },
    mysql: async () => {
      const store = await tempMysql();
      made.push(store);
      return store;
    },
  };
}
