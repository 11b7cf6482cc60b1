// HistoryReader over the MySQL pool: the same queries and row shapes as the SQLite reader.
// Reads take their own pooled connections, so they never queue behind the writer's commit.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import {
  type ConnectionQuery,
  type ConnectionRow,
  type DataQuery,
  type DataRow,
  type DeviceRow,
  type EventQuery,
  type EventRow,
  type HeartbeatQuery,
  type HeartbeatRow,
  type HistoryCounts,
  type HistoryReader,
  type RawPacketQuery,
  type RawPacketRow,
  type SeriesQuery,
  type SeriesResult,
} from '../history.js';
import { qualityFromColumn, rawFromColumns, valueFromColumns } from '../raw-value.js';
import { querySeries } from '../rollup/series-query.js';
import { readRows } from './mysql-query.js';
import { mysqlSeriesSource } from './mysql-series-source.js';
import {
  dataKeyBounds,
  eventQuerySql,
  queryWindow,
  rawPacketFilter,
  toEventRow,
  type Direction,
  type KeyBound,
} from '../query-window.js';

const DEVICE_COLUMNS =
  'id, registration_id, profile, name, first_seen, last_seen, last_ip, last_port, status, listener';

export class MysqlHistoryReader implements HistoryReader {
  /** The pool belongs to MysqlHistory, which ends it. */
  constructor(private readonly pool: Pool) {}

  close(): void {}

  async devices(): Promise<DeviceRow[]> {
    const rows = await this.rows(`SELECT ${DEVICE_COLUMNS} FROM devices ORDER BY registration_id`);
    return rows.map(toDeviceRow);
  }

  async device(registrationId: string): Promise<DeviceRow | null> {
    const [row] = await this.rows(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE registration_id = ?`, [registrationId]);
    return row ? toDeviceRow(row) : null;
  }

  async data(query: DataQuery): Promise<DataRow[]> {
    const deviceId = await this.id('SELECT id FROM devices WHERE registration_id = ?', query.registrationId);
    if (deviceId === null) return [];
    let pointId: number | null = null;
    if (query.point !== undefined) {
      pointId = await this.id('SELECT id FROM point_names WHERE name = ?', query.point);
      if (pointId === null) return [];
    }
    const { limit, direction } = queryWindow(query);
    const { low, high } = await this.dataBounds(query, direction);
    // The key bounds spelled out rather than as row comparisons, which MySQL will not turn
    // into an index range: (device_id, received_at) is the range, point_id the tie-break.
    const point = pointId === null ? '' : 'AND x.point_id = ?';
    // Slave and address: the series' row in point_sources (migration 006).
    const sql = `SELECT p.name AS point, s.slave, s.address, x.value, x.text_value, x.raw_value, x.received_at, x.quality
      FROM device_data x JOIN point_names p ON p.id = x.point_id
        LEFT JOIN point_sources s ON s.device_id = x.device_id AND s.point_id = x.point_id
      WHERE x.device_id = ? AND x.received_at >= ? AND x.received_at <= ?
        AND (x.received_at > ? OR x.point_id > ?) AND (x.received_at < ? OR x.point_id < ?) ${point}
      ORDER BY x.received_at ${direction}, x.point_id ${direction} LIMIT ?`;
    const params: number[] = [deviceId, low.ts, high.ts, low.ts, low.pointId, high.ts, high.pointId];
    if (pointId !== null) params.push(pointId);
    params.push(limit);
    const rows = await this.rows(sql, params, query.signal);
    return rows.map((r) => ({
      deviceId: query.registrationId,
      point: r['point'],
      slave: r['slave'] ?? 0,
      address: r['address'] ?? 0,
      value: valueFromColumns(r['value'] as number | null, r['raw_value'] as Buffer, r['quality'] as number),
      text: r['text_value'],
      raw: rawFromColumns(r['raw_value'] as Buffer, r['quality'] as number),
      ts: r['received_at'],
      quality: qualityFromColumn(r['quality'] as number),
    }));
  }

  async series(query: SeriesQuery): Promise<SeriesResult> {
    return querySeries(mysqlSeriesSource(this.pool, query.signal), query);
  }

  async connections(query: ConnectionQuery = {}): Promise<ConnectionRow[]> {
    const { from, to, limit, direction } = queryWindow(query);
    const byDevice = query.registrationId === undefined ? '' : 'registration_id = ? AND';
    const params = query.registrationId === undefined ? [from, to, limit] : [query.registrationId, from, to, limit];
    const rows = await this.rows(
      `SELECT id, registration_id, event, remote_ip, remote_port, listener, details, at FROM connection_history
       WHERE ${byDevice} at >= ? AND at < ? ORDER BY at ${direction}, id ${direction} LIMIT ?`,
      params,
      query.signal,
    );
    return rows.map((r) => ({
      id: r['id'],
      registrationId: r['registration_id'],
      event: r['event'],
      ip: r['remote_ip'],
      port: r['remote_port'],
      listener: r['listener'],
      details: r['details'],
      at: r['at'],
    }));
  }

  async heartbeats(query: HeartbeatQuery = {}): Promise<HeartbeatRow[]> {
    const { from, to, limit, direction } = queryWindow(query);
    let deviceId: number | null = null;
    if (query.registrationId !== undefined) {
      deviceId = await this.id('SELECT id FROM devices WHERE registration_id = ?', query.registrationId);
      if (deviceId === null) return [];
    }
    const byDevice = deviceId === null ? '' : 'h.device_id = ? AND';
    const params = deviceId === null ? [from, to, limit] : [deviceId, from, to, limit];
    const rows = await this.rows(
      `SELECT h.id, d.registration_id, h.at, h.remote_ip, h.remote_port
       FROM heartbeat_log h JOIN devices d ON d.id = h.device_id
       WHERE ${byDevice} h.at >= ? AND h.at < ? ORDER BY h.at ${direction}, h.id ${direction} LIMIT ?`,
      params,
      query.signal,
    );
    return rows.map((r) => ({
      id: r['id'],
      registrationId: r['registration_id'],
      at: r['at'],
      ip: r['remote_ip'],
      port: r['remote_port'],
    }));
  }

  async rawPackets(query: RawPacketQuery = {}): Promise<RawPacketRow[]> {
    const range = queryWindow(query);
    const { direction } = range;
    const { where, params } = rawPacketFilter(query, range);
    const rows = await this.rows(
      `SELECT id, registration_id, direction, kind, hex, at, remote_ip, remote_port, note FROM raw_packets
       WHERE ${where} ORDER BY at ${direction}, id ${direction} LIMIT ?`,
      params,
      query.signal,
    );
    return rows.map((r) => ({
      id: r['id'],
      registrationId: r['registration_id'],
      direction: r['direction'],
      kind: r['kind'],
      hex: r['hex'],
      at: r['at'],
      ip: r['remote_ip'],
      port: r['remote_port'],
      note: r['note'],
    }));
  }

  async events(query: EventQuery = {}): Promise<EventRow[]> {
    const { sql, params } = eventQuerySql(query);
    return (await this.rows(sql, params, query.signal)).map(toEventRow);
  }

  async counts(): Promise<HistoryCounts> {
    const [row] = await this.rows(
      `SELECT (SELECT COUNT(*) FROM devices) AS devices, (SELECT COUNT(*) FROM device_data) AS deviceData,
        (SELECT COUNT(*) FROM connection_history) AS connectionHistory, (SELECT COUNT(*) FROM heartbeat_log) AS heartbeatLog,
        (SELECT COUNT(*) FROM raw_packets) AS rawPackets`,
    );
    return {
      devices: Number(row?.['devices']),
      deviceData: Number(row?.['deviceData']),
      connectionHistory: Number(row?.['connectionHistory']),
      heartbeatLog: Number(row?.['heartbeatLog']),
      rawPackets: Number(row?.['rawPackets']),
    };
  }

  private async dataBounds(query: DataQuery, direction: Direction): Promise<{ low: KeyBound; high: KeyBound }> {
    const known =
      query.after === undefined ? null : await this.id('SELECT id FROM point_names WHERE name = ?', query.after.point);
    return dataKeyBounds(query, direction, known);
  }

  private async id(sql: string, key: string): Promise<number | null> {
    const [row] = await this.rows(sql, [key]);
    return (row?.['id'] as number | undefined) ?? null;
  }

  private rows(sql: string, params: (string | number | null)[] = [], signal?: AbortSignal): Promise<RowDataPacket[]> {
    return readRows(this.pool, sql, params, { signal });
  }
}

function toDeviceRow(r: RowDataPacket): DeviceRow {
  return {
    id: r['id'],
    registrationId: r['registration_id'],
    profile: r['profile'],
    name: r['name'],
    firstSeen: r['first_seen'],
    lastSeen: r['last_seen'],
    lastIp: r['last_ip'],
    lastPort: r['last_port'],
    status: r['status'],
    listener: r['listener'],
  };
}
