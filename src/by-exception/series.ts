// The state the filter keeps for one series (one point of one device): one small record,
// whatever the policy, so memory stays bounded by devices × points.
import type { ThinningPolicy } from '../domain/history-policy.js';
import type { Sample } from '../domain/point.js';

export interface Series {
  /** The policy the state was built under; a different one starts the series over. */
  readonly policy: ThinningPolicy;
  /** The last sample stored: the reference of a deadband, the pivot of a swinging door. */
  stored: Sample;
  /** The newest sample not stored (yet): what release() stores, the door's candidate end. */
  held: Sample | null;
  /**
   * Swinging door only: the slopes (value per ms) of the lines from `stored` that pass
   * within the deviation of every sample since. The door is open while low ≤ high.
   */
  low: number;
  high: number;
}

export function newSeries(policy: ThinningPolicy, first: Sample): Series {
  return { policy, stored: first, held: null, low: -Infinity, high: Infinity };
}

/** Starts the series over from `sample`, which the caller stores. */
export function restart(series: Series, sample: Sample): void {
  series.stored = sample;
  series.held = null;
  series.low = -Infinity;
  series.high = Infinity;
}

/** Whether two policies thin alike (compared by value: a caller need not keep the same object). */
export function samePolicy(a: ThinningPolicy, b: ThinningPolicy): boolean {
  if (a === b) return true;
  if (a.mode !== b.mode || a.maxIntervalMs !== b.maxIntervalMs) return false;
  return a.mode === 'on-change' || a.deviation === (b as typeof a).deviation;
}

/** Nothing to store: `sample` is the newest one held. */
export function hold(series: Series, sample: Sample): readonly Sample[] {
  series.held = sample;
  return NOTHING;
}

export const NOTHING: readonly Sample[] = Object.freeze([]);

/** The same reading as far as on-change is concerned (NaN equals NaN, so it is not stored on every poll). */
export function sameReading(a: Sample, b: Sample): boolean {
  return Object.is(a.value, b.value) && a.text === b.text && a.quality === b.quality;
}

/** Both finite numbers of the same kind of reading: the only pair a deviation can compare. */
export function comparable(a: Sample, b: Sample): boolean {
  return Number.isFinite(a.value) && Number.isFinite(b.value) && a.text === b.text && a.quality === b.quality;
}

/** Whether maxInterval has run out since the last stored sample: `sample` must be stored. */
export function due(series: Series, sample: Sample): boolean {
  return sample.ts - series.stored.ts >= series.policy.maxIntervalMs;
}
