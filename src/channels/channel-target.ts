// A channel's peer as one line of text, from its config alone (check-config, logs before start).
import type { ChannelConfig } from '../domain/channels.js';
import { displayUrl } from './peer-url.js';
import { s7Feeds } from './s7/s7-target.js';

export function channelTarget(config: ChannelConfig): string {
  switch (config.type) {
    case 'modbus-tcp':
    case 'rtu-over-tcp':
    case 'mc':
      return `${config.host}:${config.port}`;
    case 's7':
      return `${config.host}:${config.port} rack ${config.rack} slot ${config.slot}`;
    case 'mqtt':
    case 'http':
      return displayUrl(new URL(config.url));
    case 'opcua':
      return displayUrl(new URL(config.endpoint));
  }
}

/** What the channel stores under: a fixed device, a profile, or whatever the peer reports. */
export function channelFeeds(config: ChannelConfig): string {
  switch (config.type) {
    case 'modbus-tcp':
      return `device ${config.device}, profile ${config.profile}`;
    case 'rtu-over-tcp':
      return config.device
        ? `device ${config.device}, profile ${config.profile ?? '?'}`
        : `devices registering by link ${config.link ?? '?'}`;
    case 'mqtt':
      return `${config.subscriptions.length} subscription${config.subscriptions.length === 1 ? '' : 's'}`;
    case 'http':
      return `device ${config.device}, ${config.points.length} point${config.points.length === 1 ? '' : 's'}`;
    case 'opcua':
      return `device ${config.device}, ${config.items.length} item${config.items.length === 1 ? '' : 's'}`;
    case 'mc':
      return `device ${config.device}, ${config.tags.length} tag${config.tags.length === 1 ? '' : 's'}, ${config.frame} ${config.frameType.toUpperCase()} frame`;
    case 's7':
      return s7Feeds(config);
  }
}
