// The registry store contract on the real MariaDB (a database of its own per test; no
// MariaDB on 127.0.0.1:3306 means these tests fail).
import { afterEach, describe } from 'vitest';
import { MysqlRegistryStore } from '../../../src/storage/index.js';
import { tempMysql } from './mysql-fixture.js';
import { declareRegistryStoreContract } from './registry-store-contract.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('MySQL registry store', () => {
  declareRegistryStoreContract(async () => {
    const t = await tempMysql();
    cleanups.push(() => t.cleanup());
    const history = await t.open(); // migrates the schema, as the app's history store does first
    const store = new MysqlRegistryStore(t.storage);
    await store.start();
    cleanups.push(() => store.close());
    return { store, history };
  });
});
