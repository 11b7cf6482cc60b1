// A small store's own connection to the history's SQLite file: WAL lets it write beside the
// history worker, and busy_timeout covers the rare overlap (registry edits, alarm changes).
import { openWriteConnection, type SqliteDatabase } from '../sqlite/sqlite-connection.js';
import type { SqlParam, StatementDatabase, StatementRunner } from './statement-database.js';

export class SqliteStatements implements StatementDatabase {
  private db: SqliteDatabase | null = null;

  constructor(
    private readonly path: string,
    /** What the store keeps, for the error when it is used closed. */
    private readonly what: string,
  ) {}

  async start(): Promise<void> {
    this.db ??= openWriteConnection(this.path);
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
  }

  runner(): StatementRunner {
    const db = this.db;
    if (!db) throw new Error(`the ${this.what} database is not open`);
    return {
      all: async (sql: string, params: readonly SqlParam[]) =>
        db.prepare(sql).all(...params) as Record<string, unknown>[],
      run: async (sql: string, params: readonly SqlParam[]) => db.prepare(sql).run(...params).changes,
      atomically: async (statements) => {
        db.transaction(() => {
          for (const [sql, params] of statements) db.prepare(sql).run(...params);
        }).immediate();
      },
    };
  }
}
