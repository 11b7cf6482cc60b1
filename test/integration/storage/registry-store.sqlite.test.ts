// The registry store contract on a real SQLite file beside the history store.
import { afterEach, describe } from 'vitest';
import { SqliteRegistryStore } from '../../../src/storage/index.js';
import { tempHistory } from './history-fixture.js';
import { declareRegistryStoreContract } from './registry-store-contract.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('SQLite registry store', () => {
  declareRegistryStoreContract(async () => {
    const temp = await tempHistory();
    cleanups.push(() => temp.cleanup());
    const history = await temp.open();
    const store = new SqliteRegistryStore(temp.path);
    await store.start();
    cleanups.push(() => store.close());
    return { store, history };
  });
});
