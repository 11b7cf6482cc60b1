// The dialect-free part of history queries, shared by the SQLite and MySQL readers: the
// time window and page size of a query, the key bounds of a data query, and the filter of
// a raw-packet query. Each reader only adds its own SQL text and driver calls.
import {
  DEFAULT_QUERY_LIMIT,
  MAX_QUERY_LIMIT,
  type DataQuery,
  type EventQuery,
  type EventRow,
  type RawPacketQuery,
  type TimeRangeQuery,
} from './history.js';

const EARLIEST = Number.MIN_SAFE_INTEGER;
const LATEST = Number.MAX_SAFE_INTEGER;
/** Above any point id a store assigns: stands for "after every point of that instant". */
const MAX_POINT_ID = Number.MAX_SAFE_INTEGER;

export type Direction = 'ASC' | 'DESC';

export interface QueryWindow {
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  readonly direction: Direction;
}

/** Defaults filled in and the limit clamped to 1..MAX_QUERY_LIMIT. */
export function queryWindow(query: TimeRangeQuery): QueryWindow {
  const requested =
    query.limit !== undefined && Number.isFinite(query.limit) ? Math.floor(query.limit) : DEFAULT_QUERY_LIMIT;
  return {
    from: query.from ?? EARLIEST,
    to: query.to ?? LATEST,
    limit: Math.min(Math.max(1, requested), MAX_QUERY_LIMIT),
    direction: query.order === 'asc' ? 'ASC' : 'DESC',
  };
}

export interface KeyBound {
  readonly ts: number;
  readonly pointId: number;
}

/**
 * A data query's window as exclusive bounds on the key (received_at, point_id), so one SQL
 * text covers every combination of from, to and a paging cursor. Point ids are ≥ 1.
 * `cursorPointId` is the id of `query.after.point`, or null when the store never saw that
 * name: then the bound is the time alone, including that whole instant rather than risking
 * skipped rows.
 */
export function dataKeyBounds(
  query: DataQuery,
  direction: Direction,
  cursorPointId: number | null,
): { low: KeyBound; high: KeyBound } {
  // received_at >= from  ⟺  key > (from, 0);  received_at < to  ⟺  key < (to, 0).
  let low: KeyBound = { ts: query.from ?? EARLIEST, pointId: 0 };
  let high: KeyBound = { ts: query.to ?? LATEST, pointId: 0 };
  const after = query.after;
  if (after !== undefined) {
    const cursor = { ts: after.ts, pointId: cursorPointId ?? (direction === 'DESC' ? MAX_POINT_ID : 0) };
    if (direction === 'DESC' && compareKeys(cursor, high) < 0) high = cursor;
    if (direction === 'ASC' && compareKeys(cursor, low) > 0) low = cursor;
  }
  return { low, high };
}

function compareKeys(a: KeyBound, b: KeyBound): number {
  return a.ts !== b.ts ? a.ts - b.ts : a.pointId - b.pointId;
}

/**
 * `column = ?` conditions for the filters that are given, then `time >= ? AND time < ?`:
 * the WHERE clause of every filtered, windowed query, and its parameters.
 */
export function windowFilter(
  equal: readonly (readonly [column: string, value: string | number | undefined])[],
  timeColumn: string,
  from: number,
  to: number,
): { where: string; params: (string | number)[] } {
  const conditions: string[] = [];
  const params: (string | number)[] = [];
  for (const [column, value] of equal) {
    if (value === undefined) continue;
    conditions.push(`${column} = ?`);
    params.push(value);
  }
  conditions.push(`${timeColumn} >= ?`, `${timeColumn} < ?`);
  params.push(from, to);
  return { where: conditions.join(' AND '), params };
}

/** WHERE conditions and their parameters for a raw-packet query (limit appended last). */
export function rawPacketFilter(
  query: RawPacketQuery,
  window: QueryWindow,
): { where: string; params: (string | number)[] } {
  const filter = windowFilter(
    [
      ['registration_id', query.registrationId],
      ['kind', query.kind],
    ],
    'at',
    window.from,
    window.to,
  );
  filter.params.push(window.limit);
  return filter;
}

/** The SELECT of an event query (both dialects) and its parameters, limit last. */
export function eventQuerySql(query: EventQuery): { sql: string; params: (string | number)[] } {
  const window = queryWindow(query);
  const { where, params } = windowFilter(
    [
      ['registration_id', query.registrationId],
      ['type', query.type],
      ['rule', query.rule],
    ],
    'at',
    window.from,
    window.to,
  );
  params.push(window.limit);
  const d = window.direction;
  return {
    sql: `SELECT id, type, registration_id, rule, at, payload FROM events WHERE ${where} ORDER BY at ${d}, id ${d} LIMIT ?`,
    params,
  };
}

/** A row of eventQuerySql as an EventRow; a payload that is not JSON comes back as { text }. */
export function toEventRow(r: Record<string, unknown>): EventRow {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(String(r['payload'])) as Record<string, unknown>;
  } catch {
    payload = { text: String(r['payload']) };
  }
  return {
    id: String(r['id']),
    type: String(r['type']),
    registrationId: (r['registration_id'] as string | null) ?? null,
    rule: (r['rule'] as string | null) ?? null,
    at: Number(r['at']),
    payload,
  };
}
