// The history store contract: what the gateway writes and what the UI reads. Both the
// embedded SQLite store and the later MySQL store implement these interfaces over the
// same tables, so nothing outside src/storage knows which database is behind them.
import type { PacketKind } from '../domain/events.js';
import type { Sample } from '../domain/point.js';
import type { Bucket } from './rollup/chart-buckets.js';

export type ConnectionEvent = 'connect' | 'disconnect' | 'heartbeat_timeout' | 'replaced' | 'rejected';
export type DeviceStatus = 'online' | 'offline';
export type PacketDirection = 'in' | 'out';
export type RawPacketKind = PacketKind;

// ---------------------------------------------------------------- records written

export interface DeviceUpsert {
  readonly registrationId: string;
  readonly profile: string;
  readonly name: string | null;
  readonly ip: string;
  readonly port: number;
  readonly listener: string;
  /** Epoch ms UTC. */
  readonly at: number;
}

export interface ConnectionRecord {
  /** Null when the peer never sent a usable registration. */
  readonly registrationId: string | null;
  readonly event: ConnectionEvent;
  readonly ip: string;
  readonly port: number;
  readonly listener: string;
  readonly details: string | null;
  readonly at: number;
}

export interface HeartbeatRecord {
  readonly registrationId: string;
  readonly at: number;
  readonly ip: string;
  readonly port: number;
}

export interface RawPacketRecord {
  /** Null for bytes received before registration (garbage, bad registrations). */
  readonly registrationId: string | null;
  readonly direction: PacketDirection;
  readonly kind: RawPacketKind;
  /** Copied when accepted, so the caller may reuse its buffer. */
  readonly bytes: Uint8Array;
  readonly at: number;
  readonly ip: string;
  readonly port: number;
  readonly note: string | null;
}

/** One event of the event framework (docs/EVENTS.md); a row of `events`. */
export interface EventRecord {
  /** The event's stable id, also sent to webhook receivers. */
  readonly id: string;
  readonly type: string;
  /** Null for events about the server itself (store state, config). */
  readonly registrationId: string | null;
  /** The rule that raised it, for rule events. */
  readonly rule: string | null;
  /** Epoch ms UTC. */
  readonly at: number;
  /** Small JSON-able object. */
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface WriterStats {
  /** Rows taken in since start (device updates count as rows). */
  readonly rowsAccepted: number;
  /** Rows committed to the database directly. */
  readonly rowsWritten: number;
  /** Rows written to the spill journal instead (see StoreHealth for their replay). */
  readonly rowsSpilled: number;
  /** Accepted but not yet committed or dropped: the backlog held in memory. */
  readonly rowsBuffered: number;
  /** Rows lost: refused because the backlog was full, or in a batch that kept failing. */
  readonly rowsDropped: number;
  /** Batches committed. */
  readonly flushes: number;
  /** Failed write attempts (a batch retried twice and then committed counts 2). */
  readonly failures: number;
  /** Time from sealing the last committed batch to its commit, ms. */
  readonly lastFlushMs: number | null;
  /** Batches handed to the database and not yet committed. */
  readonly batchesInFlight: number;
}

/**
 * How the store is doing, for logs, `/api/status` and the dashboard.
 * - ok: batches commit as they come.
 * - degraded: the last write failed and is being retried; nothing is on disk yet.
 * - spilling: the database is unreachable or failing; sealed batches go to the local spill
 *   journal (`rowsOnDisk`) and are replayed in order when it is back.
 */
export type StoreState = 'ok' | 'degraded' | 'spilling';

export interface StoreHealth {
  readonly driver: 'sqlite' | 'mysql';
  /** File path or mysql://host:port/database (never a password). */
  readonly where: string;
  readonly state: StoreState;
  /** Epoch ms when `state` last changed. */
  readonly since: number;
  readonly lastError: string | null;
  /** Rows and bytes in the spill journal waiting to be replayed. */
  readonly rowsOnDisk: number;
  readonly bytesOnDisk: number;
  readonly writer: WriterStats;
}

/**
 * What the gateway calls. Every method returns at once: rows are buffered in memory and
 * committed in batches away from the event loop. No method throws into the caller.
 */
export interface HistoryWriter {
  deviceOnline(update: DeviceUpsert): void;
  deviceOffline(registrationId: string, at: number): void;
  connection(record: ConnectionRecord): void;
  heartbeat(record: HeartbeatRecord): void;
  rawPacket(record: RawPacketRecord): void;
  /**
   * `all` count in the rollups; `stored` (default: all of them) are also written as rows of
   * device_data. A policy that stores by exception passes fewer, or a held sample of an
   * earlier call (swinging door) that is in `stored` only.
   */
  samples(all: readonly Sample[], stored?: readonly Sample[]): void;
  event(record: EventRecord): void;
  /** Resolves when everything accepted before the call is committed (or given up). */
  flush(): Promise<void>;
  /** Flushes, then releases the database; later writes are ignored. */
  close(): Promise<void>;
  stats(): WriterStats;
}

// ---------------------------------------------------------------- rows read

export interface DeviceRow {
  readonly id: number;
  readonly registrationId: string;
  readonly profile: string;
  readonly name: string | null;
  readonly firstSeen: number;
  /** Latest registration, heartbeat or data, epoch ms. */
  readonly lastSeen: number;
  readonly lastIp: string;
  readonly lastPort: number;
  readonly status: DeviceStatus;
  readonly listener: string;
}

/**
 * A stored sample; `deviceId` is the registration ID as in `Sample`. Rows have no id of
 * their own: (deviceId, ts, point) identifies one, and data queries page by it (`after`).
 */
export type DataRow = Sample;

/** Where a data query resumes: the `ts` and `point` of the last row of the previous page. */
export interface DataCursor {
  readonly ts: number;
  readonly point: string;
}

export interface ConnectionRow extends ConnectionRecord {
  readonly id: number;
}

export interface HeartbeatRow extends HeartbeatRecord {
  readonly id: number;
}

export interface RawPacketRow {
  readonly id: number;
  readonly registrationId: string | null;
  readonly direction: PacketDirection;
  readonly kind: RawPacketKind;
  /** Lowercase hex. */
  readonly hex: string;
  readonly at: number;
  readonly ip: string;
  readonly port: number;
  readonly note: string | null;
}

export type EventRow = EventRecord;

export interface HistoryCounts {
  readonly devices: number;
  readonly deviceData: number;
  readonly connectionHistory: number;
  readonly heartbeatLog: number;
  readonly rawPackets: number;
}

/** Time window and paging shared by every history query. */
export interface TimeRangeQuery {
  /** Inclusive lower bound, epoch ms. */
  readonly from?: number;
  /** Exclusive upper bound, epoch ms. */
  readonly to?: number;
  /** Default 1000, at most 100,000. */
  readonly limit?: number;
  /** Default `desc` (newest first). */
  readonly order?: 'asc' | 'desc';
  /** Cancels the query (the client went away); it then rejects. */
  readonly signal?: AbortSignal;
}

/**
 * Rows come in (ts, point) order, newest first by default; rows of the same instant are in
 * a fixed point order, so paging with `after` never skips or repeats a row.
 */
export interface DataQuery extends TimeRangeQuery {
  readonly registrationId: string;
  readonly point?: string;
  /** Only rows after this one in the query's order (the next page). */
  readonly after?: DataCursor;
}

export interface ConnectionQuery extends TimeRangeQuery {
  readonly registrationId?: string;
}

export interface HeartbeatQuery extends TimeRangeQuery {
  readonly registrationId?: string;
}

export interface RawPacketQuery extends TimeRangeQuery {
  readonly registrationId?: string;
  readonly kind?: RawPacketKind;
}

export interface EventQuery extends TimeRangeQuery {
  readonly registrationId?: string;
  readonly type?: string;
  readonly rule?: string;
}

/** Where a chart's buckets come from: raw samples, or the minute or hour rollups. */
export type SeriesTier = 'raw' | 'minute' | 'hour';

/** Chart buckets of some points of one device over [from, to). */
export interface SeriesQuery {
  readonly registrationId: string;
  readonly points: readonly string[];
  readonly from: number;
  readonly to: number;
  /** At most this many buckets per point. */
  readonly buckets: number;
  readonly signal?: AbortSignal;
}

export interface SeriesResult {
  readonly from: number;
  readonly to: number;
  /** The finest tier that gives at most `buckets` buckets for the range. */
  readonly tier: SeriesTier;
  /** Bucket width; buckets start at multiples of it since the epoch. */
  readonly bucketMs: number;
  /** In the order asked; a point without data has no buckets. */
  readonly series: readonly { readonly point: string; readonly buckets: readonly Bucket[] }[];
  /** Rows read: rollup rows and raw samples. */
  readonly rowsScanned: number;
}

/** Read side, on its own connection so reads never wait for the writer. */
export interface HistoryReader {
  devices(): Promise<DeviceRow[]>;
  device(registrationId: string): Promise<DeviceRow | null>;
  data(query: DataQuery): Promise<DataRow[]>;
  /** A chart's buckets, from rollups where they suffice: any range, never cut short. */
  series(query: SeriesQuery): Promise<SeriesResult>;
  connections(query?: ConnectionQuery): Promise<ConnectionRow[]>;
  heartbeats(query?: HeartbeatQuery): Promise<HeartbeatRow[]>;
  rawPackets(query?: RawPacketQuery): Promise<RawPacketRow[]>;
  /** Newest first by default; events of the same instant in id order. */
  events(query?: EventQuery): Promise<EventRow[]>;
  counts(): Promise<HistoryCounts>;
  close(): void;
}

/** Rows deleted by one retention sweep, per table. */
export interface RetentionReport {
  readonly deviceData: number;
  readonly minuteRollups: number;
  readonly hourRollups: number;
  readonly heartbeatLog: number;
  readonly connectionHistory: number;
  readonly rawPackets: number;
  /** Of `rawPackets`, rows deleted by the row cap rather than by age. */
  readonly rawPacketsOverCap: number;
  readonly ms: number;
}

export const DEFAULT_QUERY_LIMIT = 1000;
export const MAX_QUERY_LIMIT = 100_000;
