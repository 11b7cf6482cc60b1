// Opening the SQLite file the same way everywhere: one write connection (in the worker)
// and read-only connections (the reader), all in WAL mode so readers never block the
// writer and the writer never blocks readers.
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** How long a statement waits for a lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

export function openWriteConnection(path: string): SqliteDatabase {
  const db = new Database(path);
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives an application crash; a power cut may lose the
  // last commits but never corrupts the file. FULL would fsync on every batch.
  db.pragma('synchronous = NORMAL');
  // 64 MiB page cache: the index pages of every active device stay hot between batches.
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  return db;
}

export function openReadConnection(path: string): SqliteDatabase {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}
