// Samples and runs for the store-by-exception tests.
import { ExceptionFilter } from '../../../src/by-exception/index.js';
import type { HistoryPolicy } from '../../../src/domain/history-policy.js';
import type { Sample } from '../../../src/domain/point.js';

export const MINUTE = 60_000;

export function sample(ts: number, value: number | null, extra: Partial<Sample> = {}): Sample {
  return {
    deviceId: 'DTU01',
    point: 'temperature',
    slave: 1,
    address: 2000,
    value,
    text: null,
    raw: '',
    ts,
    quality: 'good',
    ...extra,
  };
}

/** Values read every `everyMs` from t = 0. */
export function series(values: readonly (number | null)[], everyMs = 30_000): Sample[] {
  return values.map((value, i) => sample(i * everyMs, value));
}

/** Every sample offered in turn, then the device released: the rows stored, in the order returned. */
export function storedRows(policy: HistoryPolicy, samples: readonly Sample[]): Sample[] {
  const filter = new ExceptionFilter();
  const rows = samples.flatMap((s) => [...filter.offer(s, policy)]);
  return [...rows, ...new Set(samples.map((s) => s.deviceId))].flatMap((r) =>
    typeof r === 'string' ? filter.release(r) : [r],
  );
}

/** The values of the rows, for compact assertions. */
export const valuesOf = (rows: readonly Sample[]): (number | null)[] => rows.map((r) => r.value);
