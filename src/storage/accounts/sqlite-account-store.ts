// Accounts in the SQLite file of the history store, on a connection of their own (WAL mode
// lets it write beside the history worker; busy_timeout covers the rare overlap).
import { migrateSqlite } from '../sqlite/sqlite-migrate.js';
import { openWriteConnection, type SqliteDatabase } from '../sqlite/sqlite-connection.js';
import { AccountStoreUnavailableError } from './account-store-unavailable.js';
import { SqlAccountStore, type SqlParam, type SqlRunner } from './sql-account-store.js';

export class SqliteAccountStore extends SqlAccountStore {
  private db: SqliteDatabase | null = null;

  constructor(
    private readonly path: string,
    /** storage.pageSize: whichever store opens a new file first sets it. */
    private readonly pageBytes?: number,
  ) {
    super();
  }

  async open(): Promise<void> {
    if (this.db) return;
    const db = openWriteConnection(this.path, this.pageBytes !== undefined ? { pageBytes: this.pageBytes } : {});
    try {
      migrateSqlite(db, this.path);
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
  }

  protected runner(): SqlRunner {
    const db = this.db;
    if (!db) throw new AccountStoreUnavailableError('the account database is not open');
    return {
      all: async (sql: string, params: readonly SqlParam[]) =>
        db.prepare(sql).all(...params) as Record<string, unknown>[],
      run: async (sql: string, params: readonly SqlParam[]) => {
        const result = db.prepare(sql).run(...params);
        return { changes: result.changes, insertId: Number(result.lastInsertRowid) };
      },
    };
  }
}
