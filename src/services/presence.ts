// Who is connected right now: DTU sessions in the gateway's registry, and the devices the
// outbound channels list. Those are the truth for "online"; the database can lag a batch.
import type { ChannelStatus } from '../channels/channel.js';
import type { SessionStatus } from '../gateway/session.js';
import type { Runtime } from './runtime.js';

/** A device connected right now, through a DTU session or an outbound channel. */
export interface Presence {
  readonly name: string | null;
  readonly profile: string | null;
  /** The peer's address; a channel's device has it only in the database row. */
  readonly remote: { readonly ip: string; readonly port: number } | null;
  readonly listener: string;
  readonly connectedAt: number | null;
  readonly lastHeartbeatAt: number | null;
  readonly lastDataAt: number | null;
}

function sessionPresence(s: SessionStatus): Presence {
  return {
    name: s.name,
    profile: s.profile,
    remote: s.remote,
    listener: s.remote.listener,
    connectedAt: s.connectedAt,
    lastHeartbeatAt: s.lastHeartbeatAt,
    lastDataAt: s.lastDataAt,
  };
}

/** Channels keep no per-device times: the channel's connect and last collection stand in. */
function channelPresence(c: ChannelStatus): Presence {
  return {
    name: null,
    profile: null,
    remote: null,
    listener: c.name,
    connectedAt: c.connectedAt,
    lastHeartbeatAt: null,
    lastDataAt: c.lastCollectAt,
  };
}

/** Online sessions by device ID. */
function onlineSessions(rt: Runtime): Map<string, SessionStatus> {
  const out = new Map<string, SessionStatus>();
  for (const s of rt.gateway.sessions()) if (s.deviceId !== null && s.state === 'active') out.set(s.deviceId, s);
  return out;
}

/** Devices the outbound channels feed right now, with the channel feeding each. */
export function channelDevices(rt: Runtime): Map<string, ChannelStatus> {
  const out = new Map<string, ChannelStatus>();
  for (const c of rt.channels.list()) for (const deviceId of c.devices) if (!out.has(deviceId)) out.set(deviceId, c);
  return out;
}

/**
 * One device's presence without building everyone's (a live-feed subscription per device):
 * the registry's session when active, else the channel listing it, as onlineDevices() decides.
 */
export function presenceOf(rt: Runtime, deviceId: string): Presence | null {
  const session = rt.gateway.registry.get(deviceId);
  if (session && session.state === 'active') return sessionPresence(session.status());
  for (const c of rt.channels.list()) if (c.devices.includes(deviceId)) return channelPresence(c);
  return null;
}

/** The IDs onlineDevices() would list, without the per-device status objects. */
export function onlineDeviceIds(rt: Runtime): Set<string> {
  const out = new Set<string>();
  for (const c of rt.channels.list()) for (const deviceId of c.devices) out.add(deviceId);
  for (const s of rt.gateway.registry.devices()) if (s.deviceId !== null && s.state === 'active') out.add(s.deviceId);
  return out;
}

/** Every device connected right now by device ID; a DTU session wins over a channel. */
export function onlineDevices(rt: Runtime): Map<string, Presence> {
  const out = new Map<string, Presence>();
  for (const [deviceId, c] of channelDevices(rt)) out.set(deviceId, channelPresence(c));
  for (const [deviceId, s] of onlineSessions(rt)) out.set(deviceId, sessionPresence(s));
  return out;
}
