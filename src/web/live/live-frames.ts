// Frames of the live feed (docs/API.md, "WebSocket live feed"). Serialised once per event,
// whatever the number of viewers.
import type { Sample } from '../../domain/point.js';
import type { DeviceSummary } from '../../services/index.js';

export const FLEET = 'fleet';
export const DEVICE_PREFIX = 'device:';

export type DeviceEvent = 'online' | 'offline' | 'unreachable' | 'reachable';

export type ServerFrame =
  | { type: 'hello'; user: string; role: string; keepAliveMs: number; at: number }
  | {
      type: 'snapshot';
      topic: string;
      device: DeviceSummary | null;
      values: readonly Sample[];
      unreachable: boolean;
      at: number;
    }
  | { type: 'snapshot'; topic: typeof FLEET; online: number; devices: readonly DeviceSummary[]; at: number }
  | { type: 'data'; topic: string; deviceId: string; samples: readonly Sample[]; polledAt: number; at: number }
  | { type: 'device'; topic: string; deviceId: string; event: DeviceEvent; reason: string | null; at: number }
  | {
      type: 'unreachable';
      topic: string;
      deviceId: string;
      failures: number;
      slave: number;
      reason: string;
      at: number;
    }
  | { type: 'status'; topic: typeof FLEET; status: unknown; at: number }
  | { type: 'keepalive'; at: number }
  | { type: 'pong'; at: number }
  | { type: 'unsubscribed'; topic: string; at: number }
  | { type: 'error'; code: string; message: string };

export type ClientMessage = { type: 'subscribe' | 'unsubscribe'; topic: string } | { type: 'ping' };

const MAX_TOPIC_LENGTH = 200;

/** Parses and checks one client frame; null when it is not a message we know. */
export function parseClientMessage(text: string): ClientMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { type, topic } = value as { type?: unknown; topic?: unknown };
  if (type === 'ping') return { type };
  if ((type === 'subscribe' || type === 'unsubscribe') && typeof topic === 'string' && isTopic(topic))
    return { type, topic };
  return null;
}

export function isTopic(topic: string): boolean {
  if (topic === FLEET) return true;
  return topic.startsWith(DEVICE_PREFIX) && topic.length > DEVICE_PREFIX.length && topic.length <= MAX_TOPIC_LENGTH;
}

export function deviceTopic(deviceId: string): string {
  return DEVICE_PREFIX + deviceId;
}
