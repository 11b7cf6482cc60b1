// DeliveryStore on the history's SQLite file, through a connection of its own on the main
// thread. WAL lets it read while the history worker writes. It must never wait for the
// worker's write lock (better-sqlite3 would block the event loop, and with it polling), so
// busy_timeout is 0: a save that meets a commit in progress fails at once with
// StoreBusyError and the queue saves again a moment later. Checkpoints are left to the
// history worker (wal_autocheckpoint 0 here), so a save is a small append to the WAL.
// The history store must have been started first: it creates and migrates the file.
import Database from 'better-sqlite3';
import {
  DELIVERY_SQL,
  insertParams,
  listSql,
  StoreBusyError,
  toRecord,
  updateParams,
  type DeliveryQuery,
  type DeliveryRecord,
  type DeliveryStore,
} from './delivery-store.js';

/** Reads only meet a lock during WAL recovery or a checkpoint restart: brief. */
const READ_ATTEMPTS = 20;
const READ_RETRY_MS = 10;

export class SqliteDeliveryStore implements DeliveryStore {
  private db: Database.Database | null = null;
  private saveAll: Database.Transaction<(records: readonly DeliveryRecord[]) => void> | null = null;

  constructor(private readonly path: string) {}

  async start(): Promise<void> {
    if (this.db) return;
    const db = new Database(this.path, { fileMustExist: true, timeout: 0 });
    db.pragma('busy_timeout = 0');
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    const insert = db.prepare(DELIVERY_SQL.insert.replace('INSERT IGNORE INTO', 'INSERT OR IGNORE INTO'));
    const update = db.prepare(DELIVERY_SQL.update);
    this.saveAll = db.transaction((records: readonly DeliveryRecord[]) => {
      for (const r of records) {
        if (insert.run(...insertParams(r)).changes === 0) update.run(...updateParams(r));
      }
    });
    this.db = db;
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
    this.saveAll = null;
  }

  async save(records: readonly DeliveryRecord[]): Promise<void> {
    this.connection();
    try {
      // IMMEDIATE: fail at the start if the worker holds the lock, not half-way through.
      this.saveAll!.immediate(records);
    } catch (err) {
      if (isBusy(err)) throw new StoreBusyError('the history writer holds the database lock');
      throw err;
    }
  }

  async get(id: string): Promise<DeliveryRecord | null> {
    const row = await this.read(
      () => this.connection().prepare(DELIVERY_SQL.get).get(id) as Record<string, unknown> | undefined,
    );
    return row ? toRecord(row) : null;
  }

  async pending(): Promise<DeliveryRecord[]> {
    const rows = await this.read(
      () => this.connection().prepare(DELIVERY_SQL.pending).all() as Record<string, unknown>[],
    );
    return rows.map(toRecord);
  }

  async list(query: DeliveryQuery = {}): Promise<DeliveryRecord[]> {
    const { sql, params } = listSql(query);
    const rows = await this.read(
      () =>
        this.connection()
          .prepare(sql)
          .all(...params) as Record<string, unknown>[],
    );
    return rows.map(toRecord);
  }

  private async read<T>(query: () => T): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return query();
      } catch (err) {
        if (!isBusy(err) || attempt >= READ_ATTEMPTS) throw err;
        await new Promise((resolve) => setTimeout(resolve, READ_RETRY_MS));
      }
    }
  }

  private connection(): Database.Database {
    if (!this.db) throw new Error('delivery store is closed');
    return this.db;
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED';
}
