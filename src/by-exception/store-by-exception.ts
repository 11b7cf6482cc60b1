// Which raw rows a data event becomes. Each profile's points are resolved once into a
// point → policy map, holding only the points that drop samples; a device is bound to its
// profile's map when it comes online. Per sample that is one map lookup, and a device
// whose profile thins nothing costs one lookup per event and hands its samples through.
import type { PointsConfig } from '../domain/config.js';
import type { ThinningPolicy } from '../domain/history-policy.js';
import type { Sample } from '../domain/point.js';
import { ExceptionFilter } from './exception-filter.js';

type PointPolicies = ReadonlyMap<string, ThinningPolicy>;

export class StoreByException {
  /** Only profiles with a point that drops samples. */
  private byProfile: ReadonlyMap<string, PointPolicies>;
  private readonly byDevice = new Map<string, PointPolicies>();
  private readonly filter = new ExceptionFilter();

  constructor(profiles: PointsConfig['profiles']) {
    this.byProfile = thinningPolicies(profiles);
  }

  /** points.yml reloaded: devices bound from now on (deviceOnline again) get the new policies. */
  setProfiles(profiles: PointsConfig['profiles']): void {
    this.byProfile = thinningPolicies(profiles);
  }

  /**
   * Binds a device to its profile's policies. A profile label that is not in points.yml
   * (`mqtt`, `http`, `opcua` devices) stores every sample.
   */
  deviceOnline(deviceId: string, profile: string): void {
    const policies = this.byProfile.get(profile);
    if (policies) this.byDevice.set(deviceId, policies);
    else this.byDevice.delete(deviceId);
  }

  /** The samples of one data event to store as raw rows: `samples` itself when the device thins none. */
  stored(deviceId: string, samples: readonly Sample[]): readonly Sample[] {
    const policies = this.byDevice.get(deviceId);
    if (policies === undefined) return samples;
    const out: Sample[] = [];
    for (const sample of samples) {
      const policy = policies.get(sample.point);
      if (policy === undefined) out.push(sample);
      else for (const row of this.filter.offer(sample, policy)) out.push(row);
    }
    return out;
  }

  /** The device's held samples, to store now: it went offline, and its state is forgotten. */
  deviceOffline(deviceId: string): Sample[] {
    this.byDevice.delete(deviceId);
    return this.filter.release(deviceId);
  }

  /** Every held sample, to store now: the server stops. */
  releaseAll(): Sample[] {
    this.byDevice.clear();
    return this.filter.releaseAll();
  }
}

function thinningPolicies(profiles: PointsConfig['profiles']): Map<string, PointPolicies> {
  const out = new Map<string, PointPolicies>();
  for (const [name, profile] of profiles) {
    const policies = new Map<string, ThinningPolicy>();
    for (const point of profile.points) if (point.history.mode !== 'every') policies.set(point.name, point.history);
    if (policies.size > 0) out.set(name, policies);
  }
  return out;
}
