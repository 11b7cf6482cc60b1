// Events raised by the gateway, carried by the typed bus (src/bus.ts). The storage,
// the latest-value cache, and later the rule engine and the web feed subscribe to them.
import type { ChannelType } from './channels.js';
import type { Sample } from './point.js';

export type OfflineReason =
  'closed' | 'heartbeat_timeout' | 'replaced' | 'rejected' | 'shutdown' | 'error' | 'overflow';

export interface Remote {
  readonly ip: string;
  readonly port: number;
  readonly listener: string;
}

/** A poll event about a DL/T 645 meter: `fn` is the meter's function, `address` the identifier code. */
export interface MeterSource {
  readonly protocol: 'dlt645';
  /** The catalogue name points.yml used (voltage.a). */
  readonly identifier: string;
}

export interface GatewayEvents {
  'connection.opened': { remote: Remote; at: number };
  'connection.refused': { remote: Remote; at: number; reason: 'max-connections' };
  'device.registered': { deviceId: string; profile: string; name: string | null; remote: Remote; at: number };
  /** points.yml was reloaded and gave an online device another name or profile (or changed its profile). */
  'device.reconfigured': { deviceId: string; profile: string; name: string | null; remote: Remote; at: number };
  /** An alarm was raised, re-fired, cleared or acknowledged (docs/EVENTS.md, "Alarms"); null: no device. */
  'alarm.changed': { deviceId: string | null; at: number };
  /** The device registry's entry of a device changed (renamed, moved, disabled…) from the API or an import. */
  'device.edited': { deviceId: string; at: number };
  'device.rejected': { deviceId: string | null; remote: Remote; at: number; reason: string };
  'device.offline': { deviceId: string; remote: Remote; at: number; reason: OfflineReason; details: string | null };
  heartbeat: { deviceId: string; remote: Remote; at: number; embedded: boolean };
  'heartbeat.missed': { deviceId: string; at: number; misses: number; maxMisses: number };
  'poll.failed': {
    deviceId: string;
    slave: number;
    fn: number;
    address: number;
    quantity: number;
    at: number;
    reason: 'timeout' | 'bad-response' | 'closed';
  } & Partial<MeterSource>;
  /** DL/T 645: `code` is the meter's error-status byte, `reasons` its bits by name. */
  'poll.exception': {
    deviceId: string;
    slave: number;
    fn: number;
    address: number;
    at: number;
    code: number;
  } & Partial<MeterSource & { reasons: readonly string[] }>;
  'slave.backoff': { deviceId: string; slave: number; at: number; failures: number; untilMs: number };
  'slave.recovered': { deviceId: string; slave: number; at: number };
  data: { deviceId: string; samples: readonly Sample[]; polledAt: number; at: number };
  /** An outbound channel changed state (src/channels/channel.ts). */
  'channel.state': {
    channel: string;
    type: ChannelType;
    state: ChannelState;
    previous: ChannelState;
    at: number;
    error: string | null;
    retryInMs: number | null;
  };
  packet: {
    deviceId: string | null;
    remote: Remote;
    direction: 'in' | 'out';
    kind: PacketKind;
    bytes: Uint8Array;
    at: number;
    note: string | null;
  };
}

/**
 * stopped → connecting → connected → disconnected → backing-off → connecting …; a failed
 * attempt goes connecting → error → backing-off. `disconnected` and `error` are passed
 * through at once (events record them); a status shows the state it rests in.
 */
export type ChannelState = 'stopped' | 'connecting' | 'connected' | 'disconnected' | 'error' | 'backing-off';

export type PacketKind =
  'registration' | 'heartbeat' | 'request' | 'response' | 'exception' | 'garbage' | 'stray' | 'data' | 'ack';
