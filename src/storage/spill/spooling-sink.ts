// A BatchSink in front of a store's own sink that never loses a batch the database cannot
// take: it writes the batch to the spill journal instead and replays the journal, in
// order, when the database answers again.
//
// States (StoreState):
//   ok        batches go straight to the database.
//   degraded  the last batch committed, but only after failed attempts.
//   spilling  the journal is not empty: new batches are appended behind it (so rows reach
//             the database in the order they were accepted) and a replay loop retries the
//             database with backoff, oldest record first.
// A batch goes to the journal when its write fails, when it takes longer than
// `writeTimeoutMs` (it may still commit later: the batch id makes the replay a no-op), or
// when more than `spillAboveRows` rows are waiting in memory for a slow database.
//
// The replay commits many records per transaction (the inner sink's writeGroup), growing the
// group while commits stay well inside the deadline and halving it when one does not, so it
// runs at the database's speed while new batches keep being appended behind it.
//
// A journal that cannot be written (its cap reached, a full or failing disk) does not lose
// the batch: it waits in memory (its write() stays pending, so the writer's backlog cap
// bounds it) and every later batch waits behind it, in order. The replay loop commits them
// as soon as the database answers, after the journal's records.
import type { Logger } from '../../log.js';
import type { BatchSink, SinkResult } from '../buffered-writer.js';
import type { StoreState } from '../history.js';
import type { WriteBatch } from '../write-batch.js';
import { HeldBatches } from './held-batches.js';
import type { SpillJournal } from './spill-journal.js';
import { messageOf, SpillReplay, writeWithin, type GroupSink, type ReplayInfo } from './spill-replay.js';

export type { GroupSink, ReplayInfo };

export interface SpoolingOptions {
  /** A write not settled by then is journaled (and left to finish or fail on its own). */
  readonly writeTimeoutMs: number;
  /** Rows queued for the database beyond which new batches go to the journal. */
  readonly spillAboveRows: number;
  /** First and longest pause between replay attempts while the database is down. */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** How often to log the journal's size while spilling. */
  readonly reportEveryMs: number;
  /** Most rows in one replay transaction; the group starts smaller and grows to it. */
  readonly replayMaxRows?: number;
  readonly onReplay?: (info: ReplayInfo) => void;
  /** What the logs call the peer: `history store` unless a northbound sink says otherwise. */
  readonly subject?: string;
}

export interface SpoolHealth {
  readonly state: StoreState;
  readonly since: number;
  readonly lastError: string | null;
  readonly rowsOnDisk: number;
  readonly bytesOnDisk: number;
  /** Rows written to the journal / replayed from it since start. */
  readonly rowsSpilled: number;
  readonly rowsReplayed: number;
  /** Rows lost to journal records that failed their checksum. */
  readonly rowsCorrupt: number;
  /** Rows in batches the database refused for their content, kept in the journal's rejected/ folder. */
  readonly rowsRejected: number;
  /** Rows waiting in memory because the journal cannot be written. */
  readonly rowsHeld: number;
}

/** Longest pause between attempts while rows wait in memory: they are what the cap drops next. */
const HELD_RETRY_MAX_MS = 1000;

/** A batch held in memory: its result comes once it is committed. */
interface Waiting {
  readonly later: Promise<SinkResult>;
}

export class SpoolingSink implements BatchSink {
  private state: StoreState = 'ok';
  private since = Date.now();
  private lastError: string | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private queuedRows = 0;
  private rowsSpilled = 0;
  private rowsRejected = 0;
  private replaying: Promise<void> | null = null;
  private closed = false;
  private wake: (() => void) | null = null;
  private drainWaiters: (() => void)[] = [];
  private lastReport = 0;
  private readonly held = new HeldBatches();
  /** Set at stop: a batch that can be neither journaled nor committed fails instead of waiting. */
  private stopping = false;
  private journalError: string | null = null;
  /** The last replay commit succeeded: the database is back, the replay catching up. */
  private answering = false;
  private readonly replay: SpillReplay;
  private readonly subject: string;

  constructor(
    private readonly inner: GroupSink,
    private readonly journal: SpillJournal,
    private readonly log: Logger,
    private readonly options: SpoolingOptions,
  ) {
    this.subject = options.subject ?? 'history store';
    this.replay = new SpillReplay(journal, this.held, {
      grouped: inner.writeGroup !== undefined,
      maxRows: options.replayMaxRows,
      deadlineMs: options.writeTimeoutMs,
      write: (batches) => writeWithin(this.inner, batches, this.options.writeTimeoutMs),
      setAside: (batch, result) => this.setAside(batch, result),
      answered: (error) => {
        // Once the database answers, the outage's error is history.
        this.lastError = error;
        this.answering = error === null;
        this.reportSpilling();
      },
      stopped: () => this.closed,
      ...(options.onReplay ? { onReplay: options.onReplay } : {}),
    });
    if (!journal.isEmpty) {
      this.enter('spilling', 'spill journal from an earlier run');
      this.log.warn(
        { rows: journal.rows, bytes: journal.bytes },
        'spill journal holds rows from an earlier run; replaying',
      );
      this.startReplay();
    }
  }

  write(batch: WriteBatch): Promise<SinkResult> {
    this.queuedRows += batch.rows;
    // The queue waits for the routing only, not for a held batch's commit.
    const routed = this.tail.then(() => this.route(batch));
    this.tail = routed.catch(() => undefined);
    return routed
      .then((r) => ('later' in r ? r.later : r))
      .finally(() => {
        this.queuedRows -= batch.rows;
      });
  }

  health(): SpoolHealth {
    return {
      state: this.state,
      since: this.since,
      lastError: this.lastError,
      rowsOnDisk: this.journal.rows,
      bytesOnDisk: this.journal.bytes,
      rowsSpilled: this.rowsSpilled,
      rowsReplayed: this.replay.rowsReplayed,
      rowsCorrupt: this.journal.corruptRows,
      rowsRejected: this.rowsRejected,
      rowsHeld: this.held.rows,
    };
  }

  /** Resolves when the journal is empty and batches go straight to the database again. */
  drained(): Promise<void> {
    if (this.state !== 'spilling') return this.tail.then(() => undefined);
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * The store is stopping: batches held in memory go to the journal if it takes them now, or
   * fail (the writer counts their rows as dropped); later ones do not wait either. Without
   * this the writer's last flush would wait for a database that may never come back.
   */
  async stopHolding(): Promise<void> {
    this.stopping = true;
    await this.tail;
    this.held.failWaiting(this.stoppingError());
  }

  /**
   * Waits for queued writes, gives the replay one last chance, then closes. Whatever is
   * still in the journal stays there for the next start.
   */
  async close(): Promise<void> {
    await this.stopHolding();
    this.closed = true;
    this.wake?.();
    await this.replaying;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
    await this.journal.close();
    await this.inner.close();
    if (!this.journal.isEmpty)
      this.log.warn({ rows: this.journal.rows }, 'rows left in the spill journal for the next start');
  }

  // ---------------------------------------------------------------- routing

  private async route(batch: WriteBatch): Promise<SinkResult | Waiting> {
    if (this.state === 'spilling') return this.spill(batch, 0);
    if (this.queuedRows - batch.rows > this.options.spillAboveRows) {
      this.enter('spilling', `database is slow: ${this.queuedRows} rows waiting`);
      this.startReplay();
      return this.spill(batch, 0);
    }
    const result = await writeWithin(this.inner, [batch], this.options.writeTimeoutMs);
    if (result.permanent) return this.setAside(batch, result);
    if (result.ok) {
      this.settle(
        result.failedAttempts > 0 ? 'degraded' : 'ok',
        result.failedAttempts > 0 ? (result.error ?? null) : null,
      );
      return result;
    }
    this.enter('spilling', result.error ?? 'write failed');
    this.startReplay();
    return this.spill(batch, result.failedAttempts);
  }

  /** To the journal; to memory when the journal cannot take it or batches already wait there. */
  private async spill(batch: WriteBatch, failedAttempts: number): Promise<SinkResult | Waiting> {
    if (this.held.isEmpty && !this.follows(batch)) {
      let error: string;
      try {
        const outcome = await this.journal.append(batch);
        if (outcome === 'written') {
          this.journalWritable();
          this.rowsSpilled += batch.rows;
          this.reportSpilling();
          return { ok: true, spilled: true, failedAttempts };
        }
        error = `spill journal is full (${this.journal.diskBytes} bytes)`;
      } catch (err) {
        error = `spill journal write failed: ${messageOf(err)}`;
      }
      if (this.stopping) return { ok: false, failedAttempts, error };
      this.journalBlocked(error);
    }
    if (this.stopping) return { ok: false, failedAttempts, error: this.journalError ?? 'store stopping' };
    return { later: this.held.hold(batch, failedAttempts) };
  }

  /**
   * A batch the database refuses for its content: retrying or journaling it would block
   * every batch behind it forever. It goes to the journal's rejected/ folder instead and
   * counts as not stored (the writer logs it and counts its rows as dropped).
   */
  private async setAside(batch: WriteBatch, result: SinkResult): Promise<SinkResult> {
    let where: string;
    try {
      where = await this.journal.quarantine(batch);
    } catch (err) {
      where = `nowhere (${messageOf(err)})`;
    }
    this.rowsRejected += batch.rows;
    this.log.error(
      { rows: batch.rows, batch: batch.id, error: result.error, file: where },
      'the database refuses this batch; kept aside',
    );
    return {
      ok: false,
      failedAttempts: result.failedAttempts,
      error: `${result.error ?? 'refused'}; batch kept in ${where}`,
    };
  }

  // ---------------------------------------------------------------- replay

  private startReplay(): void {
    this.replaying ??= this.replayLoop().finally(() => {
      this.replaying = null;
    });
  }

  private async replayLoop(): Promise<void> {
    let pause = 0;
    while (!this.closed) {
      if (pause > 0) await this.sleep(!this.held.isEmpty ? Math.min(pause, HELD_RETRY_MAX_MS) : pause);
      const outcome = await this.replay.run();
      if (outcome === 'failed') {
        if (!this.held.isEmpty) await this.journalHeld();
        if (this.stopping) this.held.failWaiting(this.stoppingError());
        pause = Math.min(Math.max(pause * 2, this.options.retryMinMs), this.options.retryMaxMs);
        continue;
      }
      pause = 0;
      // Decide in the write queue, where no append is half done: an append that started
      // while the last record was being replayed must be replayed too.
      const done = await this.inWriteQueue(() => {
        if (!this.journal.isEmpty || !this.held.isEmpty) return false;
        this.settle('ok', null);
        return true;
      });
      if (done) return;
    }
  }

  private inWriteQueue<T>(task: () => T): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private stoppingError(): string {
    return `store stopping; spill journal cannot be written: ${this.journalError ?? 'unknown'}`;
  }

  // ---------------------------------------------------------------- state

  private enter(state: 'spilling', reason: string): void {
    this.lastError = reason;
    this.answering = false;
    if (this.state === state) return;
    this.log.warn({ reason }, `${this.subject} unavailable; spilling batches to the local journal`);
    this.state = state;
    this.since = Date.now();
    this.lastReport = Date.now();
  }

  private settle(state: 'ok' | 'degraded', error: string | null): void {
    const was = this.state;
    this.lastError = error;
    if (was === state) return;
    this.state = state;
    this.since = Date.now();
    if (was === 'spilling') {
      this.log.info({ rowsReplayed: this.replay.rowsReplayed }, `${this.subject} is back; spill journal replayed`);
      for (const resolve of this.drainWaiters.splice(0)) resolve();
    } else if (state === 'degraded') {
      this.log.warn({ error }, `${this.subject} degraded: a batch needed retries`);
    }
  }

  /**
   * The replay is about to empty the journal: a new batch waits in memory for its next commit
   * rather than being synced to disk and read back (which would keep the journal from ever
   * emptying under load). Bounded like the queue to a slow database.
   */
  private follows(batch: WriteBatch): boolean {
    return (
      this.answering &&
      !this.stopping &&
      (this.journal.records <= 1 || this.journal.rows <= this.replay.groupRows()) &&
      this.held.rows + batch.rows <= this.options.spillAboveRows
    );
  }

  /** The database failed again: batches held while it answered go to the journal, behind the rest. */
  private async journalHeld(): Promise<void> {
    const moved = await this.inWriteQueue(() =>
      this.held.toJournal(async (batch) => {
        try {
          if ((await this.journal.append(batch)) !== 'written') return false;
        } catch {
          return false;
        }
        this.rowsSpilled += batch.rows;
        return true;
      }),
    );
    if (moved > 0) this.log.warn({ rows: moved }, 'database failed again; batches waiting in memory journaled');
  }

  /** The journal refused a batch: said once until it takes one again. */
  private journalBlocked(error: string): void {
    const first = this.journalError === null;
    this.journalError = error;
    this.lastError = error;
    if (first)
      this.log.error(
        { error, rowsOnDisk: this.journal.rows, bytesOnDisk: this.journal.diskBytes },
        'spill journal cannot be written; batches wait in memory up to writeBuffer.maxPendingRows',
      );
  }

  private journalWritable(): void {
    if (this.journalError === null) return;
    this.journalError = null;
    this.log.info({ rowsOnDisk: this.journal.rows }, 'spill journal writable again');
  }

  private reportSpilling(): void {
    const now = Date.now();
    if (now - this.lastReport < this.options.reportEveryMs) return;
    this.lastReport = now;
    const fields = {
      rowsOnDisk: this.journal.rows,
      bytesOnDisk: this.journal.diskBytes,
      rowsHeld: this.held.rows,
      rowsReplayed: this.replay.rowsReplayed,
      error: this.lastError,
    };
    if (this.lastError === null) this.log.info(fields, `${this.subject} back; replaying the spill journal`);
    else this.log.warn(fields, `${this.subject} still spilling`);
  }
}
