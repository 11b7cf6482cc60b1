// Messages between the main thread and the SQLite writer worker. Types only.
import type { RetentionConfig } from '../../domain/config.js';
import type { RetentionReport } from '../history.js';
import type { WriteBatch } from '../write-batch.js';
import type { MigrationResult } from './sqlite-migrate.js';

export interface WorkerInit {
  /** Absolute path of the database file. */
  readonly path: string;
  /** Page cache of the write connection, bytes. */
  readonly cacheBytes: number;
  /** storage.pageSize: for a new file only. */
  readonly pageBytes?: number;
  readonly retention: RetentionConfig;
}

export type ToWorker =
  | { readonly type: 'batch'; readonly seq: number; readonly batch: WriteBatch }
  | { readonly type: 'sweep'; readonly id: number; readonly now: number }
  /** server.yml reloaded: the next sweep and commit use these limits; a new sweepInterval re-arms the timer. */
  | { readonly type: 'retention'; readonly retention: RetentionConfig }
  | { readonly type: 'close' };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type FromWorker =
  | { readonly type: 'ready'; readonly migration: MigrationResult; readonly pageCacheKiB: number }
  | { readonly type: 'fatal'; readonly code: string | null; readonly message: string }
  | {
      readonly type: 'written';
      readonly seq: number;
      readonly ok: boolean;
      readonly failedAttempts: number;
      readonly writeMs: number;
      readonly error?: string;
    }
  | { readonly type: 'swept'; readonly id: number; readonly report: RetentionReport | null; readonly error?: string }
  | { readonly type: 'log'; readonly level: LogLevel; readonly msg: string; readonly data: Record<string, unknown> }
  | { readonly type: 'closed' };
