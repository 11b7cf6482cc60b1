// The registry in the SQLite file of the history store, on a connection of its own (WAL
// lets it write beside the history worker; busy_timeout covers the rare overlap).
import { openWriteConnection, type SqliteDatabase } from '../sqlite/sqlite-connection.js';
import { SqlRegistryStore, type RegistryParam, type RegistryRunner } from './registry-store.js';

export class SqliteRegistryStore extends SqlRegistryStore {
  private db: SqliteDatabase | null = null;

  constructor(private readonly path: string) {
    super();
  }

  async start(): Promise<void> {
    this.db ??= openWriteConnection(this.path);
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
  }

  protected upsertClause(columns: readonly string[]): string {
    return `ON CONFLICT (registration_id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  }

  protected runner(): RegistryRunner {
    const db = this.db;
    if (!db) throw new Error('the registry database is not open');
    return {
      all: async (sql: string, params: readonly RegistryParam[]) =>
        db.prepare(sql).all(...params) as Record<string, unknown>[],
      run: async (sql: string, params: readonly RegistryParam[]) => db.prepare(sql).run(...params).changes,
      atomically: async (statements) => {
        db.transaction(() => {
          for (const [sql, params] of statements) db.prepare(sql).run(...params);
        }).immediate();
      },
    };
  }
}
