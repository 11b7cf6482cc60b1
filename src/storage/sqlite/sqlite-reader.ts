// HistoryReader over a read-only SQLite connection. WAL mode lets it read while the
// worker writes. Queries are synchronous underneath (better-sqlite3) but the interface is
// async so the MySQL store can implement it; each query is bounded by `limit` and served
// by an index or a primary-key range, so it stays short on the main thread.
import { qualityFromCell, rawFromCell, valueFromCell, type RawCell, type ValueCell } from './value-cell.js';
import {
  type ConnectionEvent,
  type ConnectionQuery,
  type ConnectionRow,
  type DataQuery,
  type DataRow,
  type DeviceRow,
  type DeviceStatus,
  type EventQuery,
  type EventRow,
  type HeartbeatQuery,
  type HeartbeatRow,
  type HistoryCounts,
  type HistoryReader,
  type PacketDirection,
  type RawPacketKind,
  type RawPacketQuery,
  type RawPacketRow,
  type SeriesQuery,
  type SeriesResult,
} from '../history.js';
import { querySeries } from '../rollup/series-query.js';
import { sqliteSeriesSource } from './sqlite-series-source.js';
import type Database from 'better-sqlite3';
import {
  dataKeyBounds,
  eventQuerySql,
  queryWindow,
  rawPacketFilter,
  toEventRow,
  type Direction,
  type KeyBound,
} from '../query-window.js';
import { openReadConnection, pageCacheKiB, type ConnectionOptions, type SqliteDatabase } from './sqlite-connection.js';

interface DeviceRecord {
  id: number;
  registration_id: string;
  profile: string;
  name: string | null;
  first_seen: number;
  last_seen: number;
  last_ip: string;
  last_port: number;
  status: DeviceStatus;
  listener: string;
}

interface DataRecord {
  point: string;
  slave: number | null;
  address: number | null;
  value: ValueCell;
  text_value: string | null;
  raw_value: RawCell;
  received_at: number;
}

interface ConnectionRecordRow {
  id: number;
  registration_id: string | null;
  event: ConnectionEvent;
  remote_ip: string;
  remote_port: number;
  listener: string;
  details: string | null;
  at: number;
}

interface HeartbeatRecordRow {
  id: number;
  registration_id: string;
  at: number;
  remote_ip: string;
  remote_port: number;
}

interface RawPacketRecordRow {
  id: number;
  registration_id: string | null;
  direction: PacketDirection;
  kind: RawPacketKind;
  hex: string;
  at: number;
  remote_ip: string;
  remote_port: number;
  note: string | null;
}

const DEVICE_COLUMNS =
  'id, registration_id, profile, name, first_seen, last_seen, last_ip, last_port, status, listener';

/** Bounds that stand for "no bound", so every query keeps one SQL text per shape. */

export class SqliteHistoryReader implements HistoryReader {
  private db: SqliteDatabase | null = null;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly path: string,
    private readonly options: ConnectionOptions = {},
  ) {}

  open(): void {
    this.db ??= openReadConnection(this.path, this.options);
  }

  /** The read connection's page cache, KiB, as SQLite reports it. */
  pageCacheKiB(): number {
    return pageCacheKiB(this.connection());
  }

  close(): void {
    this.db?.close();
    this.db = null;
    this.statements.clear();
  }

  async devices(): Promise<DeviceRow[]> {
    const rows = this.statement(
      `SELECT ${DEVICE_COLUMNS} FROM devices ORDER BY registration_id`,
    ).all() as DeviceRecord[];
    return rows.map(toDeviceRow);
  }

  async device(registrationId: string): Promise<DeviceRow | null> {
    const row = this.statement(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE registration_id = ?`).get(
      registrationId,
    ) as DeviceRecord | undefined;
    return row ? toDeviceRow(row) : null;
  }

  async data(query: DataQuery): Promise<DataRow[]> {
    const deviceId = this.deviceId(query.registrationId);
    if (deviceId === null) return [];
    let pointId: number | null = null;
    if (query.point !== undefined) {
      pointId = this.pointId(query.point);
      if (pointId === null) return [];
    }
    const { limit, direction } = queryWindow(query);
    const { low, high } = this.dataBounds(query, direction);
    const params = [deviceId, low.ts, low.pointId, high.ts, high.pointId];
    if (pointId !== null) params.push(pointId);
    params.push(limit);
    const rows = this.statement(dataQuerySql(pointId !== null, direction)).all(...params) as DataRecord[];
    return rows.map((r) => ({
      deviceId: query.registrationId,
      point: r.point,
      slave: r.slave ?? 0,
      address: r.address ?? 0,
      value: valueFromCell(r.value, r.raw_value),
      text: r.text_value,
      raw: rawFromCell(r.raw_value),
      ts: r.received_at,
      quality: qualityFromCell(r.value),
    }));
  }

  async series(query: SeriesQuery): Promise<SeriesResult> {
    return querySeries(
      sqliteSeriesSource((sql) => this.statement(sql)),
      query,
    );
  }

  async connections(query: ConnectionQuery = {}): Promise<ConnectionRow[]> {
    const { from, to, limit, direction } = queryWindow(query);
    const byDevice = query.registrationId === undefined ? '' : 'registration_id = ? AND';
    const sql = `SELECT id, registration_id, event, remote_ip, remote_port, listener, details, at FROM connection_history
      WHERE ${byDevice} at >= ? AND at < ? ORDER BY at ${direction}, id ${direction} LIMIT ?`;
    const params = query.registrationId === undefined ? [from, to, limit] : [query.registrationId, from, to, limit];
    const rows = this.statement(sql).all(...params) as ConnectionRecordRow[];
    return rows.map((r) => ({
      id: r.id,
      registrationId: r.registration_id,
      event: r.event,
      ip: r.remote_ip,
      port: r.remote_port,
      listener: r.listener,
      details: r.details,
      at: r.at,
    }));
  }

  async heartbeats(query: HeartbeatQuery = {}): Promise<HeartbeatRow[]> {
    const { from, to, limit, direction } = queryWindow(query);
    let deviceId: number | null = null;
    if (query.registrationId !== undefined) {
      deviceId = this.deviceId(query.registrationId);
      if (deviceId === null) return [];
    }
    const byDevice = deviceId === null ? '' : 'h.device_id = ? AND';
    const sql = `SELECT h.id, d.registration_id, h.at, h.remote_ip, h.remote_port
      FROM heartbeat_log h JOIN devices d ON d.id = h.device_id
      WHERE ${byDevice} h.at >= ? AND h.at < ? ORDER BY h.at ${direction}, h.id ${direction} LIMIT ?`;
    const params = deviceId === null ? [from, to, limit] : [deviceId, from, to, limit];
    const rows = this.statement(sql).all(...params) as HeartbeatRecordRow[];
    return rows.map((r) => ({
      id: r.id,
      registrationId: r.registration_id,
      at: r.at,
      ip: r.remote_ip,
      port: r.remote_port,
    }));
  }

  async rawPackets(query: RawPacketQuery = {}): Promise<RawPacketRow[]> {
    const range = queryWindow(query);
    const { direction } = range;
    const { where, params } = rawPacketFilter(query, range);
    const sql = `SELECT id, registration_id, direction, kind, hex, at, remote_ip, remote_port, note FROM raw_packets
      WHERE ${where} ORDER BY at ${direction}, id ${direction} LIMIT ?`;
    const rows = this.statement(sql).all(...params) as RawPacketRecordRow[];
    return rows.map((r) => ({
      id: r.id,
      registrationId: r.registration_id,
      direction: r.direction,
      kind: r.kind,
      hex: r.hex,
      at: r.at,
      ip: r.remote_ip,
      port: r.remote_port,
      note: r.note,
    }));
  }

  async events(query: EventQuery = {}): Promise<EventRow[]> {
    const { sql, params } = eventQuerySql(query);
    return (this.statement(sql).all(...params) as Record<string, unknown>[]).map(toEventRow);
  }

  async counts(): Promise<HistoryCounts> {
    const count = (table: string) => this.statement(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
    return {
      devices: count('devices'),
      deviceData: count('device_data'),
      connectionHistory: count('connection_history'),
      heartbeatLog: count('heartbeat_log'),
      rawPackets: count('raw_packets'),
    };
  }

  /** The query plan SQLite picks for a reader query (tests check the indexes are used). */
  explain(sql: string, ...params: unknown[]): string[] {
    const rows = this.connection()
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params) as { detail: string }[];
    return rows.map((r) => r.detail);
  }

  private dataBounds(query: DataQuery, direction: Direction): { low: KeyBound; high: KeyBound } {
    return dataKeyBounds(query, direction, query.after === undefined ? null : this.pointId(query.after.point));
  }

  private pointId(name: string): number | null {
    const id = this.statement('SELECT id FROM point_names WHERE name = ?').pluck().get(name) as number | undefined;
    return id ?? null;
  }

  private deviceId(registrationId: string): number | null {
    const id = this.statement('SELECT id FROM devices WHERE registration_id = ?').pluck().get(registrationId) as
      number | undefined;
    return id ?? null;
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.connection().prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private connection(): SqliteDatabase {
    if (!this.db) throw new Error('history reader is closed');
    return this.db;
  }
}

/**
 * The data query: a range of device_data's primary key (device_id, received_at, point_id),
 * read in key order, so it never sorts. Parameters: device id, low (received_at, point_id),
 * high (received_at, point_id), both exclusive, [point id,] limit. One point of a device is
 * the same range filtered on point_id: the table is clustered for writing, by time before
 * point, so this reads the device's other points in the window too. Slave and address come
 * from the series' row in point_sources (migration 006), a text point's text from device_text
 * (migration 014): a primary-key lookup each per row.
 */
export function dataQuerySql(byPoint: boolean, direction: 'ASC' | 'DESC'): string {
  const point = byPoint ? 'AND x.point_id = ?' : '';
  return `SELECT p.name AS point, s.slave, s.address, x.value, t.text_value, x.raw_value, x.received_at
    FROM device_data x JOIN point_names p ON p.id = x.point_id
      LEFT JOIN point_sources s ON s.device_id = x.device_id AND s.point_id = x.point_id
      LEFT JOIN device_text t ON t.device_id = x.device_id AND t.received_at = x.received_at AND t.point_id = x.point_id
    WHERE x.device_id = ? AND (x.received_at, x.point_id) > (?, ?) AND (x.received_at, x.point_id) < (?, ?) ${point}
    ORDER BY x.received_at ${direction}, x.point_id ${direction} LIMIT ?`;
}

function toDeviceRow(r: DeviceRecord): DeviceRow {
  return {
    id: r.id,
    registrationId: r.registration_id,
    profile: r.profile,
    name: r.name,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    lastIp: r.last_ip,
    lastPort: r.last_port,
    status: r.status,
    listener: r.listener,
  };
}
