import { describe, expect, it } from 'vitest';
import { bucketWidth, BucketReducer } from '../../../../src/storage/rollup/chart-buckets.js';

describe('chart buckets', () => {
  it('reduce samples to count, min, max and average per epoch-aligned bucket', () => {
    const r = new BucketReducer(100);
    for (const [ts, v] of [
      [1000, 1],
      [1050, 3],
      [1099, 2],
      [1250, 10],
    ] as const)
      r.add(ts, v);
    expect(r.buckets()).toEqual([
      { t: 1000, count: 3, min: 1, max: 3, avg: 2 },
      { t: 1200, count: 1, min: 10, max: 10, avg: 10 },
    ]);
  });

  it('merge rollup rows with samples, and leave out text values and empty buckets', () => {
    const r = new BucketReducer(60_000);
    r.merge(120_000, 4, 10, 1, 4);
    r.add(150_000, 6);
    r.add(170_000, null);
    r.merge(300_000, 0, 0, 0, 0);
    expect(r.buckets()).toEqual([{ t: 120_000, count: 5, min: 1, max: 6, avg: 16 / 5 }]);
  });

  it('choose a width, a multiple of the tier, that never spans more than the buckets asked for', () => {
    for (const [from, to, buckets, unit] of [
      [0, 86_400_000, 240, 60_000],
      [12_345, 86_400_000 * 365 + 777, 240, 3_600_000],
      [59_999, 60_001, 10, 1],
      [7, 3_600_007, 60, 60_000],
    ] as const) {
      const width = bucketWidth(from, to, buckets, unit);
      expect(width % unit).toBe(0);
      const spanned = Math.floor((to - 1) / width) - Math.floor(from / width) + 1;
      expect(spanned).toBeLessThanOrEqual(buckets);
    }
  });
});
