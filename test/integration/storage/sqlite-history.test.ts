import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { silentLogger } from '../../../src/log.js';
import { LATEST_SCHEMA_VERSION, openSqliteHistory, StorageError } from '../../../src/storage/index.js';
import { dataQuerySql } from '../../../src/storage/sqlite/sqlite-reader.js';
import {
  eventually,
  KEEP_EVERYTHING,
  sample,
  sqliteStorage,
  T0,
  tempHistory,
  type TempHistory,
} from './history-fixture.js';

describe('SQLite history store', () => {
  let t: TempHistory;

  beforeEach(async () => {
    t = await tempHistory();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('copies the WAL into the database file from its own thread, and keeps the WAL small', async () => {
    const h = await t.open({ writeBuffer: { maxRows: 2000 } });
    for (let round = 0; round < 20; round++) {
      h.writer.samples(Array.from({ length: 2000 }, (_, i) => sample(`D${i % 100}`, `p${i % 20}`, round * 2000 + i)));
      await h.writer.flush();
    }
    await eventually(async () => h.backgroundCheckpoints > 0);
    await h.stop();
    // Closed cleanly: everything is in the database file and the WAL is gone.
    expect(existsSync(`${t.path}-wal`)).toBe(false);
    const db = new Database(t.path, { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) FROM device_data').pluck().get()).toBe(40_000);
    } finally {
      db.close();
    }
  });

  it('gives the writer the page cache of storage.cacheSize (32 MiB by default) and the reader at most 8 MiB of it', async () => {
    const small = await t.open({ storage: { cacheSizeBytes: 4 * 2 ** 20 } });
    expect(small.pageCacheKiB).toEqual({ writer: 4096, reader: 4096 });
    await small.stop();
    const byDefault = await t.open();
    expect(byDefault.pageCacheKiB).toEqual({ writer: 32_768, reader: 8192 });
  });

  it("creates a new file with pages of storage.pageSize (1 KiB by default), and keeps an existing file's", async () => {
    const pageSize = () => {
      const db = new Database(t.path, { readonly: true });
      try {
        return db.pragma('page_size', { simple: true });
      } finally {
        db.close();
      }
    };
    await (await t.open()).stop();
    expect(pageSize()).toBe(1024);
    await (await t.open({ storage: { pageSizeBytes: 4096 } })).stop();
    expect(pageSize()).toBe(1024);
    await t.cleanup();
    t = await tempHistory();
    const h = await t.open({ storage: { pageSizeBytes: 4096 } });
    h.writer.samples([sample('A', 'temperature', 0)]);
    await h.stop();
    expect(pageSize()).toBe(4096);
  });

  it('creates the database directory and file on first open', async () => {
    await t.open();
    expect(existsSync(t.path)).toBe(true);
  });

  it('keeps the rows of each device together in time order even when devices interleave', async () => {
    const h = await t.open();
    for (let i = 0; i < 5; i++) h.writer.samples([sample('A', 'temperature', i), sample('B', 'temperature', i)]);
    await h.writer.flush();
    await h.stop();
    // A plain scan of a WITHOUT ROWID table returns the rows as stored: in key order.
    const db = new Database(t.path, { readonly: true });
    const names = new Map(db.prepare('SELECT id, registration_id FROM devices').raw().all() as [number, string][]);
    const stored = db.prepare('SELECT device_id, received_at FROM device_data').raw().all() as [number, number][];
    db.close();
    expect(stored.map(([device, ts]) => `${names.get(device)}${ts - T0}`)).toEqual([
      'A0',
      'A1',
      'A2',
      'A3',
      'A4',
      'B0',
      'B1',
      'B2',
      'B3',
      'B4',
    ]);
  });

  it('sweeps on its own every sweepIntervalMs', async () => {
    const h = await t.open({ retention: { deviceDataMs: 60_000, sweepIntervalMs: 50 } });
    h.writer.samples([
      sample('A', 'temperature', 0, { ts: Date.now() - 120_000 }),
      sample('A', 'temperature', 1, { ts: Date.now() }),
    ]);
    await h.writer.flush();
    await eventually(async () => (await h.reader.counts()).deviceData === 1);
  });

  it('gives up on a batch that keeps failing without losing the batches around it', async () => {
    const h = await t.open({ writeBuffer: { maxRows: 10, flushIntervalMs: 60_000 } });
    const bad = { registrationId: 'A', event: null, ip: '10.0.0.1', port: 1, listener: 'main', details: null, at: T0 };
    h.writer.samples(Array.from({ length: 10 }, (_, i) => sample('A', 'temperature', i)));
    h.writer.connection(bad as never); // NOT NULL violation: this batch can never commit
    h.writer.samples(Array.from({ length: 9 }, (_, i) => sample('A', 'humidity', i)));
    h.writer.samples(Array.from({ length: 10 }, (_, i) => sample('A', 'pressure', i)));
    await h.writer.flush();

    expect(await h.reader.counts()).toMatchObject({ deviceData: 20, connectionHistory: 0 });
    expect((await h.reader.data({ registrationId: 'A', point: 'humidity' })).length).toBe(0);
    expect(h.writer.stats()).toMatchObject({ rowsWritten: 20, rowsDropped: 10, failures: 3, rowsBuffered: 0 });
  });

  it('serves the data queries from a range of the primary key without sorting', async () => {
    const h = await t.open();
    for (const direction of ['ASC', 'DESC'] as const) {
      const byDevice = h.reader.explain(dataQuerySql(false, direction), 1, 0, 0, 1, 0, 10).join(' | ');
      const byPoint = h.reader.explain(dataQuerySql(true, direction), 1, 0, 0, 1, 0, 1, 10).join(' | ');
      for (const plan of [byDevice, byPoint]) {
        expect(plan).toMatch(
          /SEARCH x USING PRIMARY KEY \(device_id=\? AND \(received_at,point_id\)>\(\?,\?\) AND \(received_at,point_id\)<\(\?,\?\)\)/,
        );
        expect(plan).toMatch(/SEARCH p USING INTEGER PRIMARY KEY \(rowid=\?\)/);
        expect(plan).not.toContain('TEMP B-TREE');
      }
    }
  });

  it('refuses a database whose schema is newer than the code knows', async () => {
    const h = await t.open();
    await h.stop();
    const db = new Database(t.path);
    db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(
      LATEST_SCHEMA_VERSION + 1,
      'future',
      Date.now(),
    );
    db.close();

    const opening = t.open();
    await expect(opening).rejects.toBeInstanceOf(StorageError);
    await expect(opening).rejects.toMatchObject({ code: 'STORAGE_SCHEMA_TOO_NEW' });
    await expect(opening).rejects.toThrow(/newer than this dtuhub knows/);
  });

  it('refuses an in-memory database path with a clear error', async () => {
    const opening = openSqliteHistory(
      {
        storage: sqliteStorage(':memory:'),
        writeBuffer: { maxRows: 10, flushIntervalMs: 10, idleFlushDelayMs: 10, maxPendingRows: 100 },
        retention: KEEP_EVERYTHING,
      },
      silentLogger(),
    );
    await expect(opening).rejects.toMatchObject({ code: 'STORAGE_UNSUPPORTED_PATH' });
  });
});
