// The alarm store contract on a real SQLite file beside the history store.
import Database from 'better-sqlite3';
import { afterEach, describe } from 'vitest';
import { SqliteAlarmStore } from '../../../src/storage/index.js';
import { declareAlarmStoreContract } from './alarm-store-contract.js';
import { tempHistory } from './history-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('SQLite alarm store', () => {
  declareAlarmStoreContract(async () => {
    const temp = await tempHistory();
    cleanups.push(() => temp.cleanup());
    await temp.open(); // creates and migrates the file, as the app's history store does first
    const store = new SqliteAlarmStore(temp.path);
    await store.start();
    cleanups.push(() => store.close());
    return {
      store,
      rows: async () => {
        const db = new Database(temp.path, { readonly: true });
        try {
          return db.prepare('SELECT * FROM alarms').all() as Record<string, unknown>[];
        } finally {
          db.close();
        }
      },
    };
  });
});
