// Pure: which event an event-rule alarm waits for to clear (docs/EVENTS.md, "Alarms"). An
// event with no counterpart (poll.failed, heartbeat.missed…) raises an alarm that is
// cleared at once: it stays on the list only until acknowledged. Events that are
// themselves the good news (device.online…) never raise one.
import type { EventType } from '../../domain/rules.js';

export const CLEARED_BY: Readonly<Partial<Record<EventType, EventType>>> = {
  'device.offline': 'device.online',
  'slave.backoff': 'slave.recovered',
  'channel.disconnected': 'channel.connected',
  'channel.failed': 'channel.connected',
  'channel.backoff': 'channel.connected',
  'store.degraded': 'store.recovered',
  'store.spilling': 'store.recovered',
};

const CLEARING = new Set<string>(Object.values(CLEARED_BY));

/** device.online, slave.recovered, channel.connected, store.recovered: clear, never raise. */
export function isClearingEvent(type: string): boolean {
  return CLEARING.has(type);
}

/** The event types an event of `type` clears. */
export function clearedBy(type: string): string[] {
  return Object.entries(CLEARED_BY).flatMap(([raising, clearing]) => (clearing === type ? [raising] : []));
}
