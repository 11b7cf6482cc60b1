// A migrated SQLite file in a fresh temp directory, driven in-process (no worker thread).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '../../../src/domain/point.js';
import { openWriteConnection, type SqliteDatabase } from '../../../src/storage/sqlite/sqlite-connection.js';
import { migrateSqlite } from '../../../src/storage/sqlite/sqlite-migrate.js';
import { WriteBatchBuilder, type WriteBatch } from '../../../src/storage/write-batch.js';

export interface TempDatabase {
  readonly db: SqliteDatabase;
  cleanup(): Promise<void>;
}

export async function tempDatabase(): Promise<TempDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'dtuhub-sqlite-'));
  const db = openWriteConnection(join(dir, 'h.db'));
  migrateSqlite(db, 'h.db');
  return {
    db,
    async cleanup() {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function batch(fill: (b: WriteBatchBuilder) => void): WriteBatch {
  const builder = new WriteBatchBuilder();
  fill(builder);
  return builder.finish();
}

export function sample(deviceId: string, point: string, ts: number, value: number | null = ts / 10): Sample {
  return { deviceId, point, slave: 1, address: 2000, value, text: null, raw: '00ff', ts, quality: 'good' };
}
