// The MySQL/MariaDB history: one connection pool shared by a buffered writer (commits
// through MysqlBatchSink) and the reader. Same shape and lifecycle as SqliteHistory.
import { createPool, type Pool } from 'mysql2/promise';
import type { RetentionConfig, WriteBufferConfig } from '../../domain/config.js';
import type { Logger } from '../../log.js';
import { BufferedHistoryWriter, writerOptionsFor, type FlushInfo } from '../buffered-writer.js';
import { StorageError } from '../errors.js';
import type { HistoryReader, HistoryWriter } from '../history.js';
import { poolOptions, type MysqlStorageConfig } from './mysql-config.js';
import { migrateMysql } from './mysql-migrate.js';
import { MysqlHistoryReader } from './mysql-reader.js';
import { MysqlBatchSink } from './mysql-sink.js';

export interface MysqlHistoryConfig {
  readonly storage: MysqlStorageConfig;
  readonly writeBuffer: WriteBufferConfig;
  readonly retention: RetentionConfig;
}

export interface MysqlHistoryOptions {
  /** Backlog cap in rows; default max(20 × writeBuffer.maxRows, 100,000). */
  readonly maxPendingRows?: number;
  /** Told about every committed batch. */
  readonly onFlush?: (info: FlushInfo) => void;
  /** Delays before retrying a failed batch; default [100, 1000] ms. */
  readonly retryDelaysMs?: readonly number[];
}

interface Started {
  readonly pool: Pool;
  readonly writer: BufferedHistoryWriter;
  readonly reader: MysqlHistoryReader;
}

export class MysqlHistory {
  private started: Started | null = null;

  constructor(
    private readonly config: MysqlHistoryConfig,
    private readonly log: Logger,
    private readonly options: MysqlHistoryOptions = {},
  ) {}

  /** host:port/database, for logs and errors (never the password). */
  get where(): string {
    const { host, port, database } = this.config.storage;
    return `mysql://${host}:${port}/${database}`;
  }

  get writer(): HistoryWriter {
    return this.parts().writer;
  }

  get reader(): HistoryReader {
    return this.parts().reader;
  }

  /** Connects, migrates the schema (refusing one newer than this code), starts the writer. */
  async start(): Promise<void> {
    if (this.started) return;
    const pool = createPool(poolOptions(this.config.storage));
    let migration;
    try {
      migration = await migrateMysql(pool, this.config.storage.database);
    } catch (err) {
      await pool.end().catch(() => undefined);
      if (err instanceof StorageError) throw err;
      throw new StorageError('STORAGE_OPEN_FAILED', `${this.where}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (migration.applied.length > 0) this.log.info({ where: this.where, ...migration }, 'database schema migrated');
    const { writeBuffer, retention } = this.config;
    const sink = new MysqlBatchSink(pool, this.log, this.options.retryDelaysMs);
    const writer = new BufferedHistoryWriter(writerOptionsFor(writeBuffer, retention, this.options), sink, this.log);
    this.started = { pool, writer, reader: new MysqlHistoryReader(pool) };
    this.log.info({ where: this.where, schemaVersion: migration.to }, 'history store open');
  }

  /** Flushes everything accepted, then ends the pool. */
  async stop(): Promise<void> {
    const started = this.started;
    if (!started) return;
    this.started = null;
    await started.writer.close();
    started.reader.close();
    await started.pool.end();
  }

  private parts(): Started {
    if (!this.started) throw new Error('history store is not started');
    return this.started;
  }
}

/** Opens (migrating if needed) the MySQL history described by `config`. */
export async function openMysqlHistory(config: MysqlHistoryConfig, log: Logger, options: MysqlHistoryOptions = {}): Promise<MysqlHistory> {
  const history = new MysqlHistory(config, log, options);
  await history.start();
  return history;
}
