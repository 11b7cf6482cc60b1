// Shared set-up for the SQLite history tests: a fresh temp directory per test, a config
// with small buffers, and sample/record factories.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultStorage, retentionKeepingEverything } from '../../../src/config/compile-server.js';
import type { RetentionConfig, SqliteStorageConfig, WriteBufferConfig } from '../../../src/domain/config.js';
import type { Sample } from '../../../src/domain/point.js';
import { silentLogger } from '../../../src/log.js';
import {
  openSqliteHistory,
  type DeviceUpsert,
  type HeartbeatRecord,
  type SqliteHistory,
  type SqliteHistoryOptions,
} from '../../../src/storage/index.js';

export const T0 = Date.UTC(2025, 0, 15, 8, 30, 0, 123);

export const KEEP_EVERYTHING: RetentionConfig = retentionKeepingEverything('all');

/** The compiled default SQLite storage config, at `path`. */
export function sqliteStorage(path: string): SqliteStorageConfig {
  return { ...defaultStorage(), path };
}

export interface TempHistory {
  readonly dir: string;
  readonly path: string;
  open(overrides?: {
    storage?: Partial<SqliteStorageConfig>;
    writeBuffer?: Partial<WriteBufferConfig>;
    retention?: Partial<RetentionConfig>;
    options?: SqliteHistoryOptions;
  }): Promise<SqliteHistory>;
  /** Stops every store opened here and removes the directory. */
  cleanup(): Promise<void>;
}

export async function tempHistory(): Promise<TempHistory> {
  const dir = await mkdtemp(join(tmpdir(), 'dtuhub-storage-'));
  const path = join(dir, 'nested', 'history.db');
  const opened: SqliteHistory[] = [];
  return {
    dir,
    path,
    async open(overrides = {}) {
      const history = await openSqliteHistory(
        {
          storage: { ...sqliteStorage(path), ...overrides.storage },
          writeBuffer: {
            maxRows: 1000,
            flushIntervalMs: 60_000,
            idleFlushDelayMs: 60_000,
            maxPendingRows: 100_000,
            ...overrides.writeBuffer,
          },
          retention: { ...KEEP_EVERYTHING, ...overrides.retention },
        },
        silentLogger(),
        overrides.options,
      );
      opened.push(history);
      return history;
    },
    async cleanup() {
      for (const history of opened) await history.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Sample `i` of a series. Slave and address are the point's, the same in every sample: a
 * store keeps them once per series (migration 006), as a point's configuration does.
 */
export function sample(deviceId: string, point: string, i: number, overrides: Partial<Sample> = {}): Sample {
  return {
    deviceId,
    point,
    slave: 1,
    address: 2000 + [...point].reduce((sum, c) => sum + c.charCodeAt(0), 0),
    value: i * 0.1,
    text: null,
    raw: (i & 0xffff).toString(16).padStart(4, '0'),
    ts: T0 + i,
    quality: 'good',
    ...overrides,
  };
}

/** A registration of device `registrationId` at `at`, with fixed details. */
export function online(registrationId: string, at: number, overrides: Partial<DeviceUpsert> = {}): DeviceUpsert {
  return {
    registrationId,
    profile: 'th-sensor',
    name: `Sensor ${registrationId}`,
    ip: '198.51.100.7',
    port: 40123,
    listener: 'main',
    at,
    ...overrides,
  };
}

/** A heartbeat of device `registrationId` at `at`, from the address `online()` uses. */
export function beat(registrationId: string, at: number, port = 40123): HeartbeatRecord {
  return { registrationId, at, ip: '198.51.100.7', port };
}

/** Rows without their store-assigned `id`, to compare with what was written. */
export function withoutIds<T extends { id: number }>(rows: readonly T[]): Omit<T, 'id'>[] {
  return rows.map(({ id: _id, ...rest }) => rest);
}

/** Polls `check` until it returns true (for interval-driven behaviour), or fails after `ms`. */
export async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
