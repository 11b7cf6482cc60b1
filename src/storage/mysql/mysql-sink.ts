// The BatchSink of the MySQL store: commits batches one at a time, in order, on one pooled
// connection, retrying a failed batch a couple of times before giving it up. Async I/O,
// so no worker thread is needed: the event loop only builds the SQL text.
import type { Pool } from 'mysql2/promise';
import type { Logger } from '../../log.js';
import type { BatchSink, SinkResult } from '../buffered-writer.js';
import type { WriteBatch } from '../write-batch.js';
import { MysqlBatchApplier } from './mysql-batch-applier.js';

/** Delays before the 2nd and 3rd attempt (a restarting server or a lock timeout may clear). */
const RETRY_DELAYS_MS = [100, 1000];

export class MysqlBatchSink implements BatchSink {
  private readonly applier = new MysqlBatchApplier();
  /** The previous write: each batch waits for it, so results come back in order. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly log: Logger,
    private readonly retryDelaysMs: readonly number[] = RETRY_DELAYS_MS,
  ) {}

  write(batch: WriteBatch): Promise<SinkResult> {
    const result = this.tail.then(() => this.commit(batch));
    this.tail = result;
    return result;
  }

  /** The pool is the store's to end (the reader shares it); only wait for the last write. */
  async close(): Promise<void> {
    await this.tail;
  }

  private async commit(batch: WriteBatch): Promise<SinkResult> {
    let failedAttempts = 0;
    for (;;) {
      const started = performance.now();
      try {
        const connection = await this.pool.getConnection();
        try {
          await this.applier.apply(connection, [batch]);
        } finally {
          connection.release();
        }
        return { ok: true, writeMs: performance.now() - started, failedAttempts };
      } catch (err) {
        failedAttempts += 1;
        const error = err instanceof Error ? err.message : String(err);
        const delay = this.retryDelaysMs[failedAttempts - 1];
        this.log.warn({ rows: batch.rows, attempt: failedAttempts, error }, 'history batch failed');
        if (delay === undefined) return { ok: false, failedAttempts, error };
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
