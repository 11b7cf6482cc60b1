// Runs the `notify:` actions: per notifier a bounded in-memory queue, one message in flight,
// retries with exponential backoff and jitter, quiet hours, and the state the API shows.
//
// Why in memory, not the webhook queue's table: a robot signature is only valid for about
// an hour (DingTalk, Feishu), so a message replayed after a restart would be refused or be
// news from yesterday; and a notice is a courtesy copy of an event that is stored anyway.
// The queue is bounded (a dead SMTP server must not grow memory): beyond MAX_QUEUED a new
// message is dropped and counted.
//
// Quiet hours: messages are held (up to MAX_HELD lines, the rest counted) and sent as one
// digest on the first tick after the quiet hours end; event types and rule severities listed
// in `except` go out at once. Events of a rule below the notifier's `minSeverity` are not sent
// at all (not even held). Ticks run every TICK_MS on a timer, or by tick() from tests with a fake clock.
import type { Clock } from '../../clock.js';
import type { NotifierDef } from '../../domain/notifiers.js';
import { SEVERITIES, type Severity } from '../../domain/rules.js';
import type { Logger } from '../../log.js';
import type { DtuEvent } from '../event.js';
import { notifierTarget } from './describe.js';
import { digestNotice, eventLine, eventNotice, type Notice, type NoticeRule, type PointLookup } from './notice.js';
import type { NoticeSender } from './notice-sender.js';
import { inQuietHours } from './quiet-hours.js';

export const MAX_QUEUED = 500;
export const MAX_HELD = 200;
const TICK_MS = 30_000;

export interface NotifierState {
  readonly name: string;
  readonly type: NotifierDef['type'];
  /** Where it sends, secrets left out. */
  readonly target: string;
  readonly enabled: boolean;
  readonly quiet: boolean;
  readonly queued: number;
  readonly held: number;
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  readonly lastSentAt: number | null;
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
}

interface Lane {
  def: NotifierDef;
  queue: { notice: Notice; attempt: number }[];
  busy: boolean;
  retryTimer: NodeJS.Timeout | null;
  held: string[];
  heldDropped: number;
  sent: number;
  failed: number;
  dropped: number;
  lastSentAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
}

export class NotifierHub {
  private lanes = new Map<string, Lane>();
  private ticker: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    defs: ReadonlyMap<string, NotifierDef>,
    private readonly send: NoticeSender,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** A device's point (description, unit) for the sentences; none: the point's name. */
    private readonly points: PointLookup = () => null,
  ) {
    this.use(defs);
  }

  start(): void {
    this.stopped = false;
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  /** Messages still queued are given up (notices are not kept across restarts). */
  stop(): void {
    this.stopped = true;
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
    for (const lane of this.lanes.values()) if (lane.retryTimer !== null) clearTimeout(lane.retryTimer);
  }

  /** rules.yml reloaded: new definitions; a kept notifier keeps its queue, held lines and counters. */
  use(defs: ReadonlyMap<string, NotifierDef>): void {
    const next = new Map<string, Lane>();
    for (const def of defs.values()) {
      const old = this.lanes.get(def.name);
      next.set(def.name, old ? Object.assign(old, { def }) : newLane(def));
    }
    // A removed or disabled notifier sends nothing more: what it had queued or held is given up.
    for (const [name, lane] of this.lanes) if (!next.has(name)) giveUp(lane);
    for (const lane of next.values()) if (!lane.def.enabled) giveUp(lane);
    this.lanes = next;
  }

  /** A rule's `notify:` action (null rule: not from a rule, always sent). Returns at once. */
  notify(name: string, event: DtuEvent, rule: NoticeRule | null): void {
    const lane = this.lanes.get(name);
    if (!lane || !lane.def.enabled || this.stopped) return;
    const { def } = lane;
    const severity = rule?.severity ?? null;
    if (severity !== null && !atLeast(severity, def.minSeverity)) return;
    const now = this.clock.now();
    const quiet = def.quietHours;
    const excepted =
      quiet !== null &&
      (quiet.except.includes(event.type) || (severity !== null && quiet.exceptSeverities.includes(severity)));
    if (quiet && !excepted && inQuietHours(quiet, now)) {
      if (lane.held.length < MAX_HELD) lane.held.push(eventLine(def, event, rule, this.points));
      else lane.heldDropped++;
      return;
    }
    this.enqueue(lane, eventNotice(def, event, rule, this.points));
  }

  /** Sends the digest of notifiers whose quiet hours are over. */
  tick(): void {
    const now = this.clock.now();
    for (const lane of this.lanes.values()) {
      const quiet = lane.def.quietHours;
      if (lane.held.length + lane.heldDropped === 0 || (quiet && inQuietHours(quiet, now))) continue;
      const notice = digestNotice(lane.def, lane.held, lane.heldDropped);
      lane.held = [];
      lane.heldDropped = 0;
      this.enqueue(lane, notice);
    }
  }

  states(): NotifierState[] {
    const now = this.clock.now();
    return [...this.lanes.values()].map((l) => ({
      name: l.def.name,
      type: l.def.type,
      target: notifierTarget(l.def),
      enabled: l.def.enabled,
      quiet: l.def.quietHours !== null && inQuietHours(l.def.quietHours, now),
      queued: l.queue.length,
      held: l.held.length + l.heldDropped,
      sent: l.sent,
      failed: l.failed,
      dropped: l.dropped,
      lastSentAt: l.lastSentAt,
      lastError: l.lastError,
      lastErrorAt: l.lastErrorAt,
    }));
  }

  /** Resolves when no lane has anything queued or in flight (tests). */
  async idle(): Promise<void> {
    while ([...this.lanes.values()].some((l) => l.busy || (l.queue.length > 0 && l.retryTimer === null)))
      await new Promise((r) => setTimeout(r, 10));
  }

  private enqueue(lane: Lane, notice: Notice): void {
    if (lane.queue.length >= MAX_QUEUED) {
      lane.dropped++;
      this.log.warn({ notifier: lane.def.name, queued: lane.queue.length }, 'notifier queue full; message dropped');
      return;
    }
    lane.queue.push({ notice, attempt: 1 });
    this.pump(lane);
  }

  private pump(lane: Lane): void {
    if (lane.busy || lane.retryTimer !== null || this.stopped || !lane.def.enabled) return;
    const item = lane.queue[0];
    if (!item) return;
    lane.busy = true;
    const { def } = lane;
    this.send(def, item.notice, this.clock.now()).then(
      () => {
        lane.busy = false;
        lane.queue.shift();
        lane.sent++;
        lane.lastSentAt = this.clock.now();
        this.pump(lane);
      },
      (err: unknown) => {
        lane.busy = false;
        const error = (err as Error).message;
        lane.lastError = error;
        lane.lastErrorAt = this.clock.now();
        if (item.attempt >= def.maxAttempts) {
          lane.queue.shift();
          lane.failed++;
          this.log.error(
            { notifier: def.name, type: def.type, attempts: item.attempt, error },
            'notification given up',
          );
          this.pump(lane);
          return;
        }
        const delay = backoff(def, item.attempt);
        item.attempt++;
        this.log.warn(
          { notifier: def.name, type: def.type, attempt: item.attempt - 1, retryInMs: delay, error },
          'notification failed; retrying',
        );
        if (this.stopped) return;
        lane.retryTimer = setTimeout(() => {
          lane.retryTimer = null;
          this.pump(lane);
        }, delay);
        lane.retryTimer.unref();
      },
    );
  }
}

function newLane(def: NotifierDef): Lane {
  return {
    def,
    queue: [],
    busy: false,
    retryTimer: null,
    held: [],
    heldDropped: 0,
    sent: 0,
    failed: 0,
    dropped: 0,
    lastSentAt: null,
    lastError: null,
    lastErrorAt: null,
  };
}

/** SEVERITIES runs most urgent first: a lower index is more severe. */
export function atLeast(severity: Severity, min: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(min);
}

/** initial × 2^(attempt−1), capped, times a random factor in [½, 1] (like webhook retries). */
export function backoff(def: NotifierDef, attempt: number): number {
  const raw = Math.min(def.backoffMaxMs, def.backoffInitialMs * 2 ** (attempt - 1));
  return Math.round(raw * (0.5 + Math.random() / 2));
}

function giveUp(lane: Lane): void {
  if (lane.retryTimer !== null) clearTimeout(lane.retryTimer);
  lane.retryTimer = null;
  lane.dropped += lane.queue.length;
  lane.queue = [];
  lane.held = [];
  lane.heldDropped = 0;
}
