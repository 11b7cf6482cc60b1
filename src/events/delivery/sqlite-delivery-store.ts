// DeliveryStore on the history's SQLite file, through a connection of its own (WAL lets it
// write between the history worker's commits; busy_timeout waits out a commit in progress).
// The history store must have been started first: it creates and migrates the file.
import Database from 'better-sqlite3';
import { DELIVERY_SQL, insertParams, listSql, toRecord, updateParams, type DeliveryQuery, type DeliveryRecord, type DeliveryStore } from './delivery-store.js';

const BUSY_TIMEOUT_MS = 5000;

export class SqliteDeliveryStore implements DeliveryStore {
  private db: Database.Database | null = null;

  constructor(private readonly path: string) {}

  async start(): Promise<void> {
    if (this.db) return;
    const db = new Database(this.path, { fileMustExist: true });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    this.db = db;
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
  }

  async insert(record: DeliveryRecord): Promise<boolean> {
    const sql = DELIVERY_SQL.insert.replace('INSERT INTO', 'INSERT OR IGNORE INTO');
    return this.connection().prepare(sql).run(...insertParams(record)).changes === 1;
  }

  async update(record: DeliveryRecord): Promise<void> {
    this.connection().prepare(DELIVERY_SQL.update).run(...updateParams(record));
  }

  async get(id: string): Promise<DeliveryRecord | null> {
    const row = this.connection().prepare(DELIVERY_SQL.get).get(id) as Record<string, unknown> | undefined;
    return row ? toRecord(row) : null;
  }

  async pending(): Promise<DeliveryRecord[]> {
    return (this.connection().prepare(DELIVERY_SQL.pending).all() as Record<string, unknown>[]).map(toRecord);
  }

  async list(query: DeliveryQuery = {}): Promise<DeliveryRecord[]> {
    const { sql, params } = listSql(query);
    return (this.connection().prepare(sql).all(...params) as Record<string, unknown>[]).map(toRecord);
  }

  private connection(): Database.Database {
    if (!this.db) throw new Error('delivery store is closed');
    return this.db;
  }
}
