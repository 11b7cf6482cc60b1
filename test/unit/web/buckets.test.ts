import { describe, expect, it } from 'vitest';
import { BucketReducer } from '../../../src/web/history/buckets.js';

describe('chart buckets', () => {
  it('reduce rows to count, min, max and average per time bucket', () => {
    const r = new BucketReducer(0, 1000, 10); // 100 ms buckets
    for (const [ts, v] of [
      [0, 1],
      [50, 3],
      [99, 2],
      [250, 10],
    ] as const)
      r.add(ts, v);
    expect(r.bucketMs).toBe(100);
    expect(r.buckets()).toEqual([
      { t: 0, count: 3, min: 1, max: 3, avg: 2 },
      { t: 200, count: 1, min: 10, max: 10, avg: 10 },
    ]);
  });

  it('leave out text values and empty buckets', () => {
    const r = new BucketReducer(1000, 2000, 4);
    r.add(1100, null);
    r.add(1900, 5);
    expect(r.buckets()).toEqual([{ t: 1750, count: 1, min: 5, max: 5, avg: 5 }]);
  });
});
