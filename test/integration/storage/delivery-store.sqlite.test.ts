// DeliveryStore contract on SQLite: its own connection to a migrated history file.
import { afterEach, describe } from 'vitest';
import { SqliteDeliveryStore, SqliteHistory } from '../../../src/storage/index.js';
import { silentLogger } from '../../../src/log.js';
import { KEEP_EVERYTHING, sqliteStorage, tempHistory } from './history-fixture.js';
import { declareDeliveryStoreContract } from './delivery-store-contract.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('SQLite delivery store', () => {
  declareDeliveryStoreContract(async () => {
    const temp = await tempHistory();
    cleanups.push(() => temp.cleanup());
    const writeBuffer = { maxRows: 1000, flushIntervalMs: 1000, idleFlushDelayMs: 20, maxPendingRows: 10_000 };
    const history = new SqliteHistory(
      { storage: sqliteStorage(temp.path), writeBuffer, retention: KEEP_EVERYTHING },
      silentLogger(),
    );
    await history.start();
    cleanups.push(() => history.stop());
    const store = new SqliteDeliveryStore(temp.path);
    await store.start();
    cleanups.push(() => store.close());
    return store;
  });
});
