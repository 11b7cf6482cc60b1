// Shared set-up for the MySQL history tests: a fresh database on the local MariaDB per
// test file (dtuhub_test_<random>), dropped afterwards. No MariaDB means the tests fail:
// the store must be tested, not silently skipped.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import type { RetentionConfig, WriteBufferConfig } from '../../../src/domain/config.js';
import { silentLogger } from '../../../src/log.js';
import { MysqlHistory, type MysqlHistoryOptions, type MysqlStorageConfig } from '../../../src/storage/index.js';
import { KEEP_EVERYTHING } from './history-fixture.js';

const SERVER = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

export interface TempMysql {
  readonly storage: MysqlStorageConfig;
  /** A direct connection to the test database, for checking rows with plain SQL. */
  readonly sql: Connection;
  /** Constructs a store (not started) on the test database. */
  create(overrides?: {
    writeBuffer?: Partial<WriteBufferConfig>;
    retention?: Partial<RetentionConfig>;
    options?: MysqlHistoryOptions;
  }): MysqlHistory;
  open(overrides?: Parameters<TempMysql['create']>[0]): Promise<MysqlHistory>;
  /** Stops every store created here, drops the database. */
  cleanup(): Promise<void>;
}

export async function tempMysql(): Promise<TempMysql> {
  const database = `dtuhub_test_${randomBytes(6).toString('hex')}`;
  const admin = await createConnection(SERVER);
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const sql = await createConnection({ ...SERVER, database, supportBigNumbers: false });
  const spillDir = await mkdtemp(join(tmpdir(), 'dtuhub-spill-'));
  const storage: MysqlStorageConfig = {
    driver: 'mysql',
    ...SERVER,
    database,
    poolSize: 4,
    tls: false,
    spill: { dir: spillDir, maxSizeBytes: 2 ** 30, writeTimeoutMs: 10_000 },
  };
  const created: MysqlHistory[] = [];
  const create: TempMysql['create'] = (overrides = {}) => {
    const history = new MysqlHistory(
      {
        storage,
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
    created.push(history);
    return history;
  };
  return {
    storage,
    sql,
    create,
    async open(overrides) {
      const history = create(overrides);
      await history.start();
      return history;
    },
    async cleanup() {
      for (const history of created) await history.stop();
      await sql.end();
      await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await admin.end();
      await rm(spillDir, { recursive: true, force: true });
    },
  };
}
