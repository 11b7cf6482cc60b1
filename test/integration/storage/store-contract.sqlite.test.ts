// The history store contract against the embedded SQLite store, a fresh file per test.
import Database from 'better-sqlite3';
import { sqliteStorage, tempHistory } from './history-fixture.js';
import { describeStoreContract, type SqlRow } from './store-contract.js';

describeStoreContract('sqlite', async () => {
  const temp = await tempHistory();
  return {
    storage: sqliteStorage(temp.path),
    where: temp.path,
    async rawQuery(sql) {
      // A connection of its own, as any other program reading the file would have.
      const db = new Database(temp.path, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(sql).all() as SqlRow[];
      } finally {
        db.close();
      }
    },
    cleanup: () => temp.cleanup(),
  };
});
