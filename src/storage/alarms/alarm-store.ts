// Where alarms live: the `alarms` table (migration 011) in the history's database. The SQL
// is shared by SQLite and MySQL (`?` placeholders, the same columns); each dialect supplies
// how to run it. The alarm book (src/events/alarms/) keeps the open alarms in memory and
// writes each change through; this store answers the list with its filters and paging.
import type { Severity } from '../../domain/rules.js';
import { StatementStore, type SqlParam } from '../sql/statement-database.js';

export interface AlarmRecord {
  readonly id: string;
  readonly rule: string;
  /** The device, or null for an event without one (a channel, the store). */
  readonly registrationId: string | null;
  readonly point: string | null;
  /** rule.fired for point rules; the event type an event rule matched (device.offline…). */
  readonly eventType: string;
  readonly severity: Severity;
  /** The value that raised it (the latest re-fire's). */
  value: number | null;
  /** The rule's description, or its condition: what the alarm list shows. */
  readonly text: string;
  readonly raisedAt: number;
  /** Firings while open, the first included. */
  fireCount: number;
  clearedAt: number | null;
  clearValue: number | null;
  ackedAt: number | null;
  ackedBy: string | null;
  ackComment: string | null;
  updatedAt: number;
}

/** open: not both cleared and acknowledged; active: not cleared; closed: both. */
export type AlarmState = 'open' | 'active' | 'unacknowledged' | 'cleared' | 'acknowledged' | 'closed';

export interface AlarmQuery {
  readonly state?: AlarmState;
  readonly severity?: readonly Severity[];
  readonly device?: string;
  readonly rule?: string;
  /** raised_at window: from inclusive, to exclusive. */
  readonly from?: number;
  readonly to?: number;
  /** Default 100, at most 1,000. */
  readonly limit?: number;
  readonly offset?: number;
}

export interface AlarmPage {
  readonly alarms: AlarmRecord[];
  /** Rows matching the filters, all pages. */
  readonly total: number;
}

export interface AlarmStore {
  start(): Promise<void>;
  close(): Promise<void>;
  /** Inserts new alarms and updates known ones (by id), in one transaction. */
  save(records: readonly AlarmRecord[]): Promise<void>;
  /** Every open alarm (read at start), oldest first. */
  open(): Promise<AlarmRecord[]>;
  /** Newest first. */
  list(query?: AlarmQuery): Promise<AlarmPage>;
}

const COLUMNS =
  'id, rule, registration_id, point, event_type, severity, value, text, raised_at, fire_count, cleared_at, clear_value, acked_at, acked_by, ack_comment, updated_at';
const CHANGING = [
  'value',
  'fire_count',
  'cleared_at',
  'clear_value',
  'acked_at',
  'acked_by',
  'ack_comment',
  'updated_at',
];

const STATE_SQL: Record<AlarmState, string> = {
  open: '(cleared_at IS NULL OR acked_at IS NULL)',
  active: 'cleared_at IS NULL',
  unacknowledged: 'acked_at IS NULL',
  cleared: 'cleared_at IS NOT NULL',
  acknowledged: 'acked_at IS NOT NULL',
  closed: '(cleared_at IS NOT NULL AND acked_at IS NOT NULL)',
};

const DEFAULT_LIMIT = 100;
export const MAX_ALARM_LIMIT = 1000;

/** A DOUBLE column takes no NaN or infinity. */
const finite = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : v);

export abstract class SqlAlarmStore extends StatementStore implements AlarmStore {
  /** `INSERT OR IGNORE` (SQLite) or `INSERT IGNORE` (MySQL). */
  protected abstract readonly insertIgnore: string;

  async save(records: readonly AlarmRecord[]): Promise<void> {
    if (records.length === 0) return;
    const insert = `${this.insertIgnore} INTO alarms (${COLUMNS}) VALUES (${COLUMNS.split(',')
      .map(() => '?')
      .join(', ')})`;
    const update = `UPDATE alarms SET ${CHANGING.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`;
    // Insert-or-ignore then update: a new row is written whole, a known one gets its changes.
    await this.runner().atomically(
      records.flatMap((r) => [
        [insert, rowParams(r)] as const,
        [
          update,
          [
            finite(r.value),
            r.fireCount,
            r.clearedAt,
            finite(r.clearValue),
            r.ackedAt,
            r.ackedBy,
            r.ackComment,
            r.updatedAt,
            r.id,
          ],
        ] as const,
      ]),
    );
  }

  async open(): Promise<AlarmRecord[]> {
    const rows = await this.runner().all(
      `SELECT ${COLUMNS} FROM alarms WHERE ${STATE_SQL.open} ORDER BY raised_at, id`,
      [],
    );
    return rows.map(toRecord);
  }

  async list(query: AlarmQuery = {}): Promise<AlarmPage> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    if (query.state) where.push(STATE_SQL[query.state]);
    if (query.severity && query.severity.length > 0) {
      where.push(`severity IN (${query.severity.map(() => '?').join(', ')})`);
      params.push(...query.severity);
    }
    for (const [column, value] of [
      ['registration_id', query.device],
      ['rule', query.rule],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    if (query.from !== undefined) {
      where.push('raised_at >= ?');
      params.push(query.from);
    }
    if (query.to !== undefined) {
      where.push('raised_at < ?');
      params.push(query.to);
    }
    const filter = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? DEFAULT_LIMIT)), MAX_ALARM_LIMIT);
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const runner = this.runner();
    const [rows, counted] = await Promise.all([
      runner.all(`SELECT ${COLUMNS} FROM alarms ${filter} ORDER BY raised_at DESC, id DESC LIMIT ? OFFSET ?`, [
        ...params,
        limit,
        offset,
      ]),
      runner.all(`SELECT COUNT(*) AS n FROM alarms ${filter}`, params),
    ]);
    return { alarms: rows.map(toRecord), total: Number(counted[0]?.['n'] ?? 0) };
  }
}

function rowParams(r: AlarmRecord): SqlParam[] {
  return [
    r.id,
    r.rule,
    r.registrationId,
    r.point,
    r.eventType,
    r.severity,
    finite(r.value),
    r.text.slice(0, 512),
    r.raisedAt,
    r.fireCount,
    r.clearedAt,
    finite(r.clearValue),
    r.ackedAt,
    r.ackedBy,
    r.ackComment,
    r.updatedAt,
  ];
}

function toRecord(r: Record<string, unknown>): AlarmRecord {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(r['id']),
    rule: String(r['rule']),
    registrationId: text(r['registration_id']),
    point: text(r['point']),
    eventType: String(r['event_type']),
    severity: r['severity'] as Severity,
    value: num(r['value']),
    text: String(r['text']),
    raisedAt: Number(r['raised_at']),
    fireCount: Number(r['fire_count']),
    clearedAt: num(r['cleared_at']),
    clearValue: num(r['clear_value']),
    ackedAt: num(r['acked_at']),
    ackedBy: text(r['acked_by']),
    ackComment: text(r['ack_comment']),
    updatedAt: Number(r['updated_at']),
  };
}
