// The filter case by case: what each policy stores, holds and releases.
import { describe, expect, it } from 'vitest';
import { ExceptionFilter } from '../../../src/by-exception/index.js';
import { STORE_EVERY_SAMPLE, type HistoryPolicy } from '../../../src/domain/history-policy.js';
import { MINUTE, sample, series, storedRows, valuesOf } from './samples.js';

const onChange: HistoryPolicy = { mode: 'on-change', maxIntervalMs: 15 * MINUTE };
const deadband: HistoryPolicy = { mode: 'deadband', deviation: 0.5, maxIntervalMs: 15 * MINUTE };
const door: HistoryPolicy = { mode: 'swinging-door', deviation: 0.5, maxIntervalMs: 15 * MINUTE };

describe('every', () => {
  it('stores every sample and keeps no state', () => {
    const filter = new ExceptionFilter();
    const samples = series([1, 1, 1, 2]);
    expect(samples.flatMap((s) => filter.offer(s, STORE_EVERY_SAMPLE))).toEqual(samples);
    expect(filter.seriesCount).toBe(0);
  });
});

describe('on-change', () => {
  it('stores the first sample and each change, and the last one when the device goes', () => {
    expect(valuesOf(storedRows(onChange, series([0, 0, 1, 1, 1, 0, 0])))).toEqual([0, 1, 0, 0]);
  });

  it('stores a change of text, and a NaN only when it first appears', () => {
    const rows = storedRows(onChange, [
      sample(0, null, { text: 'AB' }),
      sample(1000, null, { text: 'AB' }),
      sample(2000, null, { text: 'AC' }),
      sample(3000, NaN),
      sample(4000, NaN),
      sample(5000, 7),
    ]);
    expect(rows.map((r) => r.ts)).toEqual([0, 2000, 3000, 5000]);
  });

  it('stores an unchanged value once maxInterval has passed since the last stored one', () => {
    const rows = storedRows(onChange, series(new Array<number>(61).fill(4), 30_000));
    expect(rows.map((r) => r.ts / MINUTE)).toEqual([0, 15, 30]);
  });
});

describe('deadband', () => {
  it('drops changes of up to the deviation from the last stored value, exactly 0.5 included', () => {
    const rows = storedRows(deadband, series([20, 20.3, 20.5, 20.6, 20.2, 19.9, 21.2, 21.2]));
    expect(valuesOf(rows)).toEqual([20, 20.6, 19.9, 21.2, 21.2]);
  });

  it('takes 25.3 − 25.1 as 0.2, not as 0.20000000000000284', () => {
    const policy: HistoryPolicy = { mode: 'deadband', deviation: 0.2, maxIntervalMs: MINUTE * 15 };
    const filter = new ExceptionFilter();
    filter.offer(sample(0, 25.1), policy);
    expect(filter.offer(sample(1000, 25.3), policy)).toEqual([]);
  });

  it('stores a null reading, and the first number after it', () => {
    expect(valuesOf(storedRows(deadband, series([1, 1.1, null, null, 1.2, 1.3])))).toEqual([1, null, 1.2, 1.3]);
  });
});

describe('swinging door', () => {
  it('stores only the ends of a straight ramp', () => {
    const ramp = Array.from({ length: 20 }, (_, i) => i * 0.25);
    expect(valuesOf(storedRows(door, series(ramp)))).toEqual([0, 4.75]);
  });

  it('stores the held sample before a step, and opens a new door from it', () => {
    const filter = new ExceptionFilter();
    const [a, b, c, d, e] = series([10, 10.1, 10, 10.1, 15]);
    expect(filter.offer(a!, door)).toEqual([a]);
    expect(filter.offer(b!, door)).toEqual([]);
    expect(filter.offer(c!, door)).toEqual([]);
    expect(filter.offer(d!, door)).toEqual([]);
    expect(filter.offer(e!, door)).toEqual([d]);
    expect(filter.release('DTU01')).toEqual([e]);
  });

  it('does not take a sample whose own line leaves the door, though the door stays open (PI would)', () => {
    // After (1, 1) the door from (0, 0) is slopes 0..2; (10, 21) narrows it to 2..2 and so
    // keeps it open, but the line to 21 passes 1.1 from the sample at t = 1.
    const policy: HistoryPolicy = { mode: 'swinging-door', deviation: 1, maxIntervalMs: 15 * MINUTE };
    const filter = new ExceptionFilter();
    const [a, b, c] = [sample(0, 0), sample(1000, 1), sample(10_000, 21)];
    filter.offer(a, policy);
    filter.offer(b, policy);
    expect(filter.offer(c, policy)).toEqual([b]);
  });

  it('stores the held sample and the new one when maxInterval runs out outside the door', () => {
    const filter = new ExceptionFilter();
    const samples = [sample(0, 0), sample(14 * MINUTE, 0.1), sample(29 * MINUTE, 9)];
    filter.offer(samples[0]!, door);
    filter.offer(samples[1]!, door);
    expect(filter.offer(samples[2]!, door)).toEqual([samples[1], samples[2]]);
  });

  it('stores a sample inside the door alone when maxInterval runs out', () => {
    const rows = storedRows(door, series(new Array<number>(32).fill(3), 30_000));
    expect(rows.map((r) => r.ts / MINUTE)).toEqual([0, 15, 15.5]);
  });

  it('closes the segment before a null reading, and the null stretch before the next number', () => {
    expect(valuesOf(storedRows(door, series([1, 1.1, 1.2, null, null, null, 2])))).toEqual([1, 1.2, null, null, 2]);
  });
});

describe('state', () => {
  it('starts a series over when time goes back, storing what it held', () => {
    const filter = new ExceptionFilter();
    const [a, b] = [sample(MINUTE, 1), sample(2 * MINUTE, 1.1)];
    filter.offer(a, deadband);
    filter.offer(b, deadband);
    const back = sample(30_000, 1.1);
    expect(filter.offer(back, deadband)).toEqual([b, back]);
  });

  it('starts a series over under another policy, storing what it held', () => {
    const filter = new ExceptionFilter();
    const [a, b, c, d] = series([1, 1, 1, 1]);
    filter.offer(a!, deadband);
    filter.offer(b!, deadband);
    expect(filter.offer(c!, onChange)).toEqual([b, c]);
    expect(filter.offer(d!, STORE_EVERY_SAMPLE)).toEqual([d]);
    expect(filter.seriesCount).toBe(0);
  });

  it('keeps one series with a policy equal in value though not the same object', () => {
    const filter = new ExceptionFilter();
    const [a, b] = series([1, 1]);
    filter.offer(a!, { ...deadband });
    expect(filter.offer(b!, { ...deadband })).toEqual([]);
  });

  it('keeps one record per point of a device, and forgets them all on release', () => {
    const filter = new ExceptionFilter();
    for (let t = 0; t < 100; t++)
      for (const point of ['a', 'b', 'c']) filter.offer(sample(t * 1000, 1, { point }), onChange);
    filter.offer(sample(0, 1, { deviceId: 'DTU02' }), onChange);
    expect(filter.seriesCount).toBe(4);
    expect(filter.release('DTU01').map((s) => [s.point, s.ts])).toEqual([
      ['a', 99_000],
      ['b', 99_000],
      ['c', 99_000],
    ]);
    expect(filter.seriesCount).toBe(1);
    expect(filter.release('DTU01')).toEqual([]);
    expect(filter.releaseAll()).toEqual([]); // DTU02's only sample was stored, nothing is held
    expect(filter.seriesCount).toBe(0);
  });

  it('stores the first sample after a release again', () => {
    const filter = new ExceptionFilter();
    filter.offer(sample(0, 1), deadband);
    filter.release('DTU01');
    expect(filter.offer(sample(1000, 1), deadband)).toHaveLength(1);
  });
});
