// The latest value of every point of every device, in memory: what the dashboard and the
// live feed show without touching the database. O(1) per sample.
import type { Sample } from '../domain/point.js';

export class LatestValues {
  private readonly byDevice = new Map<string, Map<string, Sample>>();

  /** Keeps each sample unless a newer one for the same point is already held. */
  update(samples: readonly Sample[]): void {
    for (const sample of samples) {
      let points = this.byDevice.get(sample.deviceId);
      if (!points) {
        points = new Map();
        this.byDevice.set(sample.deviceId, points);
      }
      const held = points.get(sample.point);
      // A late response (retries, reordering) must not overwrite a newer reading.
      if (held === undefined || sample.ts >= held.ts) points.set(sample.point, sample);
    }
  }

  /** Latest sample of each point of a device, in the order the points were first seen. */
  device(deviceId: string): Sample[] {
    const points = this.byDevice.get(deviceId);
    return points ? [...points.values()] : [];
  }

  get(deviceId: string, point: string): Sample | undefined {
    return this.byDevice.get(deviceId)?.get(point);
  }

  /** Registration IDs with at least one value. */
  devices(): string[] {
    return [...this.byDevice.keys()];
  }

  /** Drops a device's values (removed from config, or its ID reassigned); true if it had any. */
  forget(deviceId: string): boolean {
    return this.byDevice.delete(deviceId);
  }

  get size(): number {
    return this.byDevice.size;
  }
}
