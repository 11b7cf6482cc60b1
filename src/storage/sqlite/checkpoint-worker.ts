// The SQLite checkpointer thread: copies committed pages from the WAL into the database file
// in the background, so the writer thread never does it inside a commit.
//
// Left to itself, SQLite checkpoints in the commit that crosses wal_autocheckpoint: with
// 50,000 rows/s that is a 40 MiB copy every second or two, stalling that commit (and every
// row waiting behind it) for tens of milliseconds. A PASSIVE checkpoint from another
// connection runs beside the writer instead: it takes no lock the writer needs. When it has
// copied everything, the writer's next transaction restarts the WAL from the beginning, so
// the file stays small. The writer keeps a far larger autocheckpoint as a backstop.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointerInit {
  readonly path: string;
  readonly intervalMs: number;
}

const port = parentPort!;
const init = workerData as CheckpointerInit;
const BUSY_TIMEOUT_MS = 5000;

const db = new Database(init.path, { fileMustExist: true });
db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
let failures = 0;
let lastCopied = 0;

const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    failures = 0;
    // Told only when frames were copied: the main thread counts them (health, tests).
    if (result && result.checkpointed > 0 && result.checkpointed !== lastCopied) {
      port.postMessage({ type: 'checkpointed', frames: result.checkpointed });
    }
    lastCopied = result?.checkpointed ?? 0;
  } catch (err) {
    // SQLITE_BUSY and the like: the next round tries again; say so once, not every round.
    if (failures++ === 0)
      port.postMessage({
        type: 'log',
        level: 'warn',
        msg: 'background checkpoint failed',
        data: { error: String(err) },
      });
  }
}, init.intervalMs);

port.on('message', (message: { type: string }) => {
  if (message.type !== 'close') return;
  clearInterval(timer);
  db.close();
  port.postMessage({ type: 'closed' });
  port.close();
});
port.postMessage({ type: 'ready' });
