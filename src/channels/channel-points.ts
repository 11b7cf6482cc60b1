// The points MQTT, HTTP, OPC UA, MC and S7 channels map for a device. They have no points.yml
// profile, so the device page (units, charts) and the exports learn a device's points here.
import type { ChannelConfig, MappedPoint } from '../domain/channels.js';

/**
 * Points `config` maps for `deviceId`, by name (the first definition of a name wins). An MQTT
 * subscription that takes the device from the topic or the payload may feed any device, so
 * its points count for every device. Modbus channels have none: their profile has the points.
 */
export function channelPoints(config: ChannelConfig, deviceId: string): MappedPoint[] {
  switch (config.type) {
    case 'http':
      return config.device === deviceId ? [...config.points] : [];
    case 'opcua':
      return config.device === deviceId ? [...config.items] : [];
    case 'mc':
    case 's7':
      return config.device === deviceId ? [...config.tags] : [];
    case 'mqtt': {
      const byName = new Map<string, MappedPoint>();
      for (const subscription of config.subscriptions) {
        const { device } = subscription;
        if (device.kind === 'fixed' && device.id !== deviceId) continue;
        for (const point of subscription.points) if (!byName.has(point.name)) byName.set(point.name, point);
      }
      return [...byName.values()];
    }
    case 'modbus-tcp':
    case 'rtu-over-tcp':
      return [];
  }
}
