// The rollup part of the store contract: the minute and hour rollups count every numeric
// sample exactly once, whatever the commits, restarts and stored subsets, and a chart of any
// range comes from the finest tier that fits its buckets.
import { expect, it } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import { type Bucket, BucketReducer } from '../../../src/storage/rollup/chart-buckets.js';
import { expectRollupsMatchRaw } from '../../helpers/rollup-check.js';
import { sample, T0 } from './history-fixture.js';
import type { ContractContext } from './store-contract.js';

const HOUR = 3_600_000;

/** A deterministic pseudo-random sequence (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples of 3 devices × 4 points (one of them text) every ~10 s with jitter, over `hours`. */
function fleetSamples(seed: number, hours: number): Sample[][] {
  const next = random(seed);
  const rounds: Sample[][] = [];
  for (let t = 0; t < hours * HOUR; t += 10_000) {
    const round: Sample[] = [];
    for (const device of ['R1', 'R2', 'R3']) {
      const ts = T0 + t + Math.floor(next() * 9_000);
      for (const point of ['temperature', 'pressure', 'status']) {
        round.push(sample(device, point, 0, { ts, value: Math.round(next() * 2000 - 1000) / 10 }));
      }
      round.push(sample(device, 'serial', 0, { ts, value: null, text: 'SN-1' }));
    }
    rounds.push(round);
  }
  return rounds;
}

export function declareRollupContract(ctx: ContractContext): void {
  it('rolls every numeric sample up per minute and hour, equal to the raw rows, across restarts', async () => {
    const rounds = fleetSamples(7, 3);
    let store = await ctx.open();
    for (const [i, round] of rounds.entries()) {
      store.writer.samples(round);
      if (i % 37 === 0) await store.writer.flush();
      // A restart in the middle: pending deltas are written on the way out.
      if (i === 500) {
        await store.stop();
        store = await ctx.open();
      }
    }
    await store.stop();
    const minuteRows = await expectRollupsMatchRaw((sql) => ctx.rawQuery(sql));
    // 3 devices × 3 numeric points × 180 minutes.
    expect(minuteRows).toBe(3 * 3 * 180);
  });

  it('keeps minute rows only for points sampled often, and charts slow points exactly from their raw rows', async () => {
    const store = await ctx.open();
    const start = Math.ceil(T0 / HOUR) * HOUR;
    // 'slow' every 30 s, 'fast' every 5 s, for 6 hours.
    const samples: Sample[] = [];
    for (let t = 0; t < 6 * HOUR; t += 5_000) {
      samples.push(sample('S', 'fast', 0, { ts: start + t + 7, value: (t / 5_000) % 37 }));
      if (t % 30_000 === 0) samples.push(sample('S', 'slow', 0, { ts: start + t + 11, value: (t / 30_000) % 53 }));
    }
    store.writer.samples(samples);
    await store.writer.flush();
    let reader = store.reader;
    for (let pass = 0; pass < 2; pass++) {
      for (const [from, to, buckets] of [
        [start + 13 * 60_000 + 7_000, start + 3 * HOUR + 3_000, 240],
        [start + 47 * 60_000, start + 6 * HOUR, 60],
        [start - HOUR, start + 6 * HOUR + HOUR, 1000],
      ] as const) {
        const r = await reader.series({ registrationId: 'S', points: ['slow', 'fast'], from, to, buckets });
        for (const [i, point] of ['slow', 'fast'].entries()) {
          const mine = samples.filter((x) => x.point === point);
          expect(r.series[i]!.buckets, `${point} ${r.tier} [${from - start}, ${to - start})`).toEqual(
            referenceBuckets(mine, from, to, r.bucketMs),
          );
        }
      }
      if (pass === 0) {
        await store.stop();
        reader = (await ctx.open()).reader;
      }
    }
    await expectRollupsMatchRaw((sql) => ctx.rawQuery(sql));
    const perPoint = await ctx.rawQuery(
      `SELECT p.name AS name, COUNT(*) AS n FROM rollup_minute m JOIN point_names p ON p.id = m.point_id GROUP BY p.name`,
    );
    expect(perPoint.map((x) => [x['name'], Number(x['n'])])).toEqual([['fast', 360]]);
    const flags = await ctx.rawQuery(
      `SELECT p.name AS name, MIN(h.minute_rows) AS lo, MAX(h.minute_rows) AS hi, COUNT(*) AS n
       FROM rollup_hour h JOIN point_names p ON p.id = h.point_id GROUP BY p.name ORDER BY p.name`,
    );
    expect(flags.map((x) => [x['name'], Number(x['lo']), Number(x['hi']), Number(x['n'])])).toEqual([
      ['fast', 1, 1, 6],
      ['slow', 0, 0, 6],
    ]);
  });

  it('counts in the rollups the samples that are not stored as raw rows', async () => {
    const store = await ctx.open();
    const all = Array.from({ length: 120 }, (_, i) => sample('X', 'flow', i, { ts: T0 + i * 1000, value: i }));
    const stored = all.filter((_, i) => i % 10 === 0);
    store.writer.samples(all.slice(0, 60), stored.slice(0, 6));
    await store.writer.flush();
    // Visible before any restart: those deltas were written with their commit.
    const [row] = await ctx.rawQuery('SELECT SUM(sample_count) AS n FROM rollup_minute');
    expect(Number(row!['n'])).toBeGreaterThanOrEqual(60 - 1);
    store.writer.samples(all.slice(60), stored.slice(6));
    await store.stop();
    expect(await ctx.rowCount('device_data')).toBe(12);
    const minutes = await ctx.rawQuery(
      'SELECT bucket, sample_count AS n, value_sum AS s, first_val AS f, last_val AS l FROM rollup_minute ORDER BY bucket',
    );
    expect(minutes.map((m) => [Number(m['n']), Number(m['s']), Number(m['f']), Number(m['l'])])).toEqual(
      minuteSplit(all),
    );
  });

  it('charts any range from the finest tier that fits, complete before and after the writer closes', async () => {
    const store = await ctx.open();
    const start = Math.ceil(T0 / HOUR) * HOUR;
    // One point every 10 s for 3 hours: 1,080 samples.
    const samples = Array.from({ length: 1080 }, (_, i) =>
      sample('C', 'level', 0, { ts: start + i * 10_000, value: i % 100 }),
    );
    store.writer.samples(samples);
    await store.writer.flush();
    const total = (r: { series: readonly { buckets: readonly { count: number }[] }[] }) =>
      r.series[0]!.buckets.reduce((n, b) => n + b.count, 0);
    let reader = store.reader;
    const query = (from: number, to: number, buckets = 240) =>
      reader.series({ registrationId: 'C', points: ['level', 'nothing'], from, to, buckets });

    for (let pass = 0; pass < 2; pass++) {
      const year = await query(start + 3 * HOUR - 365 * 24 * HOUR, start + 3 * HOUR);
      expect(year).toMatchObject({ tier: 'hour', bucketMs: 37 * HOUR });
      expect(total(year)).toBe(1080);
      expect(year.series[1]).toEqual({ point: 'nothing', buckets: [] });

      const threeHours = await query(start, start + 3 * HOUR);
      expect(threeHours).toMatchObject({ tier: 'minute', bucketMs: 60_000 });
      expect(threeHours.series[0]!.buckets).toHaveLength(180);
      expect(threeHours.series[0]!.buckets.every((b) => b.count === 6)).toBe(true);
      expect(total(threeHours)).toBe(1080);

      const halfHour = await query(start + HOUR, start + HOUR + 30 * 60_000);
      expect(halfHour.tier).toBe('raw');
      expect(total(halfHour)).toBe(180);
      const avg = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      const mean = (r: typeof halfHour) => {
        const b = r.series[0]!.buckets;
        return b.reduce((s, x) => s + x.avg * x.count, 0) / total(r);
      };
      expect(mean(halfHour)).toBeCloseTo(avg(samples.slice(360, 540).map((s) => s.value!)), 9);
      expect(mean(year)).toBeCloseTo(avg(samples.map((s) => s.value!)), 9);
      // Ranges that start and end inside minutes and hours: every bucket equals the one
      // computed from the raw samples, whichever tiers and edges the query read it from.
      for (const [from, to, buckets] of [
        [start + 13 * 60_000 + 7_000, start + 170 * 60_000 + 3_000, 40],
        [start - 5 * 24 * HOUR + 17 * 60_000, start + 161 * 60_000 + 7_000, 100],
        [start + 59 * 60_000 + 1, start + 2 * HOUR + 1, 5],
      ] as const) {
        const r = await query(from, to, buckets);
        expect(r.series[0]!.buckets).toEqual(referenceBuckets(samples, from, to, r.bucketMs));
      }
      // The second pass reads what the writer wrote on its way out.
      if (pass === 0) {
        await store.stop();
        reader = (await ctx.open()).reader;
      }
    }
  });
}

/** The chart buckets of [from, to) computed from the samples alone. */
function referenceBuckets(samples: readonly Sample[], from: number, to: number, bucketMs: number): Bucket[] {
  const reducer = new BucketReducer(bucketMs);
  for (const s of samples) if (s.ts >= from && s.ts < to) reducer.add(s.ts, s.value);
  return reducer.buckets();
}

/** [count, sum, first, last] per minute of samples one second apart from T0. */
function minuteSplit(samples: readonly Sample[]): number[][] {
  const byMinute = new Map<number, Sample[]>();
  for (const s of samples) {
    const minute = Math.floor(s.ts / 60_000);
    byMinute.set(minute, [...(byMinute.get(minute) ?? []), s]);
  }
  return [...byMinute.values()].map((list) => [
    list.length,
    list.reduce((n, s) => n + s.value!, 0),
    list[0]!.value!,
    list.at(-1)!.value!,
  ]);
}
