// Swinging-door compression (PI's archive compression, Ignition's analog mode): a series
// of samples is stored as the ends of straight segments, and every dropped sample lies
// within the deviation of the segment over it.
//
// The door is the range of slopes of lines from the last stored sample (the pivot) that
// pass within the deviation of every sample since. A new sample is inside when the line
// from the pivot to it lies in the door; then it is held and narrows the door. A sample
// outside stores the held one (the line to it was in the door, so it covers every sample
// dropped before it) and a new door opens from there. PI's classic test instead asks only
// whether the door is still open once the new sample narrows it, and stores the held
// sample's own value: that line can miss a dropped sample by up to twice the deviation.
import type { Sample } from '../domain/point.js';
import { comparable, due, hold, restart, sameReading, type Series } from './series.js';

export function offerSwingingDoor(series: Series, sample: Sample, deviation: number): readonly Sample[] {
  const { stored } = series;
  // A null, NaN or text reading breaks the line: stored when it changes, closing the segment before it.
  if (!comparable(sample, stored)) {
    if (!sameReading(sample, stored)) return storeAfter(series, series.held, sample);
    return due(series, sample) ? storeAfter(series, null, sample) : hold(series, sample);
  }
  const slope = (sample.value! - stored.value!) / (sample.ts - stored.ts);
  if (slope >= series.low && slope <= series.high) {
    if (due(series, sample)) return storeAfter(series, null, sample); // the line to it covers the held ones
    narrow(series, sample, deviation);
    return hold(series, sample);
  }
  // Outside. The door admits every slope until a sample is held, so one is held here.
  const end = series.held!;
  restart(series, end);
  if (due(series, sample)) return storeAfter(series, end, sample);
  narrow(series, sample, deviation);
  series.held = sample;
  return [end];
}

/** Stores `end` (when given: the end of the open segment) and `sample`, and starts over from `sample`. */
function storeAfter(series: Series, end: Sample | null, sample: Sample): readonly Sample[] {
  restart(series, sample);
  return end === null ? [sample] : [end, sample];
}

/** Narrows the door to the lines that also pass within `deviation` of `sample`. */
function narrow(series: Series, sample: Sample, deviation: number): void {
  const pivot = series.stored.value!;
  const dt = sample.ts - series.stored.ts;
  series.low = Math.max(series.low, (sample.value! - deviation - pivot) / dt);
  series.high = Math.min(series.high, (sample.value! + deviation - pivot) / dt);
}
