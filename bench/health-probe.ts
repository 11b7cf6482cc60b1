// Reads GET /api/health in a loop until told to stop: its latency is what a monitoring system
// would see of a server whose event loop is stalled (issue 23 saw 14 s).
import { performance } from 'node:perf_hooks';

export interface HealthProbeResult {
  readonly requests: number;
  readonly failed: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const TIMEOUT_MS = 5_000;

export function probeHealth(url: string, everyMs: number): { stop(): Promise<HealthProbeResult> } {
  const latencies: number[] = [];
  let failed = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
        await res.arrayBuffer();
        if (res.status !== 200) failed++;
      } catch {
        failed++;
      }
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      latencies.sort((a, b) => a - b);
      const p99 = latencies[Math.min(latencies.length - 1, Math.floor(0.99 * latencies.length))] ?? 0;
      return { requests: latencies.length, failed, p99Ms: p99, maxMs: latencies.at(-1) ?? 0 };
    },
  };
}
