// Pure: whether a rule's `devices:` filter takes a device. Every part given must match.
import type { DeviceFilter } from '../../domain/rules.js';

export function matchesDevice(filter: DeviceFilter, deviceId: string, profile: string | null): boolean {
  if (filter.ids && !filter.ids.includes(deviceId)) return false;
  if (filter.pattern && !filter.pattern.test(deviceId)) return false;
  if (filter.profiles && (profile === null || !filter.profiles.includes(profile))) return false;
  return true;
}
