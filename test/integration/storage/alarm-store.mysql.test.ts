// The alarm store contract on the real MariaDB (a database of its own per test; no MariaDB
// on 127.0.0.1:3306 means these tests fail).
import type { RowDataPacket } from 'mysql2/promise';
import { afterEach, describe } from 'vitest';
import { MysqlAlarmStore } from '../../../src/storage/index.js';
import { declareAlarmStoreContract } from './alarm-store-contract.js';
import { tempMysql } from './mysql-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('MySQL alarm store', () => {
  declareAlarmStoreContract(async () => {
    const t = await tempMysql();
    cleanups.push(() => t.cleanup());
    await t.open(); // migrates the schema
    const store = new MysqlAlarmStore(t.storage);
    await store.start();
    cleanups.push(() => store.close());
    return {
      store,
      rows: async () => {
        const [rows] = await t.sql.query<RowDataPacket[]>('SELECT * FROM alarms');
        return rows as Record<string, unknown>[];
      },
    };
  });
});
