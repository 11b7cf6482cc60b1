// Watches the process it runs in over a window: event-loop delay (perf_hooks'
// monitorEventLoopDelay, whose samples are the time between two runs of a 10 ms timer, so an
// idle loop reads about 10 ms) and resident memory, sampled every 250 ms for its peak, and CPU time.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface LoopWatchResult {
  readonly loopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number; readonly mean: number };
  readonly samples: number;
  readonly rssStartBytes: number;
  readonly rssPeakBytes: number;
  readonly rssEndBytes: number;
  /** CPU time of the whole process (every thread) over the window, ms. */
  readonly cpuMs: number;
  readonly elapsedMs: number;
}

const RESOLUTION_MS = 10;
const RSS_EVERY_MS = 250;

export function watchLoop(): { stop(): LoopWatchResult } {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const rssStartBytes = process.memoryUsage.rss();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let rssPeakBytes = rssStartBytes;
  const rssTimer = setInterval(() => {
    rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss());
  }, RSS_EVERY_MS);
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      clearInterval(rssTimer);
      const rssEndBytes = process.memoryUsage.rss();
      const ms = (ns: number) => ns / 1e6;
      return {
        loopDelayMs: {
          p50: ms(histogram.percentile(50)),
          p99: ms(histogram.percentile(99)),
          max: ms(histogram.max),
          mean: ms(histogram.mean),
        },
        samples: histogram.count,
        rssStartBytes,
        rssPeakBytes: Math.max(rssPeakBytes, rssEndBytes),
        rssEndBytes,
        cpuMs: (({ user, system }) => (user + system) / 1000)(process.cpuUsage(cpu)),
        elapsedMs: performance.now() - started,
      };
    },
  };
}
