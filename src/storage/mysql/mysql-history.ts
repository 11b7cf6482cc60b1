// The MySQL/MariaDB history: one connection pool shared by a buffered writer and the
// reader. The writer commits through MysqlBatchSink behind a SpoolingSink, so batches the
// database cannot take go to the local spill journal and are replayed when it is back.
import { resolve } from 'node:path';
import { createPool, type Pool } from 'mysql2/promise';
import type { RetentionConfig, WriteBufferConfig } from '../../domain/config.js';
import type { Logger } from '../../log.js';
import { BufferedHistoryWriter, writerOptionsFor, type FlushInfo } from '../buffered-writer.js';
import { StorageError } from '../errors.js';
import type { HistoryReader, HistoryWriter, RetentionReport, StoreHealth } from '../history.js';
import type { HistoryStore } from '../history-store-types.js';
import { spillSegmentBytes } from '../spill/segment-size.js';
import { SpillJournal, type SpillFiles } from '../spill/spill-journal.js';
import { SpoolingSink, type ReplayInfo } from '../spill/spooling-sink.js';
import { poolOptions, type MysqlStorageConfig } from './mysql-config.js';
import { migrateMysql } from './mysql-migrate.js';
import { MysqlHistoryReader } from './mysql-reader.js';
import { MysqlRetention } from './mysql-retention.js';
import { isUnreachable } from './unreachable.js';
import { MysqlBatchSink } from './mysql-sink.js';

export interface MysqlHistoryConfig {
  readonly storage: MysqlStorageConfig;
  readonly writeBuffer: WriteBufferConfig;
  readonly retention: RetentionConfig;
}

export interface MysqlHistoryOptions {
  /** Told about every committed batch. */
  readonly onFlush?: (info: FlushInfo) => void;
  /** Delays before retrying a failed batch on the spot, before it is journaled; default [100] ms. */
  readonly retryDelaysMs?: readonly number[];
  /** Pauses between replay attempts while the database is down; default 500 ms doubling to 10 s. */
  readonly replayRetryMs?: { readonly min: number; readonly max: number };
  /** Told about every group of batches replayed from the spill journal. */
  readonly onReplay?: (info: ReplayInfo) => void;
  /** Most rows per replay transaction (benchmarks compare with 1: a record per transaction). */
  readonly replayMaxRows?: number;
  /** The spill journal's file writes (tests make the disk full with it). */
  readonly spillFiles?: SpillFiles;
}

interface Started {
  readonly pool: Pool;
  readonly writer: BufferedHistoryWriter;
  readonly reader: MysqlHistoryReader;
  readonly spool: SpoolingSink;
  readonly sink: MysqlBatchSink;
  readonly retention: MysqlRetention;
  sweepTimer: NodeJS.Timeout;
  sweepIntervalMs: number;
}

/** One quick retry on the spot (a deadlock or a dropped pooled connection); then the journal. */
const RETRY_DELAYS_MS = [100];
const SPILL_REPORT_EVERY_MS = 30_000;
/** Between retention DELETEs, so the writer's commits get the locks in between. */
const RETENTION_PAUSE_MS = 5;

export class MysqlHistory implements HistoryStore {
  private started: Started | null = null;
  private sweeping: Promise<RetentionReport> | null = null;
  private stopping = false;

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

  applyWriteBuffer(writeBuffer: WriteBufferConfig, retention: RetentionConfig): void {
    this.parts().writer.reconfigure(writerOptionsFor(writeBuffer, retention, this.options));
  }

  applyRetention(retention: RetentionConfig): void {
    const started = this.parts();
    started.retention.use(retention);
    started.sink.useRawPacketCaps(retention);
    if (retention.sweepIntervalMs !== started.sweepIntervalMs) {
      clearInterval(started.sweepTimer);
      started.sweepTimer = this.armSweeps(retention.sweepIntervalMs);
      started.sweepIntervalMs = retention.sweepIntervalMs;
    }
  }

  /** A sweep every `intervalMs` (a failed one is logged by sweepRetention; the next tick retries). */
  private armSweeps(intervalMs: number): NodeJS.Timeout {
    const timer = setInterval(() => void this.sweepRetention().catch(() => undefined), intervalMs);
    timer.unref();
    return timer;
  }

  get writer(): HistoryWriter {
    return this.parts().writer;
  }

  get reader(): HistoryReader {
    return this.parts().reader;
  }

  /**
   * Connects, migrates the schema (refusing one newer than this code), starts the writer.
   * A server that cannot be reached is not fatal: a gateway restarted by a power cut must
   * not wait for its database server to boot. The store then starts spilling, and migrates
   * before the first batch it commits. Wrong credentials, a missing database or a schema
   * too new are fatal: waiting would not fix them.
   */
  async start(): Promise<void> {
    if (this.started) return;
    const pool = createPool(poolOptions(this.config.storage));
    const schema = new SchemaGate(pool, this.config.storage.database, this.log);
    try {
      await schema.ensure();
    } catch (err) {
      if (!isUnreachable(err)) {
        await pool.end().catch(() => undefined);
        if (err instanceof StorageError) throw err;
        throw new StorageError(
          'STORAGE_OPEN_FAILED',
          `${this.where}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      this.log.warn(
        { where: this.where, error: (err as Error).message },
        'MySQL unreachable at start; spilling to the journal until it answers',
      );
    }
    const { writeBuffer, retention, storage } = this.config;
    const spill = storage.spill;
    let journal: SpillJournal;
    try {
      const opened = await SpillJournal.open(
        resolve(spill.dir),
        {
          segmentBytes: spillSegmentBytes(spill.maxSizeBytes),
          maxBytes: spill.maxSizeBytes,
          ...(this.options.spillFiles ? { files: this.options.spillFiles } : {}),
        },
        this.log,
      );
      journal = opened.journal;
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new StorageError(
        'STORAGE_OPEN_FAILED',
        `spill journal ${spill.dir}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const sink = new MysqlBatchSink(
      pool,
      this.log,
      this.options.retryDelaysMs ?? RETRY_DELAYS_MS,
      spill.writeTimeoutMs,
      () => schema.ensure(),
      this.config.retention.rawPacketsMaxRows,
      this.config.retention.rawPacketsMaxBytes,
    );
    const replay = this.options.replayRetryMs ?? { min: 500, max: 10_000 };
    const spool = new SpoolingSink(sink, journal, this.log, {
      writeTimeoutMs: spill.writeTimeoutMs,
      spillAboveRows: Math.floor(writeBuffer.maxPendingRows / 2),
      retryMinMs: replay.min,
      retryMaxMs: replay.max,
      reportEveryMs: SPILL_REPORT_EVERY_MS,
      ...(this.options.onReplay ? { onReplay: this.options.onReplay } : {}),
      ...(this.options.replayMaxRows ? { replayMaxRows: this.options.replayMaxRows } : {}),
    });
    const writer = new BufferedHistoryWriter(writerOptionsFor(writeBuffer, retention, this.options), spool, this.log);
    this.stopping = false;
    this.started = {
      pool,
      writer,
      reader: new MysqlHistoryReader(pool),
      spool,
      sink,
      retention: new MysqlRetention(pool, retention),
      sweepTimer: this.armSweeps(retention.sweepIntervalMs),
      sweepIntervalMs: retention.sweepIntervalMs,
    };
    this.log.info({ where: this.where, schemaReady: schema.ready, spill: resolve(spill.dir) }, 'history store open');
  }

  health(): StoreHealth {
    const { writer, spool } = this.parts();
    const spooled = spool.health();
    const direct = writer.sinkHealth();
    // The spool knows about spilling; the writer about batches that failed for good.
    const degraded = spooled.state === 'ok' && direct.state === 'degraded';
    return {
      driver: 'mysql',
      where: this.where,
      state: degraded ? 'degraded' : spooled.state,
      since: degraded ? direct.since : spooled.since,
      lastError: degraded ? direct.lastError : spooled.lastError,
      rowsOnDisk: spooled.rowsOnDisk,
      bytesOnDisk: spooled.bytesOnDisk,
      writer: writer.stats(),
    };
  }

  /** Runs a retention sweep now (the timer runs one every retention.sweepInterval). */
  async sweepRetention(now = Date.now()): Promise<RetentionReport> {
    const { retention } = this.parts();
    // One sweep at a time: a timer tick during a long sweep waits for it.
    while (this.sweeping) await this.sweeping.catch(() => undefined);
    const pause = () => new Promise<void>((resolve) => setTimeout(resolve, RETENTION_PAUSE_MS));
    const sweep = retention.sweep(now, pause, () => this.stopping);
    this.sweeping = sweep;
    try {
      const report = await sweep;
      const deleted = report.deviceData + report.heartbeatLog + report.connectionHistory + report.rawPackets;
      if (deleted > 0) this.log.info({ ...report }, 'retention sweep');
      return report;
    } catch (err) {
      this.log.warn({ err }, 'retention sweep failed; the next one retries');
      throw err;
    } finally {
      this.sweeping = null;
    }
  }

  /** Everything accepted is committed to MySQL: flushed, and the spill journal replayed. */
  async drained(): Promise<void> {
    const { writer, spool } = this.parts();
    await writer.flush();
    await spool.drained();
  }

  /** Flushes everything accepted, then ends the pool. */
  async stop(): Promise<void> {
    const started = this.started;
    if (!started) return;
    this.started = null;
    clearInterval(started.sweepTimer);
    this.stopping = true;
    await this.sweeping?.catch(() => undefined);
    // Batches waiting in memory for a full journal must not hold the writer's last flush.
    await started.spool.stopHolding();
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
export async function openMysqlHistory(
  config: MysqlHistoryConfig,
  log: Logger,
  options: MysqlHistoryOptions = {},
): Promise<MysqlHistory> {
  const history = new MysqlHistory(config, log, options);
  await history.start();
  return history;
}

/** Migrates once, successfully; until then every commit tries again first. */
class SchemaGate {
  ready = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly database: string,
    private readonly log: Logger,
  ) {}

  ensure(): Promise<void> {
    if (this.ready) return Promise.resolve();
    this.running ??= migrateMysql(this.pool, this.database)
      .then((migration) => {
        this.ready = true;
        if (migration.applied.length > 0)
          this.log.info({ database: this.database, ...migration }, 'database schema migrated');
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
