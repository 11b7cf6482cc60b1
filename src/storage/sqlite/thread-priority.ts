// History readers yield the CPU to the gateway. On a 2-core machine a year-long chart in a
// reader thread competes with the main thread (polls, sockets) and the writer thread; at
// equal priority it added tens of milliseconds to poll-to-stored. Linux keeps a nice value
// per thread, so a reader thread can lower its own priority without touching the rest of
// the process: charts get the CPU the gateway leaves idle, which is most of it.
import { getPriority, setPriority } from 'node:os';

/** How much lower than the process a reader thread runs (CFS weight 1024 → 110 at +10). */
export const READER_NICENESS = 10;

const LOWEST_PRIORITY = 19;

/**
 * Lowers the calling thread's priority by `by` (capped at the lowest) and returns its new
 * nice value, or null where it cannot: off Linux, pid 0 names the whole process, and a
 * reader must never slow the gateway down instead.
 */
export function lowerThreadPriority(by: number): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const niceness = Math.min(LOWEST_PRIORITY, getPriority(0) + by);
    setPriority(0, niceness);
    return niceness;
  } catch {
    return null;
  }
}
