// A fresh database on the local MariaDB (127.0.0.1:3306, root, no password) for one MySQL
// scenario, dropped afterwards, with its own spill-journal directory.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { MysqlStorageConfig } from '../src/domain/config.js';

const SERVER = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const;

export interface BenchDatabase {
  readonly storage: MysqlStorageConfig;
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const database = `dtuhub_bench_${randomBytes(5).toString('hex')}`;
  const admin = await createConnection(SERVER);
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.end();
  const spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-spill-'));
  return {
    storage: {
      driver: 'mysql',
      ...SERVER,
      database,
      poolSize: 4,
      tls: false,
      spill: { dir: spillDir, maxSizeBytes: 8 * 2 ** 30, writeTimeoutMs: 10_000 },
    },
    async drop() {
      const c = await createConnection(SERVER);
      await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await c.end();
      rmSync(spillDir, { recursive: true, force: true });
    },
  };
}

/** The storage section of server.yml for this database. */
export function storageSection(storage: MysqlStorageConfig): Record<string, unknown> {
  const { spill, ...rest } = storage;
  return { ...rest, spill: { dir: spill.dir, maxSize: spill.maxSizeBytes, writeTimeout: spill.writeTimeoutMs } };
}
