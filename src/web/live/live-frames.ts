// Frames of the live feed (docs/API.md, "WebSocket live feed"). Serialised once per event,
// whatever the number of viewers.
import type { Sample } from '../../domain/point.js';
import type { DeviceSummary } from '../devices/device-view.js';

export const FLEET = 'fleet';
export const DEVICE_PREFIX = 'device:';

export type DeviceEvent = 'online' | 'offline' | 'unreachable' | 'reachable';

export type ServerFrame =
  | { type: 'hello'; user: string; role: string; keepAliveMs: number; at: number }
  | { type: 'snapshot'; channel: string; device: DeviceSummary | null; values: readonly Sample[]; unreachable: boolean; at: number }
  | { type: 'snapshot'; channel: typeof FLEET; online: number; devices: readonly DeviceSummary[]; at: number }
  | { type: 'data'; channel: string; deviceId: string; samples: readonly Sample[]; polledAt: number; at: number }
  | { type: 'device'; channel: string; deviceId: string; event: DeviceEvent; reason: string | null; at: number }
  | { type: 'unreachable'; channel: string; deviceId: string; failures: number; slave: number; reason: string; at: number }
  | { type: 'status'; channel: typeof FLEET; status: unknown; at: number }
  | { type: 'keepalive'; at: number }
  | { type: 'pong'; at: number }
  | { type: 'unsubscribed'; channel: string; at: number }
  | { type: 'error'; code: string; message: string };

export type ClientMessage = { type: 'subscribe' | 'unsubscribe'; channel: string } | { type: 'ping' };

const MAX_CHANNEL_LENGTH = 200;

/** Parses and checks one client frame; null when it is not a message we know. */
export function parseClientMessage(text: string): ClientMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { type, channel } = value as { type?: unknown; channel?: unknown };
  if (type === 'ping') return { type };
  if ((type === 'subscribe' || type === 'unsubscribe') && typeof channel === 'string' && isChannel(channel)) return { type, channel };
  return null;
}

export function isChannel(channel: string): boolean {
  if (channel === FLEET) return true;
  return channel.startsWith(DEVICE_PREFIX) && channel.length > DEVICE_PREFIX.length && channel.length <= MAX_CHANNEL_LENGTH;
}

export function deviceChannel(deviceId: string): string {
  return DEVICE_PREFIX + deviceId;
}
