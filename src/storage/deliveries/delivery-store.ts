// Where webhook deliveries live between attempts and across restarts: the
// `webhook_deliveries` table (migration 004). Rows are read, changed and written back as
// attempts are made, which the batched history writer cannot do, so each database has a
// small store of its own. The queue hands it the deliveries that changed since its last
// save, all at once, so a burst of deliveries is a few transactions, not two per delivery.
import { queryWindow, windowFilter } from '../query-window.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface DeliveryRecord {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly registrationId: string | null;
  readonly endpoint: string;
  readonly rule: string;
  /** The exact JSON sent, rendered once, so every attempt and a replay send the same bytes. */
  readonly body: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  readonly createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}

export interface DeliveryQuery {
  readonly status?: DeliveryStatus;
  readonly endpoint?: string;
  readonly eventId?: string;
  /** created_at window: from inclusive, to exclusive. */
  readonly from?: number;
  readonly to?: number;
  /** Default 100, at most 10,000. */
  readonly limit?: number;
  /** Default desc (newest first). */
  readonly order?: 'asc' | 'desc';
}

export interface DeliveryStore {
  start(): Promise<void>;
  close(): Promise<void>;
  /**
   * Writes the deliveries in one transaction: new ones inserted, known ones (by id) get
   * their changing fields updated. A new delivery of an event to an endpoint for a rule that
   * is stored already under another id is ignored. May throw `StoreBusyError`: try again.
   */
  save(records: readonly DeliveryRecord[]): Promise<void>;
  get(id: string): Promise<DeliveryRecord | null>;
  /** Every pending delivery, oldest first (reloaded at start). */
  pending(): Promise<DeliveryRecord[]>;
  list(query?: DeliveryQuery): Promise<DeliveryRecord[]>;
}

const COLUMNS =
  'id, event_id, event_type, registration_id, endpoint, rule, body, status, attempts, next_attempt_at, last_status, last_error, last_latency_ms, created_at, updated_at, delivered_at';

export const DELIVERY_SQL = {
  insert: `INSERT IGNORE INTO webhook_deliveries (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  update: `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?,
    last_latency_ms = ?, updated_at = ?, delivered_at = ? WHERE id = ?`,
  get: `SELECT ${COLUMNS} FROM webhook_deliveries WHERE id = ?`,
  pending: `SELECT ${COLUMNS} FROM webhook_deliveries WHERE status = 'pending' ORDER BY created_at, id`,
} as const;

/** The database is busy (SQLite: another connection holds the write lock); nothing was written. */
export class StoreBusyError extends Error {}

export function insertParams(r: DeliveryRecord): unknown[] {
  return [
    r.id,
    r.eventId,
    r.eventType,
    r.registrationId,
    r.endpoint,
    r.rule,
    r.body,
    r.status,
    r.attempts,
    r.nextAttemptAt,
    r.lastStatus,
    r.lastError,
    r.lastLatencyMs,
    r.createdAt,
    r.updatedAt,
    r.deliveredAt,
  ];
}

export function updateParams(r: DeliveryRecord): unknown[] {
  return [
    r.status,
    r.attempts,
    r.nextAttemptAt,
    r.lastStatus,
    r.lastError,
    r.lastLatencyMs,
    r.updatedAt,
    r.deliveredAt,
    r.id,
  ];
}

/** The SELECT of a list query and its parameters (both dialects). */
const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 10_000;

export function listSql(query: DeliveryQuery): { sql: string; params: unknown[] } {
  const window = queryWindow({ ...query, limit: Math.min(query.limit ?? DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT) });
  const equal = [
    ['status', query.status],
    ['endpoint', query.endpoint],
    ['event_id', query.eventId],
  ] as const;
  const { where, params } = windowFilter(equal, 'created_at', window.from, window.to);
  params.push(window.limit);
  const d = window.direction;
  return {
    sql: `SELECT ${COLUMNS} FROM webhook_deliveries WHERE ${where} ORDER BY created_at ${d}, id ${d} LIMIT ?`,
    params,
  };
}

export function toRecord(r: Record<string, unknown>): DeliveryRecord {
  const nullableNumber = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: String(r['id']),
    eventId: String(r['event_id']),
    eventType: String(r['event_type']),
    registrationId: (r['registration_id'] as string | null) ?? null,
    endpoint: String(r['endpoint']),
    rule: String(r['rule']),
    body: String(r['body']),
    status: r['status'] as DeliveryStatus,
    attempts: Number(r['attempts']),
    nextAttemptAt: Number(r['next_attempt_at']),
    lastStatus: nullableNumber(r['last_status']),
    lastError: (r['last_error'] as string | null) ?? null,
    lastLatencyMs: nullableNumber(r['last_latency_ms']),
    createdAt: Number(r['created_at']),
    updatedAt: Number(r['updated_at']),
    deliveredAt: nullableNumber(r['delivered_at']),
  };
}
