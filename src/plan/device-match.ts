// Which profile a registered device gets: exact IDs first, then patterns in file order,
// then the default. `listed` tells the "reject unknown IDs" policy whether the device was
// named (by ID or pattern) rather than caught by the default.
import type { DeviceProfile, PointsConfig } from '../domain/config.js';
import type { RegistryEntry } from '../domain/registry.js';

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

/** Whether a registering device may connect, and as what (points.yml first, then the registry). */
export type Admission =
  | { readonly admitted: true; readonly profile: DeviceProfile; readonly name: string | null }
  | { readonly admitted: false; readonly reason: 'disabled' | 'unknown' };

/**
 * points.yml wins where it says something: an exact or pattern entry picks the profile, an
 * exact entry's name is the name. Otherwise the registry's profile override (when it names a
 * profile that exists) and name. A registry entry counts as listed for `unknownIds: reject`;
 * a disabled one is refused whatever points.yml says.
 */
export function admitDevice(
  points: PointsConfig,
  id: string,
  entry: RegistryEntry | undefined,
  unknownIds: 'accept' | 'reject',
): Admission {
  if (entry && !entry.enabled) return { admitted: false, reason: 'disabled' };
  const match = matchDevice(points, id);
  if (match?.listed) return { admitted: true, profile: match.profile, name: match.name ?? entry?.name ?? null };
  if (!entry && unknownIds === 'reject') return { admitted: false, reason: 'unknown' };
  const override = entry?.profileOverride ? points.profiles.get(entry.profileOverride) : undefined;
  const profile = override ?? match?.profile;
  return profile ? { admitted: true, profile, name: entry?.name ?? null } : { admitted: false, reason: 'unknown' };
}
