// Reduces a point's rows to fixed time buckets (count, min, max, avg) for charts: a chart
// of a year of 1 s samples needs a few hundred buckets, not 31 million points. Pure.

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
  readonly bucketMs: number;
  private readonly acc = new Map<number, Accumulator>();

  constructor(
    private readonly from: number,
    to: number,
    buckets: number,
  ) {
    this.bucketMs = Math.max(1, Math.ceil((to - from) / buckets));
  }

  /** Rows without a numeric value (text points) are not charted. */
  add(ts: number, value: number | null): void {
    if (value === null || !Number.isFinite(value)) return;
    const index = Math.floor((ts - this.from) / this.bucketMs);
    const a = this.acc.get(index);
    if (!a) {
      this.acc.set(index, { count: 1, min: value, max: value, sum: value });
      return;
    }
    a.count++;
    if (value < a.min) a.min = value;
    if (value > a.max) a.max = value;
    a.sum += value;
  }

  /** Non-empty buckets in time order. */
  buckets(): Bucket[] {
    return [...this.acc.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([index, a]) => ({
        t: this.from + index * this.bucketMs,
        count: a.count,
        min: a.min,
        max: a.max,
        avg: a.sum / a.count,
      }));
  }
}
