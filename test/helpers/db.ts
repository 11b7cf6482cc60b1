// Reads the SQLite file directly: integration tests assert rows in the database, not what
// the server says it wrote.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { sqliteRowSql, sqliteTextJoin, withSqliteValue } from './sqlite-row-sql.js';
import type { Harness } from './app-harness.js';

function open(h: Harness): Database.Database {
  const storage = h.config.server.storage;
  if (storage.driver !== 'sqlite') throw new Error('test/helpers/db.ts reads SQLite stores only');
  return new Database(storage.path.startsWith('/') ? storage.path : join(process.cwd(), storage.path), {
    readonly: true,
    fileMustExist: true,
  });
}

function query<T>(h: Harness, sql: string, ...params: unknown[]): T[] {
  const db = open(h);
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export interface DataRowView {
  point: string;
  slave: number;
  address: number;
  value: number | null;
  text: string | null;
  raw: string;
  at: number;
  quality: string;
}

export function dataRows(h: Harness, registrationId: string): DataRowView[] {
  const rows = query<Omit<DataRowView, 'value'> & { cell: unknown; rawCell: unknown }>(
    h,
    `SELECT p.name AS point, s.slave, s.address, ${sqliteRowSql('dd', 't')}, dd.received_at AS at
       FROM device_data dd JOIN devices d ON d.id = dd.device_id JOIN point_names p ON p.id = dd.point_id
         JOIN point_sources s ON s.device_id = dd.device_id AND s.point_id = dd.point_id ${sqliteTextJoin('dd', 't')}
      WHERE d.registration_id = ? ORDER BY dd.received_at, dd.point_id`,
    registrationId,
  );
  return rows.map(withSqliteValue);
}

export function connectionRows(
  h: Harness,
  registrationId: string,
): { event: string; details: string | null; at: number }[] {
  return query(
    h,
    `SELECT event, details, at FROM connection_history WHERE registration_id = ? ORDER BY id`,
    registrationId,
  );
}

export function deviceRow(h: Harness, registrationId: string): Record<string, unknown> | undefined {
  return query<Record<string, unknown>>(h, `SELECT * FROM devices WHERE registration_id = ?`, registrationId)[0];
}

/** Rows of a table, optionally only those of one device. */
export function countRows(
  h: Harness,
  table: 'device_data' | 'devices' | 'heartbeat_log' | 'raw_packets' | 'connection_history',
  registrationId?: string,
): number {
  if (registrationId === undefined) return query<{ n: number }>(h, `SELECT COUNT(*) AS n FROM ${table}`)[0]!.n;
  const byDevice = table === 'device_data' || table === 'heartbeat_log';
  const sql = byDevice
    ? `SELECT COUNT(*) AS n FROM ${table} t JOIN devices d ON d.id = t.device_id WHERE d.registration_id = ?`
    : `SELECT COUNT(*) AS n FROM ${table} WHERE registration_id = ?`;
  return query<{ n: number }>(h, sql, registrationId)[0]!.n;
}

export function heartbeatCount(h: Harness, registrationId: string): number {
  return countRows(h, 'heartbeat_log', registrationId);
}

export interface StoredEvent {
  type: string;
  deviceId: string | null;
  payload: Record<string, unknown>;
}

/** Rows of the events table whose type starts with `prefix` (`channel.`, `device.`), oldest first. */
export function storedEvents(h: Harness, prefix: string): StoredEvent[] {
  return query<{ type: string; registration_id: string | null; payload: string }>(
    h,
    `SELECT type, registration_id, payload FROM events WHERE type LIKE ? ORDER BY id`,
    `${prefix}%`,
  ).map((r) => ({
    type: r.type,
    deviceId: r.registration_id,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
  }));
}

/** channel.* events as stored in the events table, oldest first. */
export function channelEvents(h: Harness): { type: string; payload: Record<string, unknown> }[] {
  return storedEvents(h, 'channel.').map(({ type, payload }) => ({ type, payload }));
}
