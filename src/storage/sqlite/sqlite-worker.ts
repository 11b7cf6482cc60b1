// The SQLite writer thread. It owns the only write connection: applies migrations at
// start, commits batches in the order they arrive (retrying a failed one a few times
// before giving it up), and runs the retention sweep between batches. better-sqlite3 is
// synchronous, so doing this here keeps the gateway's event loop free.
import { parentPort, workerData } from 'node:worker_threads';
import type { RetentionConfig } from '../../domain/config.js';
import { StorageError } from '../errors.js';
import type { RetentionReport } from '../history.js';
import type { WriteBatch } from '../write-batch.js';
import { SqliteBatchApplier } from './sqlite-batch-applier.js';
import { openWriteConnection, pageCacheKiB, type SqliteDatabase } from './sqlite-connection.js';
import { migrateSqlite } from './sqlite-migrate.js';
import { SqliteRetention } from './sqlite-retention.js';
import type { FromWorker, LogLevel, ToWorker, WorkerInit } from './worker-protocol.js';

/** Delays before the 2nd and 3rd attempt at a failed batch (a busy or full disk may clear). */
const RETRY_DELAYS_MS = [100, 1000];
/** Batches waiting in the queue are committed together, up to this many rows per commit. */
const GROUP_COMMIT_MAX_ROWS = 200_000;

interface QueuedBatch {
  readonly seq: number;
  readonly batch: WriteBatch;
}

const port = parentPort!;
const init = workerData as WorkerInit;

function post(message: FromWorker): void {
  port.postMessage(message);
}

function log(level: LogLevel, msg: string, data: Record<string, unknown> = {}): void {
  post({ type: 'log', level, msg, data });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

class WriterThread {
  private readonly queue: ToWorker[] = [];
  private draining = false;
  private stopping = false;
  private sweeping: Promise<unknown> | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweepIntervalMs = 0;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly applier: SqliteBatchApplier,
    private readonly retention: SqliteRetention,
  ) {}

  start(): void {
    port.on('message', (message: ToWorker) => this.receive(message));
    this.armSweeps(init.retention.sweepIntervalMs);
  }

  private armSweeps(intervalMs: number): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepIntervalMs = intervalMs;
    // A failed sweep is logged here; the timer's next tick tries again.
    this.sweepTimer = setInterval(
      () =>
        void this.sweep(Date.now()).catch((err: unknown) =>
          log('warn', 'retention sweep failed', { error: errorText(err) }),
        ),
      intervalMs,
    );
    this.sweepTimer.unref();
  }

  /** server.yml reloaded: not queued behind batches, so the next commit and sweep already use it. */
  private useRetention(retention: RetentionConfig): void {
    this.retention.use(retention);
    this.applier.useRawPacketCaps(retention);
    if (retention.sweepIntervalMs !== this.sweepIntervalMs && !this.stopping) this.armSweeps(retention.sweepIntervalMs);
  }

  private receive(message: ToWorker): void {
    if (message.type === 'retention') {
      this.useRetention(message.retention);
      return;
    }
    if (message.type === 'sweep') {
      // Not queued: a sweep pauses between chunks so queued batches can commit meanwhile.
      this.sweep(message.now).then(
        (report) => post({ type: 'swept', id: message.id, report }),
        (err: unknown) => post({ type: 'swept', id: message.id, report: null, error: errorText(err) }),
      );
      return;
    }
    this.queue.push(message);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.queue.length > 0) {
      // One macrotask turn lets batches that arrived during the last commit join the queue.
      await nextTurn();
      const group = this.takeGroup();
      if (group.length > 0) await this.commit(group);
      else if (this.queue.shift()?.type === 'close') await this.close();
    }
    this.draining = false;
  }

  /** The batches at the front of the queue, up to GROUP_COMMIT_MAX_ROWS rows (at least one). */
  private takeGroup(): QueuedBatch[] {
    const group: QueuedBatch[] = [];
    let rows = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (next.type !== 'batch' || (group.length > 0 && rows + next.batch.rows > GROUP_COMMIT_MAX_ROWS)) break;
      this.queue.shift();
      group.push({ seq: next.seq, batch: next.batch });
      rows += next.batch.rows;
    }
    return group;
  }

  private async commit(group: readonly QueuedBatch[]): Promise<void> {
    if (group.length > 1) {
      const started = performance.now();
      try {
        this.applier.apply(group.map((item) => item.batch));
        const writeMs = performance.now() - started;
        for (const { seq } of group) post({ type: 'written', seq, ok: true, failedAttempts: 0, writeMs });
        return;
      } catch (err) {
        // One bad batch must not sink the others: retry them one at a time.
        log('warn', 'grouped history commit failed; retrying batch by batch', {
          batches: group.length,
          error: errorText(err),
        });
      }
    }
    for (const { seq, batch } of group) await this.write(seq, batch);
  }

  private async write(seq: number, batch: WriteBatch): Promise<void> {
    let failedAttempts = 0;
    for (;;) {
      const started = performance.now();
      try {
        this.applier.apply([batch]);
        post({ type: 'written', seq, ok: true, failedAttempts, writeMs: performance.now() - started });
        return;
      } catch (err) {
        failedAttempts += 1;
        const delay = RETRY_DELAYS_MS[failedAttempts - 1];
        log('warn', 'history batch failed', { rows: batch.rows, attempt: failedAttempts, error: errorText(err) });
        if (delay === undefined || this.stopping) {
          post({ type: 'written', seq, ok: false, failedAttempts, writeMs: 0, error: errorText(err) });
          return;
        }
        await sleep(delay);
      }
    }
  }

  private async sweep(now: number): Promise<RetentionReport> {
    // One sweep at a time: a timer tick during a long sweep waits for it.
    while (this.sweeping) await this.sweeping.catch(() => undefined);
    const sweep = this.retention.sweep(now, nextTurn, () => this.stopping);
    this.sweeping = sweep;
    try {
      const report = await sweep;
      const deleted = report.deviceData + report.heartbeatLog + report.connectionHistory + report.rawPackets;
      if (deleted > 0) log('info', 'retention sweep', { ...report });
      return report;
    } finally {
      this.sweeping = null;
    }
  }

  private async close(): Promise<void> {
    this.stopping = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.sweeping?.catch(() => undefined);
    try {
      this.applier.drainRollups();
    } catch (err) {
      // Not lost: the next start folds the raw rows from rollup_state.pending_since back in.
      log('warn', 'writing the pending rollups failed', { error: errorText(err) });
    }
    try {
      this.db.pragma('optimize');
      this.db.close();
    } catch (err) {
      log('error', 'closing the database failed', { error: errorText(err) });
    }
    post({ type: 'closed' });
    port.close();
  }
}

function main(): void {
  let db: SqliteDatabase | null = null;
  try {
    db = openWriteConnection(init.path, {
      cacheBytes: init.cacheBytes,
      ...(init.pageBytes !== undefined ? { pageBytes: init.pageBytes } : {}),
    });
    const migration = migrateSqlite(db, init.path);
    const thread = new WriterThread(
      db,
      new SqliteBatchApplier(db, {
        rawPacketsMaxRows: init.retention.rawPacketsMaxRows,
        rawPacketsMaxBytes: init.retention.rawPacketsMaxBytes,
      }),
      new SqliteRetention(db, init.retention),
    );
    thread.start();
    post({ type: 'ready', migration, pageCacheKiB: pageCacheKiB(db) });
  } catch (err) {
    try {
      db?.close();
    } catch {
      // already failing; the original error is the one worth reporting
    }
    post({ type: 'fatal', code: err instanceof StorageError ? err.code : null, message: errorText(err) });
    port.close();
  }
}

main();
