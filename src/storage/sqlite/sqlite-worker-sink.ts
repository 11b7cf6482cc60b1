// Main-thread side of the SQLite writer worker: starts it, hands it batches (buffers
// transferred, not copied), and turns its replies back into promises.
import { Worker } from 'node:worker_threads';
import type { RetentionConfig } from '../../domain/config.js';
import type { Logger } from '../../log.js';
import type { BatchSink, SinkResult } from '../buffered-writer.js';
import { StorageError, type StorageErrorCode } from '../errors.js';
import type { RetentionReport } from '../history.js';
import { transferables, type WriteBatch } from '../write-batch.js';
import type { MigrationResult } from './sqlite-migrate.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';
import { sqliteWorkerScript } from './worker-script.js';

export interface WriterReady {
  readonly migration: MigrationResult;
  /** The write connection's page cache, KiB, as SQLite reports it. */
  readonly pageCacheKiB: number;
}

export class SqliteWorkerSink implements BatchSink {
  private worker: Worker | null = null;
  /** Set once the worker is gone; every later request fails fast with it. */
  private failure: string | null = null;
  private nextSeq = 0;
  private nextSweepId = 0;
  private readonly pendingWrites = new Map<number, (result: SinkResult) => void>();
  private readonly pendingSweeps = new Map<
    number,
    { resolve: (r: RetentionReport) => void; reject: (e: Error) => void }
  >();
  private closed: Promise<void> | null = null;
  private resolveClosed: (() => void) | null = null;

  constructor(
    private readonly init: WorkerInit,
    private readonly log: Logger,
  ) {}

  /** Starts the worker and waits until it has opened and migrated the database. */
  start(): Promise<WriterReady> {
    const script = sqliteWorkerScript();
    const worker = new Worker(script.url, { workerData: this.init, execArgv: script.execArgv });
    this.worker = worker;
    return new Promise<WriterReady>((resolve, reject) => {
      let started = false;
      const fail = (code: StorageErrorCode, message: string) => {
        this.stopped(message);
        if (!started) reject(new StorageError(code, message));
      };
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          started = true;
          resolve({ migration: message.migration, pageCacheKiB: message.pageCacheKiB });
        } else if (message.type === 'fatal') {
          fail(
            (message.code as StorageErrorCode | null) ?? 'STORAGE_OPEN_FAILED',
            `${this.init.path}: ${message.message}`,
          );
        } else {
          this.receive(message);
        }
      });
      worker.on('error', (err) => {
        this.log.error({ err }, 'history writer thread crashed');
        fail('STORAGE_WORKER_FAILED', `history writer thread crashed: ${err.message}`);
      });
      worker.on('exit', (code) => {
        this.resolveClosed?.();
        if (this.failure === null) {
          if (this.closed === null) this.log.error({ code }, 'history writer thread exited unexpectedly');
          fail('STORAGE_WORKER_FAILED', `history writer thread exited (code ${code})`);
        }
      });
    });
  }

  write(batch: WriteBatch): Promise<SinkResult> {
    if (this.failure !== null || this.worker === null) {
      return Promise.resolve({ ok: false, failedAttempts: 0, error: this.failure ?? 'not started' });
    }
    const seq = ++this.nextSeq;
    const message: ToWorker = { type: 'batch', seq, batch };
    return new Promise((resolve) => {
      this.pendingWrites.set(seq, resolve);
      this.worker!.postMessage(message, transferables(batch));
    });
  }

  /** Runs a retention sweep now (the worker also runs one every sweepIntervalMs). */
  sweep(now = Date.now()): Promise<RetentionReport> {
    if (this.failure !== null || this.worker === null) {
      return Promise.reject(new StorageError('STORAGE_WORKER_FAILED', this.failure ?? 'not started'));
    }
    const id = ++this.nextSweepId;
    const message: ToWorker = { type: 'sweep', id, now };
    return new Promise((resolve, reject) => {
      this.pendingSweeps.set(id, { resolve, reject });
      this.worker!.postMessage(message);
    });
  }

  /**
   * server.yml reloaded: the worker's next sweep and commit keep to `retention`, and a new
   * sweepInterval re-arms its timer. Messages arrive in order, so a sweep asked for after
   * this call already uses it.
   */
  useRetention(retention: RetentionConfig): void {
    if (this.failure !== null || this.worker === null) return;
    const message: ToWorker = { type: 'retention', retention };
    this.worker.postMessage(message);
  }

  /** Asks the worker to finish queued batches, close the database and exit. */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    const worker = this.worker;
    this.closed = new Promise<void>((resolve) => {
      this.resolveClosed = resolve;
    });
    if (worker === null || this.failure !== null) {
      this.resolveClosed?.();
    } else {
      const message: ToWorker = { type: 'close' };
      worker.postMessage(message);
    }
    return this.closed;
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'written': {
        const resolve = this.pendingWrites.get(message.seq);
        this.pendingWrites.delete(message.seq);
        const result: SinkResult = { ok: message.ok, failedAttempts: message.failedAttempts, writeMs: message.writeMs };
        resolve?.(message.error === undefined ? result : { ...result, error: message.error });
        break;
      }
      case 'swept': {
        const pending = this.pendingSweeps.get(message.id);
        this.pendingSweeps.delete(message.id);
        if (message.report) pending?.resolve(message.report);
        else pending?.reject(new StorageError('STORAGE_WORKER_FAILED', message.error ?? 'retention sweep failed'));
        break;
      }
      case 'log':
        this.log[message.level](message.data, message.msg);
        break;
      case 'closed':
        this.stopped('history store is closed');
        break;
      default:
        break;
    }
  }

  /** The worker is gone: settle everything still waiting on it. */
  private stopped(reason: string): void {
    if (this.failure === null) this.failure = reason;
    this.worker = null;
    for (const resolve of this.pendingWrites.values()) resolve({ ok: false, failedAttempts: 0, error: reason });
    this.pendingWrites.clear();
    for (const { reject } of this.pendingSweeps.values()) reject(new StorageError('STORAGE_WORKER_FAILED', reason));
    this.pendingSweeps.clear();
  }
}
