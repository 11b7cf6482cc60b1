// What each policy promises, over arbitrary signals (fast-check): a deadband's dropped
// samples are within the deviation of the last stored value, a swinging door's within the
// deviation of the line between the stored samples around them, no dropped sample comes a
// maxInterval or more after the last stored one, and `every` drops nothing. On a slow,
// noisy signal the thinning modes keep a small share of the samples.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/simulator/seeded.js';
import type { HistoryPolicy } from '../../../src/domain/history-policy.js';
import type { Sample } from '../../../src/domain/point.js';
import { MINUTE, sample, storedRows } from './samples.js';

// A fixed seed keeps CI repeatable; FUZZ_SEED and FUZZ_RUNS explore further.
const RUNS = { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed: Number(process.env.FUZZ_SEED ?? 20_260_716) };

/** Float rounding in the door's slopes, relative to the values compared. */
const TOLERANCE = 1e-9;

const thousandths = (max: number) => fc.integer({ min: -max * 1000, max: max * 1000 }).map((n) => n / 1000);

/** A random walk read at uneven intervals: flat runs, jumps, the odd null, values on a 0.1 grid or not. */
const signal = fc
  .record({
    steps: fc.array(
      fc.record({
        gapMs: fc.integer({ min: 1, max: 5 * MINUTE }),
        // Thousandths from integers: fc.double would favour ±1, 0 and tiny values.
        delta: fc.oneof(
          { weight: 3, arbitrary: fc.constant(0) },
          { weight: 6, arbitrary: thousandths(1) },
          { weight: 1, arbitrary: thousandths(50) },
        ),
        nullChance: fc.integer({ min: 0, max: 29 }),
      }),
      { minLength: 1, maxLength: 300, size: 'max' },
    ),
    grid: fc.boolean(),
  })
  .map(({ steps, grid }) => {
    let ts = 1_700_000_000_000;
    let value = 20;
    return steps.map(({ gapMs, delta, nullChance }) => {
      ts += gapMs;
      value += delta;
      const shown = grid ? Math.round(value * 10) / 10 : value;
      return sample(ts, nullChance === 0 ? null : shown);
    });
  });

const maxInterval = fc.oneof(fc.constant(15 * MINUTE), fc.integer({ min: MINUTE, max: 60 * MINUTE }));
const deviation = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => n / 1000) },
);

const policy = fc.oneof(
  fc.record({ mode: fc.constant('on-change' as const), maxIntervalMs: maxInterval }),
  fc.record({ mode: fc.constant('deadband' as const), deviation, maxIntervalMs: maxInterval }),
  fc.record({ mode: fc.constant('swinging-door' as const), deviation, maxIntervalMs: maxInterval }),
);

/** Each offered sample with the stored rows just before and after it in time (itself when stored). */
function around(offered: readonly Sample[], stored: readonly Sample[]) {
  const storedSet = new Set(stored);
  let i = -1;
  return offered.map((s) => {
    if (storedSet.has(s)) {
      i++;
      return { sample: s, dropped: false, before: s, after: s };
    }
    return { sample: s, dropped: true, before: stored[i]!, after: stored[i + 1] };
  });
}

const near = (a: number, b: number, within: number) =>
  Math.abs(a - b) <= within + TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b)) * 10;

describe('store by exception, over arbitrary signals', () => {
  it('stores a time-ordered subset holding the first and the last sample', () => {
    fc.assert(
      fc.property(signal, policy, (samples, p) => {
        const stored = storedRows(p, samples);
        expect(stored[0]).toBe(samples[0]);
        expect(stored[stored.length - 1]).toBe(samples[samples.length - 1]);
        for (let i = 1; i < stored.length; i++) expect(stored[i]!.ts).toBeGreaterThan(stored[i - 1]!.ts);
        const offered = new Set(samples);
        for (const row of stored) expect(offered.has(row)).toBe(true);
      }),
      RUNS,
    );
  });

  it('never drops a sample a maxInterval or more after the last stored one', () => {
    fc.assert(
      fc.property(signal, policy, (samples, p) => {
        for (const { sample: s, dropped, before } of around(samples, storedRows(p, samples)))
          if (dropped) expect(s.ts - before.ts).toBeLessThan(p.maxIntervalMs);
      }),
      RUNS,
    );
  });

  it('deadband and on-change: every dropped sample is within the deviation of the last value stored', () => {
    const stepPolicy = fc.oneof(
      fc.record({ mode: fc.constant('on-change' as const), maxIntervalMs: maxInterval }),
      fc.record({ mode: fc.constant('deadband' as const), deviation, maxIntervalMs: maxInterval }),
    );
    fc.assert(
      fc.property(signal, stepPolicy, (samples, p) => {
        const within = p.mode === 'deadband' ? p.deviation : 0;
        for (const { sample: s, dropped, before } of around(samples, storedRows(p, samples))) {
          if (!dropped) continue;
          if (s.value === null || before.value === null) expect(s.value).toBe(before.value);
          else expect(near(s.value, before.value, within), `${s.value} vs ${before.value}`).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('swinging door: every dropped sample is within the deviation of the line between the stored ones around it', () => {
    fc.assert(
      fc.property(signal, deviation, maxInterval, (samples, dev, maxIntervalMs) => {
        const p: HistoryPolicy = { mode: 'swinging-door', deviation: dev, maxIntervalMs };
        for (const { sample: s, dropped, before, after } of around(samples, storedRows(p, samples))) {
          if (!dropped) continue;
          // The last sample is always stored, so a dropped one has a stored row on each side.
          expect(after).toBeDefined();
          if (s.value === null) {
            expect(before.value).toBeNull();
            continue;
          }
          const [a, b] = [before.value!, after!.value!];
          const line = a + ((b - a) * (s.ts - before.ts)) / (after!.ts - before.ts);
          expect(near(s.value, line, dev), `${s.value} vs line ${line}`).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('every: stores every sample', () => {
    fc.assert(
      fc.property(signal, (samples) => {
        expect(storedRows({ mode: 'every' }, samples)).toEqual(samples);
      }),
      RUNS,
    );
  });
});

describe('store by exception, on a slow noisy signal', () => {
  // A day of a temperature read every 30 s: 5 °C of daily swing plus ±0.05 °C of noise.
  const random = seededRandom(7);
  const day = Array.from({ length: 2880 }, (_, i) => {
    const ts = i * 30_000;
    const value = 20 + 5 * Math.sin((2 * Math.PI * ts) / (1440 * MINUTE)) + (random() - 0.5) * 0.1;
    return sample(ts, Math.round(value * 100) / 100);
  });
  const share = (p: HistoryPolicy) => storedRows(p, day).length / day.length;

  // docs/CONFIG.md quotes these shares.
  it('keeps 4.0 % with a 0.2 °C deadband and 3.4 % with a door (the 15 min maxInterval alone: 3.3 %)', () => {
    const maxIntervalMs = 15 * MINUTE;
    const percent = (p: HistoryPolicy) => (100 * share(p)).toFixed(1);
    expect(percent({ mode: 'deadband', deviation: 0.2, maxIntervalMs })).toBe('4.0');
    expect(percent({ mode: 'swinging-door', deviation: 0.2, maxIntervalMs })).toBe('3.4');
  });

  it('keeps 91 % on change: noise changes every reading, so on-change is for discrete signals', () => {
    expect(Math.round(100 * share({ mode: 'on-change', maxIntervalMs: 15 * MINUTE }))).toBe(91);
  });
});
