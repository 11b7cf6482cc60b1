// Alarms in the SQLite file of the history store, on a connection of its own (WAL lets it
// write beside the history worker; busy_timeout covers the rare overlap). Alarm changes
// are rare (a rule firing or clearing, an operator's acknowledgement), never per sample.
import { openWriteConnection, type SqliteDatabase } from '../sqlite/sqlite-connection.js';
import { SqlAlarmStore, type AlarmParam, type AlarmRunner } from './alarm-store.js';

export class SqliteAlarmStore extends SqlAlarmStore {
  private db: SqliteDatabase | null = null;
  protected readonly insertIgnore = 'INSERT OR IGNORE';

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

  protected runner(): AlarmRunner {
    const db = this.db;
    if (!db) throw new Error('the alarm database is not open');
    return {
      all: async (sql: string, params: readonly AlarmParam[]) =>
        db.prepare(sql).all(...params) as Record<string, unknown>[],
      atomically: async (statements) => {
        db.transaction(() => {
          for (const [sql, params] of statements) db.prepare(sql).run(...params);
        }).immediate();
      },
    };
  }
}
