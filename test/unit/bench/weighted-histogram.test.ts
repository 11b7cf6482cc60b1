import { describe, it, expect } from 'vitest';
import { WeightedHistogram } from '../../../bench/weighted-histogram.js';

describe('WeightedHistogram', () => {
  it('weights each value by its sample count when taking percentiles', () => {
    const h = new WeightedHistogram();
    h.add(10, 98);
    h.add(500, 1);
    h.add(1000, 1);
    expect(h.summary()).toEqual({ count: 100, p50: 10, p90: 10, p99: 500, max: 1000, mean: (980 + 500 + 1000) / 100 });
  });

  it('reports zeros when empty and forgets everything on clear', () => {
    const h = new WeightedHistogram();
    expect(h.summary()).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 });
    h.add(5, 3);
    h.clear();
    expect(h.entries).toBe(0);
    expect(h.summary().count).toBe(0);
  });
});
