// The embedded SQLite history: a writer thread that owns the write connection, a buffered
// writer in front of it, and a pool of reader threads (read-only connections) for queries.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { RetentionConfig, SqliteStorageConfig, WriteBufferConfig } from '../../domain/config.js';
import type { Logger } from '../../log.js';
import { BufferedHistoryWriter, writerOptionsFor, type FlushInfo } from '../buffered-writer.js';
import { StorageError } from '../errors.js';
import type { HistoryReader, HistoryWriter, RetentionReport, StoreHealth } from '../history.js';
import type { HistoryStore } from '../history-store-types.js';
import { Checkpointer } from './checkpointer.js';
import { SqliteReaderPool, type ReaderPoolOptions } from './sqlite-reader-pool.js';
import { SqliteWorkerSink } from './sqlite-worker-sink.js';

/**
 * The reader's page cache is at most this, whatever storage.cacheSize says. The writer's
 * cache holds each device's hot leaf page between polls; the reader's queries (charts,
 * exports) walk a range once, so a large cache only keeps what the OS file cache already
 * has, and an export of a million rows would fill all of it for nothing (RSS).
 */
export const MAX_READER_CACHE_BYTES = 8 * 2 ** 20;

export interface HistoryConfig {
  readonly storage: SqliteStorageConfig;
  readonly writeBuffer: WriteBufferConfig;
  readonly retention: RetentionConfig;
}

export interface SqliteHistoryOptions {
  /** Told about every committed batch. */
  readonly onFlush?: (info: FlushInfo) => void;
  /** Reader threads, query time budget, queue bound (defaults: 2, 10 s, 1000). */
  readonly readers?: ReaderPoolOptions;
}

// No spill journal here: the database is a local file, so whatever would make it fail (a
// full or failing disk) would fail a journal beside it too. The writer thread retries and
// the backlog cap bounds memory; see docs/ARCHITECTURE.md.
interface Started {
  readonly writer: BufferedHistoryWriter;
  readonly reader: SqliteReaderPool;
  readonly sink: SqliteWorkerSink;
  readonly checkpointer: Checkpointer;
  readonly writerPageCacheKiB: number;
}

export class SqliteHistory implements HistoryStore {
  private started: Started | null = null;

  constructor(
    private readonly config: HistoryConfig,
    private readonly log: Logger,
    private readonly options: SqliteHistoryOptions = {},
  ) {}

  /** Absolute path of the database file. */
  get path(): string {
    return resolve(this.config.storage.path);
  }

  applyWriteBuffer(writeBuffer: WriteBufferConfig, retention: RetentionConfig): void {
    this.parts().writer.reconfigure(writerOptionsFor(writeBuffer, retention, this.options));
  }

  applyRetention(retention: RetentionConfig): void {
    this.parts().sink.useRetention(retention);
  }

  get writer(): HistoryWriter {
    return this.parts().writer;
  }

  get reader(): HistoryReader & { explain(sql: string, ...params: unknown[]): string[]; readonly threads: number } {
    return this.parts().reader;
  }

  /** Creates the directory if needed, opens and migrates the database, starts the writer thread. */
  async start(): Promise<void> {
    if (this.started) return;
    const raw = this.config.storage.path;
    if (raw.trim() === '' || raw === ':memory:' || raw.startsWith('file:')) {
      // The reader needs its own connection to the same file, which an in-memory database cannot give.
      throw new StorageError('STORAGE_UNSUPPORTED_PATH', `storage.path must be a file path, got "${raw}"`);
    }
    const path = this.path;
    await mkdir(dirname(path), { recursive: true });
    const { cacheSizeBytes: cacheBytes, pageSizeBytes } = this.config.storage;
    const pageBytes = pageSizeBytes !== undefined ? { pageBytes: pageSizeBytes } : {};
    const sink = new SqliteWorkerSink({ path, cacheBytes, ...pageBytes, retention: this.config.retention }, this.log);
    const { migration, pageCacheKiB } = await sink.start();
    if (migration.applied.length > 0) this.log.info({ path, ...migration }, 'database schema migrated');
    const readerInit = { path, cacheBytes: Math.min(cacheBytes, MAX_READER_CACHE_BYTES) };
    const reader = new SqliteReaderPool(readerInit, this.log, this.options.readers);
    try {
      await reader.start();
    } catch (err) {
      await sink.close();
      throw err;
    }
    const checkpointer = new Checkpointer(path, this.log);
    await checkpointer.start();
    const { writeBuffer, retention } = this.config;
    const writer = new BufferedHistoryWriter(writerOptionsFor(writeBuffer, retention, this.options), sink, this.log);
    this.started = { writer, reader, sink, checkpointer, writerPageCacheKiB: pageCacheKiB };
    this.log.info({ path, schemaVersion: migration.to, pageCacheKiB }, 'history store open');
  }

  /** Closes the reader, flushes everything accepted and stops the writer thread. */
  async stop(): Promise<void> {
    const started = this.started;
    if (!started) return;
    this.started = null;
    // The checkpointer and the reader first: the writer, closing last, checkpoints and
    // removes the WAL (not while another connection still has it open).
    await started.checkpointer.stop();
    await started.reader.stop();
    await started.writer.close();
  }

  health(): StoreHealth {
    const { writer } = this.parts();
    return {
      driver: 'sqlite',
      where: this.path,
      ...writer.sinkHealth(),
      rowsOnDisk: 0,
      bytesOnDisk: 0,
      writer: writer.stats(),
    };
  }

  /** Page cache of the write connection (storage.cacheSize) and the read one (at most 8 MiB), KiB, as SQLite reports them. */
  get pageCacheKiB(): { readonly writer: number; readonly reader: number } {
    const { writerPageCacheKiB, reader } = this.parts();
    return { writer: writerPageCacheKiB, reader: reader.pageCacheKiB() };
  }

  /** Background checkpoints that copied the WAL into the database file so far. */
  get backgroundCheckpoints(): number {
    return this.parts().checkpointer.checkpoints;
  }

  /** Everything accepted is committed: SQLite has no journal to drain. */
  async drained(): Promise<void> {
    await this.parts().writer.flush();
  }

  /** Runs a retention sweep now instead of waiting for the next sweepIntervalMs. */
  sweepRetention(now = Date.now()): Promise<RetentionReport> {
    return this.parts().sink.sweep(now);
  }

  private parts(): Started {
    if (!this.started) throw new Error('history store is not started');
    return this.started;
  }
}

/** Opens (creating and migrating if needed) the SQLite history described by `config`. */
export async function openSqliteHistory(
  config: HistoryConfig,
  log: Logger,
  options: SqliteHistoryOptions = {},
): Promise<SqliteHistory> {
  const history = new SqliteHistory(config, log, options);
  await history.start();
  return history;
}
