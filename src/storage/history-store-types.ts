// What the composition root holds of the history, whichever database is behind it.
import type { RetentionConfig, StorageConfig, WriteBufferConfig } from '../domain/config.js';
import type { FlushInfo } from './buffered-writer.js';
import type { HistoryReader, HistoryWriter, RetentionReport, StoreHealth } from './history.js';

export interface HistoryStore {
  readonly writer: HistoryWriter;
  readonly reader: HistoryReader;
  start(): Promise<void>;
  /** Flushes everything accepted (to the database, or to the spill journal), then closes. */
  stop(): Promise<void>;
  health(): StoreHealth;
  /** Resolves once everything accepted so far is in the database, not only on disk beside it. */
  drained(): Promise<void>;
  /** server.yml reloaded: the write buffer and `retention.recordRawPackets` apply from the next row on. */
  applyWriteBuffer(writeBuffer: WriteBufferConfig, retention: RetentionConfig): void;
  /**
   * server.yml reloaded: the ages and caps of `retention` hold from the next sweep (and, for
   * raw_packets' caps, the next commit) on; a new sweepInterval re-arms the sweep timer.
   */
  applyRetention(retention: RetentionConfig): void;
  /** Deletes what is past its retention limit now, in small chunks. */
  sweepRetention(now?: number): Promise<RetentionReport>;
}

export interface StoreConfig {
  readonly storage: StorageConfig;
  readonly writeBuffer: WriteBufferConfig;
  readonly retention: RetentionConfig;
}

export interface StoreOptions {
  /** Told about every committed batch (benchmarks measure poll-to-stored with it). */
  readonly onFlush?: (info: FlushInfo) => void;
}
