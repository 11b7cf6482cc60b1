// A SQLite reader thread: one read-only connection serving history queries one at a time,
// so a long chart or export scan blocks this thread, never the gateway's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import type { FromReader, ReaderInit, ToReader } from './reader-protocol.js';
import { SqliteHistoryReader } from './sqlite-reader.js';
import { lowerThreadPriority, READER_NICENESS } from './thread-priority.js';

const port = parentPort!;
const init = workerData as ReaderInit;

function post(message: FromReader): void {
  port.postMessage(message);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function main(): void {
  const niceness = lowerThreadPriority(READER_NICENESS);
  const reader = new SqliteHistoryReader(init.path, { cacheBytes: init.cacheBytes });
  try {
    reader.open();
  } catch (err) {
    post({ type: 'fatal', message: errorText(err) });
    port.close();
    return;
  }
  port.on('message', (message: ToReader) => {
    if (message.type === 'close') {
      reader.close();
      port.close();
      return;
    }
    const { id, method, args } = message;
    const run = reader[method] as (...a: unknown[]) => Promise<unknown>;
    run.apply(reader, args).then(
      (result) => post({ type: 'result', id, result }),
      (err: unknown) => post({ type: 'failed', id, message: errorText(err) }),
    );
  });
  post({ type: 'ready', pageCacheKiB: reader.pageCacheKiB(), niceness });
}

main();
