// Times a chart's series query through the store's reader (the pool of reader threads, as
// the web API calls it): the first query after the store opened ("cold": the reader's
// page cache is empty; the OS file cache is not, the data was just written), then repeats.
// Checks the chart is complete: its buckets count every sample generated in the range.
import type { HistoryReader, HistoryStore } from '../src/storage/index.js';

type SeriesQuery = Parameters<HistoryReader['series']>[0];
type SeriesResult = Awaited<ReturnType<HistoryReader['series']>>;

export interface ChartSpec {
  readonly label: string;
  readonly registrationId: string;
  readonly points: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly buckets: number;
  /** Samples generated in [from, to) over all the points. */
  readonly expectedSamples: number;
}

export interface ChartTiming {
  readonly label: string;
  readonly buckets: number;
  readonly points: number;
  readonly rangeMs: number;
  readonly tier: string;
  readonly bucketMs: number;
  /** Buckets returned, all points. */
  readonly bucketsReturned: number;
  readonly rowsScanned: number;
  readonly samplesCounted: number;
  readonly expectedSamples: number;
  readonly complete: boolean;
  /** The first query of each fresh store (COLD_RUNS of them). */
  readonly coldMs: readonly number[];
  readonly warm: { readonly runs: number; readonly p50: number; readonly p99: number; readonly max: number };
}

export const WARM_RUNS = 30;
/** Cold queries, each on the store opened afresh. */
export const COLD_RUNS = 2;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * `open` gives a started store on the dataset's database. Each cold query is the first on
 * a store opened afresh (a new reader connection); the warm ones follow the first.
 */
export async function timeChart(
  open: () => Promise<HistoryStore>,
  spec: ChartSpec,
  runs = WARM_RUNS,
): Promise<ChartTiming> {
  const query: SeriesQuery = {
    registrationId: spec.registrationId,
    points: spec.points,
    from: spec.from,
    to: spec.to,
    buckets: spec.buckets,
  };
  const coldMs: number[] = [];
  const warm: number[] = [];
  let first: SeriesResult | null = null;
  for (let c = 0; c < COLD_RUNS; c++) {
    const store = await open();
    try {
      const reader = store.reader;
      // Starts the reader thread: "cold" is the page cache, not the thread's start-up.
      await reader.device(spec.registrationId);
      let started = performance.now();
      const result = await reader.series(query);
      coldMs.push(round2(performance.now() - started));
      first ??= result;
      for (let i = 0; c === 0 && i < runs; i++) {
        started = performance.now();
        await reader.series(query);
        warm.push(performance.now() - started);
      }
    } finally {
      await store.stop();
    }
  }
  warm.sort((a, b) => a - b);
  let samplesCounted = 0;
  let bucketsReturned = 0;
  for (const s of first!.series) {
    bucketsReturned += s.buckets.length;
    for (const b of s.buckets) samplesCounted += b.count;
  }
  return {
    label: spec.label,
    buckets: spec.buckets,
    points: spec.points.length,
    rangeMs: spec.to - spec.from,
    tier: first!.tier,
    bucketMs: first!.bucketMs,
    bucketsReturned,
    rowsScanned: first!.rowsScanned,
    samplesCounted,
    expectedSamples: spec.expectedSamples,
    complete: samplesCounted === spec.expectedSamples,
    coldMs,
    warm: {
      runs,
      p50: round2(quantile(warm, 0.5)),
      p99: round2(quantile(warm, 0.99)),
      max: round2(warm.at(-1) ?? 0),
    },
  };
}
