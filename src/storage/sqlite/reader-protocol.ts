// Messages between the main thread and the SQLite reader threads. Types only.
import type { HistoryReader } from '../history.js';

export interface ReaderInit {
  /** Absolute path of the database file. */
  readonly path: string;
  /** Page cache of the read connection, bytes. */
  readonly cacheBytes: number;
}

/** Every query a reader thread serves: the HistoryReader methods. */
export type ReaderMethod = Exclude<keyof HistoryReader, 'close'>;

export type ToReader =
  | { readonly type: 'query'; readonly id: number; readonly method: ReaderMethod; readonly args: unknown[] }
  | { readonly type: 'close' };

export type FromReader =
  | {
      readonly type: 'ready';
      readonly pageCacheKiB: number;
      /** The thread's nice value after lowering it; null where threads have none of their own. */
      readonly niceness: number | null;
    }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
