// Reduces samples and rollup rows to chart buckets (count, min, max, avg). Buckets start at
// multiples of their width since the epoch, so a bucket of a rollup tier is whole tier rows
// and the same range always gives the same buckets. Pure.

export interface Bucket {
  /** Bucket start, epoch ms. */
  readonly t: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly avg: number;
}

interface Accumulator {
  count: number;
  min: number;
  max: number;
  sum: number;
}

export class BucketReducer {
  private readonly acc = new Map<number, Accumulator>();

  constructor(readonly bucketMs: number) {}

  /** One sample; values that are not numbers (text points) are not charted. */
  add(ts: number, value: number | null): void {
    if (value === null || !Number.isFinite(value)) return;
    this.merge(ts, 1, value, value, value);
  }

  /** A rollup row (or any pre-aggregated count/sum/min/max) starting at `ts`. */
  merge(ts: number, count: number, sum: number, min: number, max: number): void {
    if (count <= 0) return;
    const t = Math.floor(ts / this.bucketMs) * this.bucketMs;
    const a = this.acc.get(t);
    if (!a) {
      this.acc.set(t, { count, min, max, sum });
      return;
    }
    a.count += count;
    if (min < a.min) a.min = min;
    if (max > a.max) a.max = max;
    a.sum += sum;
  }

  /** Non-empty buckets in time order. */
  buckets(): Bucket[] {
    return [...this.acc.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([t, a]) => ({ t, count: a.count, min: a.min, max: a.max, avg: a.sum / a.count }));
  }
}

/**
 * The bucket width for `buckets` buckets over [from, to): a multiple of `unitMs` (the tier's
 * row width, 1 for raw samples). Epoch-aligned buckets can straddle both ends, so the width
 * is chosen for one bucket fewer: the range then never spans more than `buckets`.
 */
export function bucketWidth(from: number, to: number, buckets: number, unitMs: number): number {
  const span = Math.max(1, buckets - 1);
  return unitMs * Math.max(1, Math.ceil((to - from) / (span * unitMs)));
}
