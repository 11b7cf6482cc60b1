// The two step policies: a stored value holds until the next stored row. on-change stores
// any difference; a deadband only a difference of more than its deviation (PI's exception
// test, Ignition's absolute deadband). Either stores at least every maxInterval.
import type { Sample } from '../domain/point.js';
import { comparable, due, hold, restart, sameReading, type Series } from './series.js';

/**
 * Floats do not subtract exactly (25.3 − 25.1 is 0.20000000000000284): a difference that
 * exceeds the deviation by less than this share of the values counts as equal to it, so
 * `deviation: 0.2` on a 0.1-resolution value drops a change of two steps, as written.
 */
const ROUNDING = 1e-9;

export function offerOnChange(series: Series, sample: Sample): readonly Sample[] {
  if (!sameReading(sample, series.stored) || due(series, sample)) return store(series, sample);
  return hold(series, sample);
}

export function offerDeadband(series: Series, sample: Sample, deviation: number): readonly Sample[] {
  // A null, NaN or text reading has no distance: it is stored when it changes.
  if (!comparable(sample, series.stored)) return offerOnChange(series, sample);
  if (outside(sample.value!, series.stored.value!, deviation) || due(series, sample)) return store(series, sample);
  return hold(series, sample);
}

/** Whether `value` is more than `deviation` away from `reference`, give or take float rounding. */
export function outside(value: number, reference: number, deviation: number): boolean {
  const tolerance = ROUNDING * Math.max(1, Math.abs(value), Math.abs(reference));
  return Math.abs(value - reference) > deviation + tolerance;
}

function store(series: Series, sample: Sample): readonly Sample[] {
  restart(series, sample);
  return [sample];
}
