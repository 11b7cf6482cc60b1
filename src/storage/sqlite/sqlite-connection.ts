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

/**
 * Page size of a new database file (storage.pageSize). 1 KiB, not SQLite's 4 KiB: every batch
 * dirties a leaf page per device it touches (each device appends to its own range), and WAL
 * mode writes a dirty page whole, twice (the WAL, then the file). Smaller pages halve the disk
 * bytes written per row with the same bytes per row on disk (docs/CONFIG.md, `pageSize`).
 */
export const DEFAULT_PAGE_SIZE_BYTES = 1024;

export interface ConnectionOptions {
  /** The connection's page cache (the writer: storage.cacheSize; the reader: at most 8 MiB of it); absent: SQLite's own default (2 MiB). */
  readonly cacheBytes?: number;
  /** Write connections: the page size if the file is new (SQLite keeps an existing file's); absent: DEFAULT_PAGE_SIZE_BYTES. */
  readonly pageBytes?: number;
}

export function openWriteConnection(path: string, options: ConnectionOptions = {}): SqliteDatabase {
  const db = new Database(path);
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Before WAL mode and the first table: a file's page size is fixed by then.
  db.pragma(`page_size = ${options.pageBytes ?? DEFAULT_PAGE_SIZE_BYTES}`);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives an application crash; a power cut may lose the
  // last commits but never corrupts the file. FULL would fsync on every batch.
  db.pragma('synchronous = NORMAL');
  setCacheSize(db, options);
  db.pragma('temp_store = MEMORY');
  // Checkpoints run in their own thread (checkpoint-worker.ts), beside the commits; this
  // is the backstop should that thread fall behind. The WAL file is cut back afterwards.
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  return db;
}

export function openReadConnection(path: string, options: ConnectionOptions = {}): SqliteDatabase {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  setCacheSize(db, options);
  return db;
}

/**
 * The page cache is native memory the connection keeps once filled. A hot leaf page that
 * falls out of it is still in the OS file cache: a smaller cache costs some CPU per commit,
 * not disk reads.
 */
/** The connection's page cache as SQLite reports it, in KiB (a positive cache_size counts pages). */
export function pageCacheKiB(db: SqliteDatabase): number {
  const size = db.pragma('cache_size', { simple: true }) as number;
  return size < 0 ? -size : (size * (db.pragma('page_size', { simple: true }) as number)) / 1024;
}

function setCacheSize(db: SqliteDatabase, { cacheBytes }: ConnectionOptions): void {
  // A negative cache_size is in KiB rather than pages.
  if (cacheBytes !== undefined) db.pragma(`cache_size = -${Math.ceil(cacheBytes / 1024)}`);
}
