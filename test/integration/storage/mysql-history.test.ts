import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { createPool } from 'mysql2/promise';
import { silentLogger } from '../../../src/log.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, MysqlHistory, StorageError } from '../../../src/storage/index.js';
import { MysqlBatchApplier } from '../../../src/storage/mysql/mysql-batch-applier.js';
import { WriteBatchBuilder } from '../../../src/storage/write-batch.js';
import { KEEP_EVERYTHING, online, sample, T0 } from './history-fixture.js';
import { tempMysql, type TempMysql } from './mysql-fixture.js';
import { SCHEMA_TABLES } from '../../helpers/schema.js';

const TABLES = SCHEMA_TABLES;

describe('MySQL history store', () => {
  let t: TempMysql;

  beforeEach(async () => {
    t = await tempMysql();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function select(sql: string, params: (string | number)[] = []): Promise<RowDataPacket[]> {
    const [rows] = await t.sql.query<RowDataPacket[]>(sql, params);
    return rows;
  }

  it('creates every table on first start and records the schema version', async () => {
    await t.open();
    const tables = await select(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name',
    );
    expect(tables.map((r) => r['name'] as string).sort()).toEqual(TABLES);
    const versions = await select('SELECT version, name FROM schema_version');
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(versions.at(-1)).toMatchObject({ version: LATEST_SCHEMA_VERSION });
  });

  it('starts a second time on a migrated database without applying anything', async () => {
    const first = await t.open();
    first.writer.deviceOnline(online('7001', T0));
    await first.stop();
    const before = await select('SELECT version, applied_at FROM schema_version');
    const second = await t.open();
    expect(await select('SELECT version, applied_at FROM schema_version')).toEqual(before);
    expect(await second.reader.counts()).toMatchObject({ devices: 1 });
  });

  it('refuses a database whose schema is newer than the code', async () => {
    await (await t.open()).stop();
    await t.sql.query('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)', [
      LATEST_SCHEMA_VERSION + 1,
      'future',
      T0,
    ]);
    const refused = await t
      .create()
      .start()
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(refused).toBeInstanceOf(StorageError);
    expect((refused as StorageError).code).toBe('STORAGE_SCHEMA_TOO_NEW');
  });

  it('refuses to start with STORAGE_OPEN_FAILED on wrong credentials or a missing database', async () => {
    const open = (storage: Partial<typeof t.storage>) =>
      new MysqlHistory(
        {
          storage: { ...t.storage, ...storage },
          writeBuffer: { maxRows: 10, flushIntervalMs: 1000, idleFlushDelayMs: 1000, maxPendingRows: 100_000 },
          retention: KEEP_EVERYTHING,
        },
        silentLogger(),
      ).start();
    await expect(open({ user: 'dtuhub_no_such_user', password: 'x' })).rejects.toMatchObject({
      code: 'STORAGE_OPEN_FAILED',
    });
    await expect(open({ database: `${t.storage.database}_missing` })).rejects.toThrow(/Unknown database/);
  });

  it('starts while the server cannot be reached, spilling what it is given', async () => {
    const h = new MysqlHistory(
      {
        storage: { ...t.storage, port: 1 },
        writeBuffer: { maxRows: 10, flushIntervalMs: 1000, idleFlushDelayMs: 1000, maxPendingRows: 100_000 },
        retention: KEEP_EVERYTHING,
      },
      silentLogger(),
      { replayRetryMs: { min: 60_000, max: 60_000 } },
    );
    await h.start();
    h.writer.samples([sample('7001', 'temperature', 1)]);
    await h.writer.flush();
    expect(h.health()).toMatchObject({ state: 'spilling', rowsOnDisk: 1 });
    await h.stop(); // the row stays in the journal for the next start
  });

  it('stores each sample once when the same batch is applied twice', async () => {
    await (await t.open()).stop();
    const builder = new WriteBatchBuilder();
    builder.deviceOnline(online('A', T0));
    for (let i = 0; i < 1200; i++) builder.sample(sample('A', i % 2 === 0 ? 'temperature' : 'humidity', i >> 1));
    builder.event({ id: 'ev-once', type: 'device.online', registrationId: 'A', rule: null, at: T0, payload: {} });
    const batch = builder.finish();
    const { host, port, user, password, database } = t.storage;
    const pool = createPool({ host, port, user, password, database, connectionLimit: 1 });
    try {
      const connection = await pool.getConnection();
      try {
        // A second applier: the retry may come from a process that has no cached ids.
        await new MysqlBatchApplier().apply(connection, [batch]);
        await new MysqlBatchApplier().apply(connection, [batch]);
      } finally {
        connection.release();
      }
    } finally {
      await pool.end();
    }
    expect(await select('SELECT COUNT(*) AS n FROM device_data')).toEqual([{ n: 1200 }]);
    expect(await select('SELECT COUNT(*) AS n FROM devices')).toEqual([{ n: 1 }]);
    expect(await select('SELECT COUNT(*) AS n FROM point_names')).toEqual([{ n: 2 }]);
    expect(await select('SELECT COUNT(*) AS n FROM events')).toEqual([{ n: 1 }]);
  });

  it('writes thousands of samples with a handful of multi-row statements', async () => {
    await (await t.open()).stop();
    const builder = new WriteBatchBuilder();
    for (let i = 0; i < 3000; i++) builder.sample(sample(i % 3 === 0 ? 'A' : 'B', `p${i % 10}`, i));
    builder.heartbeat({ registrationId: 'A', at: T0, ip: '198.51.100.7', port: 1 });
    const { host, port, user, password, database } = t.storage;
    const pool = createPool({ host, port, user, password, database, connectionLimit: 1 });
    let statements = 0;
    try {
      const connection = await pool.getConnection();
      const counting = new Proxy(connection, {
        get(target, key, receiver) {
          const member = Reflect.get(target, key, receiver) as unknown;
          if (key !== 'query' || typeof member !== 'function')
            return typeof member === 'function' ? member.bind(target) : member;
          return (...args: unknown[]) => {
            statements += 1;
            return (member as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      }) as PoolConnection;
      try {
        await new MysqlBatchApplier().apply(counting, [builder.finish()]);
      } finally {
        connection.release();
      }
    } finally {
      await pool.end();
    }
    expect(await select('SELECT COUNT(*) AS n FROM device_data')).toEqual([{ n: 3000 }]);
    // batch id 1; devices: select + insert + select; points: select + insert + select; heartbeats 1;
    // point_sources 1 (20 series, upserted once); samples 6 × 500; last_seen 1.
    expect(statements).toBeLessThanOrEqual(16);
  });

  it('spends no auto-increment ids on devices and point names it has already, even after a restart', async () => {
    await (await t.open()).stop();
    const { host, port, user, password, database } = t.storage;
    const pool = createPool({ host, port, user, password, database, connectionLimit: 1 });
    const apply = async (applier: MysqlBatchApplier, fill: (b: WriteBatchBuilder) => void) => {
      const builder = new WriteBatchBuilder();
      fill(builder);
      const connection = await pool.getConnection();
      try {
        await applier.apply(connection, [builder.finish()]);
      } finally {
        connection.release();
      }
    };
    try {
      // Two appliers: the second starts with empty caches, as after a restart.
      for (const applier of [new MysqlBatchApplier(), new MysqlBatchApplier()]) {
        await apply(applier, (b) => {
          b.deviceOnline(online('A', T0));
          b.sample(sample('A', 'p', 1));
        });
        await apply(applier, (b) => {
          b.deviceOnline(online('A', T0 + 1)); // a reconnect
          b.sample(sample('A', 'p', 2));
        });
      }
      await apply(new MysqlBatchApplier(), (b) => {
        b.sample(sample('B', 'p', 3));
        b.sample(sample('B', 'q', 3));
      });
    } finally {
      await pool.end();
    }
    expect(await select('SELECT id, registration_id FROM devices ORDER BY id')).toEqual([
      { id: 1, registration_id: 'A' },
      { id: 2, registration_id: 'B' },
    ]);
    expect(await select('SELECT id, name FROM point_names ORDER BY id')).toEqual([
      { id: 1, name: 'p' },
      { id: 2, name: 'q' },
    ]);
  });
});
