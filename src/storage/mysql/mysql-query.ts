// One read on the MySQL pool with a time budget and cancellation, like the SQLite reader
// threads give: past the budget, or when the caller aborts (the HTTP client went away), the
// server is told to stop the statement (KILL QUERY on its thread), so a forgotten chart
// never keeps a pooled connection and the server busy.
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { StorageError } from '../errors.js';

export const MYSQL_QUERY_TIMEOUT_MS = 10_000;

export interface ReadOptions {
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number;
  readonly rowsAsArray?: boolean;
}

export async function readRows(
  pool: Pool,
  sql: string,
  params: (string | number | null)[],
  options: ReadOptions = {},
): Promise<RowDataPacket[]> {
  const { signal, timeoutMs = MYSQL_QUERY_TIMEOUT_MS } = options;
  if (signal?.aborted) throw aborted();
  const connection: PoolConnection = await pool.getConnection();
  if (signal?.aborted) {
    connection.release();
    throw aborted();
  }
  let stopped: 'timeout' | 'aborted' | null = null;
  const stop = (why: 'timeout' | 'aborted') => {
    if (stopped) return;
    stopped = why;
    // On another pooled connection: this one is busy with the statement.
    pool.query(`KILL QUERY ${Number(connection.threadId)}`).catch(() => undefined);
  };
  const timer = setTimeout(() => stop('timeout'), timeoutMs);
  const onAbort = () => stop('aborted');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const [rows] = await connection.query<RowDataPacket[]>({
      sql,
      values: params,
      rowsAsArray: options.rowsAsArray ?? false,
    });
    if (stopped) throw stopped === 'timeout' ? timedOut(timeoutMs) : aborted();
    return rows;
  } catch (err) {
    if (stopped === 'timeout') throw timedOut(timeoutMs);
    if (stopped === 'aborted') throw aborted();
    throw err;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    connection.release();
  }
}

function timedOut(ms: number): StorageError {
  return new StorageError('STORAGE_QUERY_TIMEOUT', `history query took longer than ${ms} ms and was stopped`);
}

function aborted(): StorageError {
  return new StorageError('STORAGE_QUERY_ABORTED', 'history query cancelled: its caller went away');
}
