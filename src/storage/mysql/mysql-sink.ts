// The BatchSink of the MySQL store: commits batches one at a time, in order, on one pooled
// connection, retrying a failed batch before giving it up. Async I/O, so no worker thread
// is needed: the event loop only builds the SQL text.
//
// The spill replay hands it many batches at once (writeGroup): one transaction for all of
// them is what lets a replay run at the database's speed rather than a commit per batch.
//
// A commit has a deadline: a server that vanished without closing the socket would
// otherwise leave the query, and every batch behind it, waiting forever. Past it the
// connection is destroyed, which fails the query and frees the queue.
import type { Pool } from 'mysql2/promise';
import type { Logger } from '../../log.js';
import type { SinkResult } from '../buffered-writer.js';
import type { RawPacketCaps } from '../raw-packet-budget.js';
import type { GroupSink } from '../spill/spooling-sink.js';
import type { WriteBatch } from '../write-batch.js';
import { isPermanentBatchError, MysqlBatchApplier } from './mysql-batch-applier.js';

/** Delays before the 2nd and 3rd attempt (a restarting server or a lock timeout may clear). */
const RETRY_DELAYS_MS = [100, 1000];
const DEFAULT_DEADLINE_MS = 30_000;

export class MysqlBatchSink implements GroupSink {
  private readonly applier: MysqlBatchApplier;
  /** The previous write: each batch waits for it, so results come back in order. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly log: Logger,
    private readonly retryDelaysMs: readonly number[] = RETRY_DELAYS_MS,
    private readonly deadlineMs: number = DEFAULT_DEADLINE_MS,
    /** Runs before each commit: makes sure the schema exists (after a start without the server). */
    private readonly prepare: () => Promise<void> = async () => undefined,
    /** raw_packets is held at this many rows by every commit (0: no cap). */
    rawPacketsMaxRows = 0,
    /** …and at this many packet bytes (0: no cap). */
    rawPacketsMaxBytes = 0,
  ) {
    this.applier = new MysqlBatchApplier({ rawPacketsMaxRows, rawPacketsMaxBytes });
  }

  /** server.yml reloaded: raw_packets' caps hold from the next commit on. */
  useRawPacketCaps(caps: RawPacketCaps): void {
    this.applier.useRawPacketCaps(caps);
  }

  write(batch: WriteBatch): Promise<SinkResult> {
    return this.writeGroup([batch]);
  }

  /** Commits the batches in order in one transaction, all or nothing. */
  writeGroup(batches: readonly WriteBatch[]): Promise<SinkResult> {
    const result = this.tail.then(() => this.commit(batches));
    this.tail = result;
    return result;
  }

  /**
   * The pool is the store's to end (the reader shares it): waits for the last write, then
   * writes the rollups' pending deltas. If that fails nothing is lost: the next start folds
   * the raw rows from rollup_state.pending_since back in.
   */
  async close(): Promise<void> {
    await this.tail;
    try {
      const connection = await this.pool.getConnection();
      try {
        await this.applier.drainRollups(connection);
      } finally {
        connection.release();
      }
    } catch (err) {
      this.log.warn({ error: err instanceof Error ? err.message : String(err) }, 'writing the pending rollups failed');
    }
  }

  private async commit(batches: readonly WriteBatch[]): Promise<SinkResult> {
    let failedAttempts = 0;
    for (;;) {
      const started = performance.now();
      try {
        await this.prepare();
        const connection = await this.pool.getConnection();
        let timer: NodeJS.Timeout | undefined;
        let timedOut = false;
        try {
          await Promise.race([
            this.applier.apply(connection, batches),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => {
                timedOut = true;
                this.applier.abandon();
                connection.destroy();
                reject(new Error(`commit took longer than ${this.deadlineMs} ms; connection dropped`));
              }, this.deadlineMs);
            }),
          ]);
        } finally {
          clearTimeout(timer);
          if (!timedOut) connection.release();
        }
        return { ok: true, writeMs: performance.now() - started, failedAttempts };
      } catch (err) {
        failedAttempts += 1;
        const error = err instanceof Error ? err.message : String(err);
        if (isPermanentBatchError(err)) return { ok: false, permanent: true, failedAttempts, error };
        const delay = this.retryDelaysMs[failedAttempts - 1];
        const rows = batches.reduce((n, b) => n + b.rows, 0);
        this.log.warn({ rows, batches: batches.length, attempt: failedAttempts, error }, 'history batch failed');
        if (delay === undefined) return { ok: false, failedAttempts, error };
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
