// CPU, memory and event-loop readings of the current process, taken inside each child so
// every figure belongs to one side of the benchmark. CPU time covers every thread of the
// process (the SQLite writer thread included), which is what a machine has to pay.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface ProcessSample {
  /** performance.now() at the reading. */
  readonly wallMs: number;
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  /** CPU time of the main (event-loop) thread alone; null where /proc is missing. */
  readonly mainThreadCpuUs: number | null;
  /** Bytes this process caused to be read from / written to storage (/proc/self/io); null where missing. */
  readonly diskReadBytes: number | null;
  readonly diskWriteBytes: number | null;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** Cumulative event-loop idle and active time, ms. */
  readonly loopIdleMs: number;
  readonly loopActiveMs: number;
}

/** Clock ticks per second of /proc/…/stat times (almost always 100). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * The main thread's user + system time from /proc/self/task/<pid>/stat (the main thread's
 * id is the process id). The rest of the process CPU is other threads: the SQLite writer
 * thread, V8's GC helpers, libuv's pool.
 */
function mainThreadCpuUs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1e6) / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}

function diskIo(): { read: number; write: number } | null {
  try {
    const text = readFileSync('/proc/self/io', 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1]);
    const read = field('read_bytes');
    const write = field('write_bytes');
    return Number.isFinite(read) && Number.isFinite(write) ? { read, write } : null;
  } catch {
    return null;
  }
}

/** With `collectGarbage` (needs --expose-gc), runs full collections first so heap figures are live data. */
export function sampleProcess(collectGarbage = false): ProcessSample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (collectGarbage && gc) {
    gc();
    gc();
  }
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  const loop = performance.eventLoopUtilization();
  const io = diskIo();
  return {
    wallMs: performance.now(),
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    mainThreadCpuUs: mainThreadCpuUs(),
    diskReadBytes: io?.read ?? null,
    diskWriteBytes: io?.write ?? null,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    heapTotal: mem.heapTotal,
    external: mem.external,
    arrayBuffers: mem.arrayBuffers,
    loopIdleMs: loop.idle,
    loopActiveMs: loop.active,
  };
}

export interface ProcessWindow {
  readonly seconds: number;
  /** CPU time (user + system) over wall time: 1.0 is one core fully busy. */
  readonly cpuCores: number;
  readonly cpuUs: number;
  readonly userUs: number;
  readonly systemUs: number;
  /** Cores used by the main thread alone, and by every other thread (null without /proc). */
  readonly mainThreadCores: number | null;
  readonly otherThreadsCores: number | null;
  /** Share of wall time the main event loop was busy. */
  readonly loopUtilization: number;
  /** Storage I/O of the process per second over the window (null without /proc). */
  readonly diskReadBytesPerSec: number | null;
  readonly diskWriteBytesPerSec: number | null;
  /** Readings at the end of the window. */
  readonly rss: number;
  readonly heapUsed: number;
}

export function processWindow(from: ProcessSample, to: ProcessSample): ProcessWindow {
  const seconds = (to.wallMs - from.wallMs) / 1000;
  const userUs = to.cpuUserUs - from.cpuUserUs;
  const systemUs = to.cpuSystemUs - from.cpuSystemUs;
  const active = to.loopActiveMs - from.loopActiveMs;
  const idle = to.loopIdleMs - from.loopIdleMs;
  const mainUs =
    to.mainThreadCpuUs !== null && from.mainThreadCpuUs !== null ? to.mainThreadCpuUs - from.mainThreadCpuUs : null;
  return {
    seconds,
    cpuCores: (userUs + systemUs) / 1e6 / seconds,
    cpuUs: userUs + systemUs,
    userUs,
    systemUs,
    mainThreadCores: mainUs === null ? null : mainUs / 1e6 / seconds,
    otherThreadsCores: mainUs === null ? null : (userUs + systemUs - mainUs) / 1e6 / seconds,
    loopUtilization: active + idle > 0 ? active / (active + idle) : 0,
    diskReadBytesPerSec:
      to.diskReadBytes !== null && from.diskReadBytes !== null
        ? (to.diskReadBytes - from.diskReadBytes) / seconds
        : null,
    diskWriteBytesPerSec:
      to.diskWriteBytes !== null && from.diskWriteBytes !== null
        ? (to.diskWriteBytes - from.diskWriteBytes) / seconds
        : null,
    rss: to.rss,
    heapUsed: to.heapUsed,
  };
}
