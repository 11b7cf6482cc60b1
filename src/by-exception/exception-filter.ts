// Store by exception: which samples become raw history rows. Pure and synchronous (no IO,
// no clock but the samples' own times): one small record per series, held per device so
// a device that goes away is forgotten in one step.
//
// The first sample of a series is always stored, and so is one at least every maxInterval.
// The newest sample not stored is held, so release() can store it when its device goes
// offline or the server stops: the stored series always reaches the last value read.
import type { HistoryPolicy } from '../domain/history-policy.js';
import type { Sample } from '../domain/point.js';
import { offerDeadband, offerOnChange } from './deadband.js';
import { newSeries, restart, samePolicy, type Series } from './series.js';
import { offerSwingingDoor } from './swinging-door.js';

export class ExceptionFilter {
  /** Device → point → series. */
  private readonly devices = new Map<string, Map<string, Series>>();

  /**
   * The samples to store as raw rows now, in time order: none (dropped, or held for
   * later), `sample`, or with a swinging door the held sample that ends a segment, alone
   * or before `sample`. Samples of one series must come in the order they were read.
   */
  offer(sample: Sample, policy: HistoryPolicy): readonly Sample[] {
    let points = this.devices.get(sample.deviceId);
    const series = points?.get(sample.point);
    if (policy.mode === 'every') {
      if (series === undefined) return [sample];
      points!.delete(sample.point); // the policy changed: what was held goes first
      return series.held === null ? [sample] : [series.held, sample];
    }
    if (series === undefined || !samePolicy(series.policy, policy)) {
      if (points === undefined) {
        points = new Map();
        this.devices.set(sample.deviceId, points);
      }
      points.set(sample.point, newSeries(policy, sample));
      return series?.held ? [series.held, sample] : [sample];
    }
    // A clock set back (or a repeated time) would make slopes and intervals meaningless.
    if (sample.ts <= (series.held ?? series.stored).ts) {
      const held = series.held;
      restart(series, sample);
      return held === null ? [sample] : [held, sample];
    }
    switch (policy.mode) {
      case 'on-change':
        return offerOnChange(series, sample);
      case 'deadband':
        return offerDeadband(series, sample, policy.deviation);
      case 'swinging-door':
        return offerSwingingDoor(series, sample, policy.deviation);
    }
  }

  /** The samples of `deviceId` still held, to store now; the device's series are forgotten. */
  release(deviceId: string): Sample[] {
    const points = this.devices.get(deviceId);
    if (points === undefined) return [];
    this.devices.delete(deviceId);
    return heldOf(points);
  }

  /** release() for every device (at shutdown). */
  releaseAll(): Sample[] {
    const held = [...this.devices.values()].flatMap(heldOf);
    this.devices.clear();
    return held;
  }

  /** Series with state, for tests and status: bounded by devices × points. */
  get seriesCount(): number {
    let count = 0;
    for (const points of this.devices.values()) count += points.size;
    return count;
  }
}

function heldOf(points: ReadonlyMap<string, Series>): Sample[] {
  const held: Sample[] = [];
  for (const series of points.values()) if (series.held !== null) held.push(series.held);
  return held;
}
