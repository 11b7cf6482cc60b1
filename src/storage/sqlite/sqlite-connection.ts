// Opening the SQLite file the same way everywhere: one write connection (in the worker)
// and read-only connections (the reader), all in WAL mode so readers never block the
// writer and the writer never blocks readers.
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** How long a statement waits for a lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
/** A backstop only: the checkpointer thread normally copies the WAL long before this. */
const WAL_AUTOCHECKPOINT_PAGES = 50_000;
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export function openWriteConnection(path: string): SqliteDatabase {
  const db = new Database(path);
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives an application crash; a power cut may lose the
  // last commits but never corrupts the file. FULL would fsync on every batch.
  db.pragma('synchronous = NORMAL');
  // 64 MiB page cache: the leaf page of every active device stays hot between batches.
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  // Checkpoints run in their own thread (checkpoint-worker.ts), beside the commits; this
  // is the backstop should that thread fall behind. The WAL file is cut back afterwards.
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  return db;
}

export function openReadConnection(path: string): SqliteDatabase {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}
