import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MINUTE_MS, RollupAccumulator } from '../../../../src/storage/rollup/rollup-accumulator.js';
import type { RollupDelta } from '../../../../src/storage/rollup/rollup-row.js';

interface Row {
  count: number;
  sum: number;
  min: number;
  max: number;
  firstAt: number;
  firstValue: number;
  lastAt: number;
  lastValue: number;
}

/** What the database does with the deltas: the upsert of rollup-row.ts, in memory. */
function applyDeltas(table: Map<string, Row>, deltas: readonly RollupDelta[]): void {
  for (const d of deltas) {
    const key = `${d.deviceId}/${d.pointId}/${d.minute}`;
    const row = table.get(key);
    if (!row) {
      table.set(key, { ...d });
      continue;
    }
    row.count += d.count;
    row.sum += d.sum;
    row.min = Math.min(row.min, d.min);
    row.max = Math.max(row.max, d.max);
    if (d.firstAt < row.firstAt) [row.firstAt, row.firstValue] = [d.firstAt, d.firstValue];
    if (d.lastAt > row.lastAt) [row.lastAt, row.lastValue] = [d.lastAt, d.lastValue];
  }
}

/** The rollups computed directly from the samples. */
function expected(samples: readonly { d: number; p: number; ts: number; v: number }[]): Map<string, Row> {
  const table = new Map<string, Row>();
  const deltas = samples.map((s) => ({
    deviceId: s.d,
    pointId: s.p,
    minute: Math.floor(s.ts / MINUTE_MS) * MINUTE_MS,
    count: 1,
    sum: s.v,
    min: s.v,
    max: s.v,
    firstAt: s.ts,
    firstValue: s.v,
    lastAt: s.ts,
    lastValue: s.v,
  }));
  applyDeltas(table, deltas);
  return table;
}

const sampleArb = fc.record({
  d: fc.integer({ min: 1, max: 3 }),
  p: fc.integer({ min: 1, max: 3 }),
  // Distinct times per series are the store's identity; integers keep sums exact.
  ts: fc.integer({ min: 0, max: 10 * MINUTE_MS }),
  v: fc.integer({ min: -1000, max: 1000 }),
  stored: fc.boolean(),
});

describe('rollup accumulator', () => {
  it('writes deltas that add up to the rollups of every sample, in any order, over any commits', () => {
    fc.assert(
      fc.property(fc.array(sampleArb, { maxLength: 200 }), fc.array(fc.integer({ min: 1, max: 20 })), (raw, cuts) => {
        const seen = new Set<string>();
        const samples = raw.filter((s) => !seen.has(`${s.d}/${s.p}/${s.ts}`) && seen.add(`${s.d}/${s.p}/${s.ts}`));
        const acc = new RollupAccumulator();
        const table = new Map<string, Row>();
        const out: RollupDelta[] = [];
        let i = 0;
        let cut = 0;
        while (i < samples.length) {
          const end = Math.min(samples.length, i + (cuts[cut++ % Math.max(1, cuts.length)] ?? 5));
          for (; i < end; i++) {
            const s = samples[i]!;
            acc.add(s.d, s.p, s.ts, s.v, s.stored, out);
          }
          acc.endOfCommit(out);
          applyDeltas(table, out.splice(0));
        }
        acc.drain(out);
        applyDeltas(table, out.splice(0));
        expect(acc.pendingSince()).toBeNull();
        expect(table).toEqual(expected(samples));
      }),
      { numRuns: 300 },
    );
  });

  it('writes a delta once its series moves on to the next minute, not per sample', () => {
    const acc = new RollupAccumulator();
    const out: RollupDelta[] = [];
    for (let s = 0; s < 120; s++) acc.add(1, 1, s * 1000, s, true, out);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ minute: 0, count: 60, firstValue: 0, lastValue: 59, min: 0, max: 59 });
    expect(acc.pendingSince()).toBe(MINUTE_MS);
  });

  it('writes a delta holding a sample without a raw row at the end of the commit', () => {
    const acc = new RollupAccumulator();
    const out: RollupDelta[] = [];
    acc.add(1, 1, 1000, 5, true, out);
    acc.add(1, 2, 1000, 6, true, out);
    acc.endOfCommit(out);
    expect(out).toEqual([]);
    acc.add(1, 1, 2000, 7, false, out);
    acc.endOfCommit(out);
    expect(out).toEqual([expect.objectContaining({ pointId: 1, count: 2, sum: 12 })]);
    // Point 2's delta still waits, so the store must remember where unwritten samples start.
    expect(acc.pendingSince()).toBe(0);
  });

  it('writes the delta of a series that stopped reporting once the data is two minutes ahead', () => {
    const acc = new RollupAccumulator();
    const out: RollupDelta[] = [];
    acc.add(1, 1, 10_000, 1, true, out);
    acc.add(2, 1, 100_000, 1, true, out);
    acc.endOfCommit(out);
    expect(out).toEqual([]);
    acc.add(2, 1, 190_001, 1, true, out);
    out.length = 0;
    acc.endOfCommit(out);
    expect(out).toEqual([expect.objectContaining({ deviceId: 1, minute: 0, count: 1 })]);
  });

  it('writes a sample older than what its series already wrote by itself (late or replayed)', () => {
    const acc = new RollupAccumulator();
    const out: RollupDelta[] = [];
    acc.add(1, 1, 70_000, 1, true, out);
    acc.add(1, 1, 130_000, 2, true, out); // writes minute 1
    out.length = 0;
    acc.add(1, 1, 65_000, 3, true, out);
    expect(out).toEqual([expect.objectContaining({ minute: 60_000, count: 1, sum: 3, firstAt: 65_000 })]);
  });

  it('rejects a point id beyond its key space instead of mixing series', () => {
    expect(() => new RollupAccumulator().add(1, 2 ** 21, 0, 0, true, [])).toThrow(RangeError);
  });
});
