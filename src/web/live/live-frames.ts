// Frames of the live feed (docs/API.md, "WebSocket live feed"). Serialised once per event,
// whatever the number of viewers.
import type { Sample } from '../../domain/point.js';
import type { FleetDevice } from '../../services/index.js';
import type { ErrorCode } from '../errors.js';

export const FLEET = 'fleet';
export const DEVICE_PREFIX = 'device:';

export type DeviceEvent = 'online' | 'offline' | 'unreachable' | 'reachable';

export type ServerFrame =
  | { type: 'hello'; user: string; role: string; keepAliveMs: number; at: number }
  | {
      type: 'snapshot';
      topic: string;
      device: FleetDevice | null;
      values: readonly Sample[];
      unreachable: boolean;
      at: number;
    }
  | FleetPage
  | {
      type: 'delta';
      topic: typeof FLEET;
      /** The version the viewer had; `version` the one it has now. */
      since: number;
      version: number;
      online: number;
      devices: readonly FleetDevice[];
      removed: readonly string[];
      at: number;
    }
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
  /** Alarms changed (of this device, or of the fleet): fetch /api/alarms/open again. */
  | { type: 'alarms'; topic: string; deviceId: string | null; at: number }
  | { type: 'keepalive'; at: number }
  | { type: 'pong'; at: number }
  | { type: 'unsubscribed'; topic: string; at: number }
  | { type: 'error'; code: ErrorCode; message: string; topic?: string; retryAfterMs?: number };

/** One page of the fleet snapshot: `page` of `pages`, `online` devices in all of them. */
export interface FleetPage {
  type: 'snapshot';
  topic: typeof FLEET;
  version: number;
  page: number;
  pages: number;
  online: number;
  devices: readonly FleetDevice[];
  at: number;
}

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

/**
 * A fleet page's JSON from device summaries already serialised once for every viewer:
 * the same text as JSON.stringify of the FleetPage.
 */
export function fleetPageText(head: Omit<FleetPage, 'type' | 'topic' | 'devices'>, devices: readonly string[]): string {
  const frame: FleetPage = { type: 'snapshot', topic: FLEET, ...head, devices: [] };
  const empty = JSON.stringify(frame);
  // `devices` is the last key: its "[]}" ending takes the summaries in between.
  return `${empty.slice(0, -2)}${devices.join(',')}]}`;
}
