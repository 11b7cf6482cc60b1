// A chart viewer that never stops: one client in the bench parent asking the app's
// GET /api/devices/:id/series for the same long chart again as soon as each answer is in,
// for as long as a fleet scenario measures. It shows what a long chart costs everyone
// else (poll-to-stored, skipped polls), and how long the chart takes under that load.
import type { AppWeb } from './fleet-scenario.js';

export interface ChartLoadSpec {
  readonly registrationId: string;
  readonly points: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly buckets: number;
  /** Samples in the range over all the points: a chart that counts fewer is incomplete. */
  readonly expectedSamples: number;
}

export interface ChartLoadSummary {
  readonly spec: ChartLoadSpec;
  readonly charts: number;
  readonly incomplete: number;
  readonly failed: number;
  readonly firstError: string | null;
  /** Request to the end of the JSON body, per chart. */
  readonly ms: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly bodyBytes: number;
}

interface SeriesBody {
  readonly series: readonly { readonly buckets: readonly { readonly count: number }[] }[];
}

export class ChartLoad {
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly ms: number[] = [];
  private incomplete = 0;
  private failed = 0;
  private firstError: string | null = null;
  private bodyBytes = 0;

  constructor(private readonly spec: ChartLoadSpec) {}

  /** Starts the loop against `web`; the returned function stops it after the chart in flight. */
  start(web: AppWeb): () => Promise<void> {
    const { registrationId, points, from, to, buckets } = this.spec;
    const query = new URLSearchParams({ points: points.join(','), from: String(from), to: String(to) });
    query.set('buckets', String(buckets));
    const url = `${web.base}/api/devices/${encodeURIComponent(registrationId)}/series?${query}`;
    this.running = true;
    this.loop = this.run(url, web.cookie);
    return async () => {
      this.running = false;
      await this.loop;
    };
  }

  private async run(url: string, cookie: string): Promise<void> {
    while (this.running) {
      const started = performance.now();
      try {
        const res = await fetch(url, { headers: { cookie } });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
        this.ms.push(performance.now() - started);
        this.bodyBytes = text.length;
        const body = JSON.parse(text) as SeriesBody;
        let counted = 0;
        for (const s of body.series) for (const b of s.buckets) counted += b.count;
        if (counted !== this.spec.expectedSamples) this.incomplete++;
      } catch (err) {
        this.failed++;
        this.firstError ??= err instanceof Error ? err.message : String(err);
        // Do not spin on a refused connection.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  summary(): ChartLoadSummary {
    const sorted = [...this.ms].sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
    return {
      spec: this.spec,
      charts: sorted.length,
      incomplete: this.incomplete,
      failed: this.failed,
      firstError: this.firstError,
      ms: { p50: at(0.5), p99: at(0.99), max: at(1) },
      bodyBytes: this.bodyBytes,
    };
  }
}
