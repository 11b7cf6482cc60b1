// The sink framework's device directory (names and profiles from registrations, the registry)
// as the MQTT messages need it: with each point's unit from the device's profile.
import type { DeviceDirectory as Devices } from '../device-directory.js';
import type { DeviceDirectory, DeviceInfo } from './batch-messages.js';

export function mqttDirectory(
  devices: Devices,
  unitOf: (profile: string, point: string) => string | null,
): DeviceDirectory {
  return (deviceId) => {
    const facts = devices.facts(deviceId);
    if (!facts) return null;
    const { profile } = facts;
    const info: DeviceInfo = {
      name: facts.name,
      profile,
      unit: (point) => (profile === null ? null : unitOf(profile, point)),
    };
    return info;
  };
}
