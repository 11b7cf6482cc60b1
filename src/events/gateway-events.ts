// Gateway bus events → framework events: which bus event becomes which catalogue entry,
// with what payload. `data` is not mapped here: rules read samples directly (hot path),
// and data.received is only built when a rule asks for it.
import type { ChannelState, GatewayEvents } from '../domain/events.js';
import type { EventType } from '../domain/rules.js';
import { makeEvent, type DtuEvent } from './event.js';

// device.rejected is not mapped: a duplicate ID refused while the original session stays
// up must not read as that device going offline.
type Mapped = Exclude<
  keyof GatewayEvents,
  'data' | 'packet' | 'heartbeat' | 'connection.opened' | 'connection.refused' | 'device.rejected'
>;

export const MAPPED_BUS_EVENTS: readonly Mapped[] = [
  'device.registered',
  'device.offline',
  'heartbeat.missed',
  'poll.failed',
  'poll.exception',
  'slave.backoff',
  'slave.recovered',
  'channel.state',
];

/** Outbound channel states that become events; `connecting` would only be noise. */
const CHANNEL_EVENT: Partial<Record<ChannelState, EventType>> = {
  connected: 'channel.connected',
  disconnected: 'channel.disconnected',
  error: 'channel.failed',
  'backing-off': 'channel.backoff',
  stopped: 'channel.stopped',
};

/**
 * The framework events for one bus event. A registration is `device.online`, preceded by
 * `device.registered` the first time dtuhub ever sees that ID (`firstTime`).
 */
export function fromBus<K extends Mapped>(
  type: K,
  e: GatewayEvents[K],
  firstTime: (deviceId: string) => boolean,
): DtuEvent[] {
  switch (type) {
    case 'device.registered': {
      const r = e as GatewayEvents['device.registered'];
      const payload = {
        profile: r.profile,
        name: r.name,
        ip: r.remote.ip,
        port: r.remote.port,
        listener: r.remote.listener,
      };
      // Made in this order so the ids sort registered before online.
      const registered = firstTime(r.deviceId) ? [makeEvent('device.registered', r.deviceId, r.at, payload)] : [];
      return [...registered, makeEvent('device.online', r.deviceId, r.at, payload)];
    }
    case 'device.offline': {
      const r = e as GatewayEvents['device.offline'];
      return [
        makeEvent('device.offline', r.deviceId, r.at, {
          reason: r.reason,
          details: r.details,
          ip: r.remote.ip,
          port: r.remote.port,
          listener: r.remote.listener,
        }),
      ];
    }
    case 'heartbeat.missed': {
      const r = e as GatewayEvents['heartbeat.missed'];
      return [makeEvent('heartbeat.missed', r.deviceId, r.at, { misses: r.misses, maxMisses: r.maxMisses })];
    }
    case 'poll.failed': {
      const r = e as GatewayEvents['poll.failed'];
      return [
        makeEvent('poll.failed', r.deviceId, r.at, {
          slave: r.slave,
          fn: r.fn,
          address: r.address,
          quantity: r.quantity,
          reason: r.reason,
          ...(r.identifier !== undefined ? { identifier: r.identifier } : {}),
        }),
      ];
    }
    case 'poll.exception': {
      const r = e as GatewayEvents['poll.exception'];
      return [
        makeEvent('poll.exception', r.deviceId, r.at, {
          slave: r.slave,
          fn: r.fn,
          address: r.address,
          code: r.code,
          // A meter's refusal: the identifier asked and the reasons its error-status byte gives.
          ...(r.identifier !== undefined ? { identifier: r.identifier, reasons: (r.reasons ?? []).join(', ') } : {}),
        }),
      ];
    }
    case 'slave.backoff': {
      const r = e as GatewayEvents['slave.backoff'];
      return [
        makeEvent('slave.backoff', r.deviceId, r.at, { slave: r.slave, failures: r.failures, untilMs: r.untilMs }),
      ];
    }
    case 'slave.recovered': {
      const r = e as GatewayEvents['slave.recovered'];
      return [makeEvent('slave.recovered', r.deviceId, r.at, { slave: r.slave })];
    }
    case 'channel.state': {
      const r = e as GatewayEvents['channel.state'];
      const type = CHANNEL_EVENT[r.state];
      if (!type || r.state === r.previous) return [];
      const payload: Record<string, unknown> = { channel: r.channel, channelType: r.type };
      if (r.error !== null) payload['error'] = r.error;
      if (r.retryInMs !== null) payload['retryInMs'] = r.retryInMs;
      return [makeEvent(type, null, r.at, payload)];
    }
    default:
      return [];
  }
}
