// Watches the process it runs in over a window: event-loop delay (perf_hooks'
// monitorEventLoopDelay, whose samples are the time between two runs of a 10 ms timer, so an
// idle loop reads about 10 ms), resident memory (sampled every 250 ms for its peak) and CPU
// time. A control thread with nothing to do measures its own loop the same way: what it reads
// beyond 10 ms is the machine's (other processes taking the CPU), not the server's.
// On a loaded machine the control thread, asleep between its timers, is woken first; a busy
// main thread waits its turn instead. Linux tells how long it waited (runnable, not running).
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

export interface LoopDelay {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export interface LoopWatchResult {
  readonly loopDelayMs: LoopDelay;
  /** The idle control thread's loop over the same window. */
  readonly controlDelayMs: LoopDelay;
  readonly samples: number;
  readonly rssStartBytes: number;
  readonly rssPeakBytes: number;
  readonly rssEndBytes: number;
  /** CPU time of the whole process (every thread) over the window, ms. */
  readonly cpuMs: number;
  readonly elapsedMs: number;
  /** The main thread's time on a CPU and waiting for one over the window, ms (Linux only). */
  readonly mainThread?: { readonly runMs: number; readonly waitMs: number } | null;
}

/** This thread's time on a CPU and waiting for one so far, ns (null where /proc has no schedstat). */
function schedstat(): { run: number; wait: number } | null {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return run !== undefined && wait !== undefined ? { run, wait } : null;
  } catch {
    return null;
  }
}

const RESOLUTION_MS = 10;
const RSS_EVERY_MS = 250;

function summary(h: IntervalHistogram): LoopDelay {
  const ms = (ns: number) => ns / 1e6;
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) };
}

/** The control thread: plain JavaScript, so it runs from the sources under test as from dist. */
const CONTROL = `
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { parentPort } = require('node:worker_threads');
const h = monitorEventLoopDelay({ resolution: ${RESOLUTION_MS} });
h.enable();
parentPort.once('message', () => {
  h.disable();
  const ms = (ns) => ns / 1e6;
  parentPort.postMessage({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) });
  parentPort.close();
});
`;

export function watchLoop(): { stop(): Promise<LoopWatchResult> } {
  const control = new Worker(CONTROL, { eval: true });
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const rssStartBytes = process.memoryUsage.rss();
  const cpu = process.cpuUsage();
  const sched = schedstat();
  const started = performance.now();
  let rssPeakBytes = rssStartBytes;
  const rssTimer = setInterval(() => {
    rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss());
  }, RSS_EVERY_MS);
  histogram.enable();
  return {
    async stop() {
      histogram.disable();
      clearInterval(rssTimer);
      const rssEndBytes = process.memoryUsage.rss();
      const cpuMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(cpu));
      const elapsedMs = performance.now() - started;
      const schedEnd = schedstat();
      const mainThread =
        sched && schedEnd
          ? { runMs: (schedEnd.run - sched.run) / 1e6, waitMs: (schedEnd.wait - sched.wait) / 1e6 }
          : null;
      const controlDelayMs = await new Promise<LoopDelay>((resolve, reject) => {
        control.once('message', resolve);
        control.once('error', reject);
        control.postMessage('stop');
      });
      return {
        loopDelayMs: summary(histogram),
        controlDelayMs,
        samples: histogram.count,
        rssStartBytes,
        rssPeakBytes: Math.max(rssPeakBytes, rssEndBytes),
        rssEndBytes,
        cpuMs,
        elapsedMs,
        mainThread,
      };
    },
  };
}
