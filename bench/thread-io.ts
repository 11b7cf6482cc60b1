// Bytes each thread of this process caused to be written to storage (/proc/self/task/TID/io),
// so a store's writes split into the writer thread's WAL appends and the checkpointer's copies
// into the database file. Linux only: elsewhere the map is empty.
import { readdirSync, readFileSync } from 'node:fs';

export function threadWriteBytes(): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const bytes = Number(/^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/self/task/${tid}/io`, 'utf8'))?.[1]);
      if (Number.isFinite(bytes)) out.set(Number(tid), bytes);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/**
 * Threads started between two readings, oldest first (thread ids grow in creation order),
 * with what each wrote since.
 */
export function newThreads(before: Map<number, number>, after: Map<number, number>): { tid: number; bytes: number }[] {
  return [...after]
    .filter(([tid]) => !before.has(tid))
    .sort((a, b) => a[0] - b[0])
    .map(([tid, bytes]) => ({ tid, bytes }));
}
