// One FIFO of Modbus transactions per DTU, shared by polls and writes, with exactly one
// request in flight: the RS-485 bus behind a DTU is half-duplex, and a second request
// would collide with the first answer.
//
// Timing rules from the field: wait `interRequestDelayMs` between transactions (slow RTU
// devices), and after a timeout or a broken answer wait until the line has been quiet
// for `quietAfterTimeoutMs`, so the late answer of one slave is never taken for the
// next slave's answer.

import type { ModbusTiming } from '../domain/config.js';
import type { LinkExpectation } from '../protocol/dtu/stream-events.js';
import { systemClock, type Clock } from '../clock.js';
import { TickScheduler, type TickJob } from './tick-scheduler.js';
import type { ModbusTransport, Transaction } from './transaction.js';

/** What the queue needs from the connection; the session provides it. */
export interface TransactionLink {
  send(request: Uint8Array): void;
  expect(expectation: LinkExpectation | null): void;
  /** Bytes buffered after a failed transaction are of unknown origin: drop them. */
  discardPending(): void;
  /** A request went unanswered for the response timeout (each attempt, retries included). */
  timedOut?(): void;
}

/** Longest we wait for a chatty line to go quiet, in multiples of the quiet time. */
const MAX_QUIET_WAIT_FACTOR = 10;

export class TransactionQueue implements ModbusTransport {
  private readonly queue: { readonly tx: Transaction; readonly attempt: number }[] = [];
  // The transaction in flight, kept in fields: one object less per request.
  private inFlight: Transaction | null = null;
  private inFlightAttempt = 0;
  private sentAt = 0;
  /** On the shared scheduler, re-armed per request instead of a Node timer each. */
  private readonly timeoutJob: TickJob;
  /**
   * Waits between requests stay exact Node timers: a tick late on each of several blocks
   * queued back to back would slow a DTU's whole round, and only such rounds wait.
   */
  private waitTimer: NodeJS.Timeout | null = null;
  private readyAt = 0;
  private quietSince = -1;
  private lastInputAt = 0;
  private closed = false;
  private completed = 0;

  constructor(
    private readonly link: TransactionLink,
    private timing: ModbusTiming,
    private readonly clock: Clock = systemClock,
    private readonly scheduler = new TickScheduler(1),
  ) {
    this.timeoutJob = scheduler.job(() => this.fail('timeout'));
  }

  /** New timing (points.yml changed): from the next request on; the queue and what is in flight stay. */
  retime(timing: ModbusTiming): void {
    this.timing = timing;
  }

  get depth(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  get transactions(): number {
    return this.completed;
  }

  /** Queues a transaction; false when one with the same key is already waiting. */
  enqueue(tx: Transaction): boolean {
    if (this.closed) {
      tx.done({ kind: 'closed', at: this.clock.now() });
      return false;
    }
    if (tx.key !== null) {
      // A block still waiting or in flight is not polled again: the poll after a late answer
      // would go out the moment that answer is read, and two answers of one block in the same
      // millisecond are one reading twice (the store keeps one row per device, point and time).
      // Retries (attempt > 1) do not count, so a poll can still queue behind its own retry.
      if (this.inFlight?.key === tx.key && this.inFlightAttempt === 1) return false;
      // The line holds a handful of entries at most: a scan beats keeping a Set in step.
      for (const entry of this.queue) if (entry.attempt === 1 && entry.tx.key === tx.key) return false;
    }
    this.queue.push({ tx, attempt: 1 });
    this.pump();
    return true;
  }

  /** Any bytes arrived on the line: the quiet period restarts. */
  noteInput(): void {
    // Only a quiet period after a failure looks at it (`fail` starts it at the failure),
    // so the clock is not read for every chunk of a healthy line.
    if (this.quietSince >= 0) this.lastInputAt = this.clock.now();
  }

  /** The parser matched the answer to the request in flight. */
  onResponse(
    buf: Uint8Array,
    frame: { kind: 'ok'; dataOffset: number; dataLength: number } | { kind: 'exception'; code: number },
  ): void {
    const tx = this.inFlight;
    if (!tx) return;
    const { sentAt } = this;
    this.finishFlight();
    const at = this.clock.now();
    this.readyAt = at + this.timing.interRequestDelayMs;
    this.completed++;
    // The transaction is settled before its owner hears of it: an owner that throws (the
    // session logs and counts it) loses that answer only, and the line goes on.
    try {
      if (frame.kind === 'ok') {
        tx.done({ kind: 'ok', buf, dataOffset: frame.dataOffset, dataLength: frame.dataLength, sentAt, at });
      } else {
        tx.done({ kind: 'exception', code: frame.code, sentAt, at });
      }
    } finally {
      this.pump();
    }
  }

  /** The parser saw a broken answer (bad CRC) to the request in flight. */
  onBadResponse(): void {
    if (this.inFlight) this.fail('bad-response');
  }

  /** Fails everything queued and in flight; later enqueues fail at once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const at = this.clock.now();
    const pending = this.queue.map((entry) => entry.tx);
    if (this.inFlight) pending.unshift(this.inFlight);
    this.finishFlight();
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimer = null;
    this.queue.length = 0;
    for (const tx of pending) tx.done({ kind: 'closed', at });
  }

  private pump(): void {
    if (this.closed || this.inFlight || this.waitTimer || this.queue.length === 0) return;
    const now = this.clock.now();
    const wait = this.waitBeforeSend(now);
    if (wait > 0) {
      this.waitTimer = setTimeout(() => {
        this.waitTimer = null;
        this.pump();
      }, wait);
      return;
    }
    const { tx, attempt } = this.queue.shift()!;
    this.send(tx, attempt, now);
  }

  private waitBeforeSend(now: number): number {
    let until = this.readyAt;
    if (this.quietSince >= 0) {
      const quietUntil = this.lastInputAt + this.timing.quietAfterTimeoutMs;
      const giveUpAt = this.quietSince + this.timing.quietAfterTimeoutMs * MAX_QUIET_WAIT_FACTOR;
      if (quietUntil <= now || now >= giveUpAt) {
        this.quietSince = -1;
        this.link.discardPending();
      } else {
        until = Math.max(until, Math.min(quietUntil, giveUpAt));
      }
    }
    return until - now;
  }

  private send(tx: Transaction, attempt: number, now: number): void {
    this.inFlight = tx;
    this.inFlightAttempt = attempt;
    this.sentAt = now;
    this.link.expect(tx.expectation);
    // The parser may already hold the answer (it cannot, unless the line is chatty): only
    // arm the timer if the transaction is still in flight.
    if (this.inFlight !== tx) return;
    this.link.send(tx.request);
    if (this.inFlight !== tx) return;
    this.scheduler.schedule(this.timeoutJob, this.timing.responseTimeoutMs);
  }

  private fail(kind: 'timeout' | 'bad-response'): void {
    const tx = this.inFlight;
    if (!tx) return;
    const attempt = this.inFlightAttempt;
    this.finishFlight();
    this.link.expect(null);
    if (kind === 'timeout') this.link.timedOut?.();
    const now = this.clock.now();
    this.quietSince = now;
    // A late answer may be just about to arrive: the quiet period starts now at the earliest.
    this.lastInputAt = Math.max(this.lastInputAt, now);
    if (attempt <= this.timing.retries && !this.closed) {
      // A retry goes back to the head of the line; its key stays free so the next
      // scheduled poll of the same block can still queue behind it.
      this.queue.unshift({ tx, attempt: attempt + 1 });
    } else {
      this.completed++;
      tx.done({ kind, attempts: attempt, at: now });
    }
    this.pump();
  }

  private finishFlight(): void {
    this.scheduler.cancel(this.timeoutJob);
    this.inFlight = null;
  }
}
