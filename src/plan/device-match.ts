// Which profile a registered device gets: exact IDs first, then patterns in file order,
// then the default. `listed` tells the "reject unknown IDs" policy whether the device was
// named (by ID or pattern) rather than caught by the default.
import type { DeviceProfile, PointsConfig } from '../domain/config.js';

export interface DeviceMatchResult {
  readonly profile: DeviceProfile;
  /** Display name from an exact-ID rule, else null. */
  readonly name: string | null;
  readonly listed: boolean;
}

export function matchDevice(points: PointsConfig, id: string): DeviceMatchResult | null {
  const rules = points.devices;
  const exact = rules.find((r) => r.kind === 'id' && r.id === id);
  if (exact?.kind === 'id') return result(points, exact.profile, exact.name, true);
  for (const rule of rules) {
    if (rule.kind === 'pattern' && rule.pattern.test(id)) return result(points, rule.profile, null, true);
  }
  const fallback = rules.find((r) => r.kind === 'default');
  return fallback ? result(points, fallback.profile, null, false) : null;
}

function result(
  points: PointsConfig,
  profileName: string,
  name: string | null,
  listed: boolean,
): DeviceMatchResult | null {
  // The loader guarantees every rule names an existing profile; a hand-built config may not.
  const profile = points.profiles.get(profileName);
  return profile ? { profile, name, listed } : null;
}
