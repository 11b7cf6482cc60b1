// HistoryReader over a few reader threads (reader-worker.ts), each with its own read-only
// connection. better-sqlite3 is synchronous: a 30-day chart on the main thread stalled
// every poll, heartbeat and API request behind it. Here the main thread only posts the
// query and takes the rows back; every query has a time budget and may be cancelled by its
// caller, and a thread stuck in a cancelled query is terminated and replaced, so the pool
// never wedges. Queries beyond the free threads wait in a bounded queue. Threads start with
// the first query that needs one: a gateway nobody looks at pays no isolates for reading.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../log.js';
import { StorageError } from '../errors.js';
import type { HistoryReader } from '../history.js';
import type { FromReader, ReaderInit, ReaderMethod, ToReader } from './reader-protocol.js';
import { openReadConnection } from './sqlite-connection.js';
import { SqliteHistoryReader } from './sqlite-reader.js';
import { sqliteWorkerScript } from './worker-script.js';

export interface ReaderPoolOptions {
  /** Reader threads; default 2. */
  readonly threads?: number;
  /** A query still running after this is cancelled; default 10 s. */
  readonly queryTimeoutMs?: number;
  /** Queries waiting for a thread beyond this are refused; default 1000. */
  readonly maxQueued?: number;
}

export const DEFAULT_READER_THREADS = 2;
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_QUEUED_QUERIES = 1000;

interface Job {
  readonly id: number;
  readonly method: ReaderMethod;
  readonly args: unknown[];
  readonly signal: AbortSignal | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  onAbort?: () => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker | null;
  /** A thread is being started for this slot. */
  spawning: boolean;
  job: Job | null;
}

/** The `signal` of a query object, which stays on this thread (it cannot be posted). */
function splitSignal(args: unknown[]): { args: unknown[]; signal: AbortSignal | undefined } {
  const first = args[0];
  if (typeof first !== 'object' || first === null || !('signal' in first)) return { args, signal: undefined };
  const { signal, ...query } = first as { signal?: AbortSignal };
  return { args: [query, ...args.slice(1)], signal };
}

export class SqliteReaderPool implements HistoryReader {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closing = false;
  private cachedPageCacheKiB = 0;
  private readonly exits = new Set<Promise<void>>();

  constructor(
    private readonly init: ReaderInit,
    private readonly log: Logger,
    private readonly options: ReaderPoolOptions = {},
  ) {}

  /**
   * Checks that a read connection opens, as each thread will open it, and learns its page
   * cache; the threads themselves start when queries need them.
   */
  start(): Promise<void> {
    const threads = Math.max(1, this.options.threads ?? DEFAULT_READER_THREADS);
    const probe = new SqliteHistoryReader(this.init.path, { cacheBytes: this.init.cacheBytes });
    try {
      probe.open();
      this.cachedPageCacheKiB = probe.pageCacheKiB();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return Promise.reject(new StorageError('STORAGE_OPEN_FAILED', `${this.init.path}: ${message}`));
    } finally {
      probe.close();
    }
    for (let i = 0; i < threads; i++) this.slots.push({ worker: null, spawning: false, job: null });
    return Promise.resolve();
  }

  /** Reader threads running now (they start with the first queries that need them). */
  get threads(): number {
    return this.slots.reduce((n, slot) => n + (slot.worker === null ? 0 : 1), 0);
  }

  /** The read connections' page cache, KiB, as SQLite reports it. */
  pageCacheKiB(): number {
    return this.cachedPageCacheKiB;
  }

  /** The query plan SQLite picks for a reader query (tests check the indexes are used); cheap, so on this thread. */
  explain(sql: string, ...params: unknown[]): string[] {
    const db = openReadConnection(this.init.path);
    try {
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      return rows.map((r) => r.detail);
    } finally {
      db.close();
    }
  }

  devices = this.method('devices');
  device = this.method('device');
  data = this.method('data');
  series = this.method('series');
  connections = this.method('connections');
  heartbeats = this.method('heartbeats');
  rawPackets = this.method('rawPackets');
  events = this.method('events');
  counts = this.method('counts');

  close(): void {
    void this.stop();
  }

  /** Refuses new queries, fails the waiting ones and stops every thread. */
  async stop(): Promise<void> {
    this.closing = true;
    const gone = new StorageError('STORAGE_WORKER_FAILED', 'history reader is closed');
    for (const job of this.queue.splice(0)) this.settle(job, gone);
    for (const slot of this.slots) {
      const busy = slot.job !== null;
      if (slot.job) this.settle(slot.job, gone);
      slot.job = null;
      const worker = slot.worker;
      slot.worker = null;
      // An idle thread closes its connection itself; a busy one would only after its query.
      if (worker && busy) void worker.terminate();
      else worker?.postMessage({ type: 'close' } satisfies ToReader);
    }
    await Promise.all([...this.exits]);
  }

  private method<M extends ReaderMethod>(method: M): HistoryReader[M] {
    return ((...raw: unknown[]) => this.submit(method, raw)) as HistoryReader[M];
  }

  private submit(method: ReaderMethod, raw: unknown[]): Promise<unknown> {
    const { args, signal } = splitSignal(raw);
    if (this.closing) return Promise.reject(new StorageError('STORAGE_WORKER_FAILED', 'history reader is closed'));
    if (signal?.aborted) return Promise.reject(aborted());
    // Queries that a thread still to be started will take are not waiting beyond the threads.
    const starting = this.slots.reduce((n, slot) => n + (slot.worker === null ? 1 : 0), 0);
    if (this.queue.length - starting >= (this.options.maxQueued ?? DEFAULT_MAX_QUEUED_QUERIES)) {
      return Promise.reject(new StorageError('STORAGE_READ_BUSY', 'too many history queries waiting'));
    }
    return new Promise((resolve, reject) => {
      const job: Job = { id: ++this.nextId, method, args, signal, resolve, reject };
      if (signal) {
        job.onAbort = () => this.cancel(job, aborted());
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** Hands waiting queries to idle threads, starting threads while queries wait for one. */
  private pump(): void {
    let idle = 0;
    // Threads being started count as idle: they take the next waiting queries.
    for (const slot of this.slots) if ((slot.worker !== null && slot.job === null) || slot.spawning) idle++;
    for (const slot of this.slots) {
      if (this.queue.length <= idle) break;
      if (slot.worker === null && !slot.spawning) {
        idle++;
        this.respawn(slot);
      }
    }
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.worker === null || slot.job !== null) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      job.timer = setTimeout(
        () => this.cancel(job, new StorageError('STORAGE_QUERY_TIMEOUT', `history query ${job.method} timed out`)),
        this.options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
      );
      const message: ToReader = { type: 'query', id: job.id, method: job.method, args: job.args };
      slot.worker.postMessage(message);
    }
  }

  /** Gives up on a query: dropped if still waiting; if running, its thread is replaced. */
  private cancel(job: Job, err: Error): void {
    const waiting = this.queue.indexOf(job);
    if (waiting >= 0) {
      this.queue.splice(waiting, 1);
      this.settle(job, err);
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (!slot) return;
    this.settle(job, err);
    slot.job = null;
    const worker = slot.worker;
    slot.worker = null;
    if (worker) void worker.terminate();
    this.respawn(slot);
  }

  private settle(job: Job, err: Error | null, result?: unknown): void {
    if (job.timer) clearTimeout(job.timer);
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    if (err) job.reject(err);
    else job.resolve(result);
  }

  private respawn(slot: Slot): void {
    if (this.closing) return;
    this.spawn(slot).then(
      () => this.pump(),
      (err: unknown) => {
        this.log.error({ err }, 'history reader thread could not be restarted');
        // With no thread left or coming, waiting queries would wait forever: fail them.
        if (this.slots.every((s) => s.worker === null && !s.spawning)) {
          const failed = new StorageError('STORAGE_WORKER_FAILED', 'no history reader thread is running');
          for (const job of this.queue.splice(0)) this.settle(job, failed);
        }
      },
    );
  }

  private spawn(slot: Slot): Promise<void> {
    const script = sqliteWorkerScript('reader-worker');
    const worker = new Worker(script.url, { workerData: this.init, execArgv: script.execArgv });
    slot.spawning = true;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.exits.add(exited);
    void exited.then(() => this.exits.delete(exited));
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: FromReader) => {
        if (message.type === 'ready') {
          ready = true;
          slot.spawning = false;
          this.cachedPageCacheKiB = message.pageCacheKiB;
          this.log.debug({ niceness: message.niceness }, 'history reader thread ready');
          if (this.closing) void worker.terminate();
          else slot.worker = worker;
          resolve();
        } else if (message.type === 'fatal') {
          slot.spawning = false;
          reject(new StorageError('STORAGE_OPEN_FAILED', `${this.init.path}: ${message.message}`));
        } else {
          this.answer(slot, worker, message);
        }
      });
      worker.on('error', (err) => this.log.error({ err }, 'history reader thread crashed'));
      worker.once('exit', (code) => {
        if (!ready) {
          slot.spawning = false;
          reject(new StorageError('STORAGE_WORKER_FAILED', `history reader thread exited (code ${code})`));
          return;
        }
        // Terminated by cancel() or stop(): already replaced or not wanted.
        if (slot.worker !== worker) return;
        slot.worker = null;
        const job = slot.job;
        slot.job = null;
        if (job)
          this.settle(job, new StorageError('STORAGE_WORKER_FAILED', `history reader thread exited (code ${code})`));
        this.respawn(slot);
      });
    });
  }

  private answer(slot: Slot, worker: Worker, message: FromReader): void {
    const job = slot.job;
    // A reply for a query already given up on (its thread is being replaced): ignore it.
    if (slot.worker !== worker || !job || (message.type !== 'result' && message.type !== 'failed')) return;
    if (message.id !== job.id) return;
    slot.job = null;
    if (message.type === 'result') this.settle(job, null, message.result);
    else this.settle(job, new Error(message.message));
    this.pump();
  }
}

function aborted(): Error {
  return new StorageError('STORAGE_QUERY_ABORTED', 'history query cancelled by its caller');
}
