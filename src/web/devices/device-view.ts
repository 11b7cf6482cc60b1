// The device as the API shows it: what the database remembers (first/last seen) merged
// with what is connected right now: a DTU session, or an outbound channel that lists the
// device among its `devices`. Those are the truth for "online": the database's status can
// lag a write batch behind.
import { channelPoints } from '../../channels/channel-points.js';
import type { CollectorStatus } from '../../channels/collector.js';
import type { ChannelType } from '../../domain/channels.js';
import type { DeviceProfile } from '../../domain/config.js';
import type { SessionStatus } from '../../gateway/session.js';
import type { DeviceRow } from '../../storage/index.js';
import type { WebApp } from '../web-app.js';

/** How a device reaches dtuhub: a DTU that connected to a listener, or a peer a channel connects to. */
export type DeviceVia = { readonly kind: 'dtu'; readonly listener: string } | { readonly kind: 'channel'; readonly channel: string; readonly type: ChannelType };

export interface DeviceSummary {
  readonly registrationId: string;
  readonly name: string | null;
  readonly profile: string;
  readonly status: 'online' | 'offline';
  readonly ip: string;
  readonly port: number;
  readonly listener: string;
  /** Derived from `listener`; null when the device has never connected. */
  readonly via: DeviceVia | null;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  readonly connectedAt: number | null;
  readonly lastHeartbeatAt: number | null;
  readonly lastDataAt: number | null;
}

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
  return { name: s.name, profile: s.profile, remote: s.remote, listener: s.remote.listener, connectedAt: s.connectedAt, lastHeartbeatAt: s.lastHeartbeatAt, lastDataAt: s.lastDataAt };
}

/** Channels keep no per-device times: the channel's connect and last collection stand in. */
function channelPresence(c: CollectorStatus): Presence {
  return { name: null, profile: null, remote: null, listener: c.name, connectedAt: c.connectedAt, lastHeartbeatAt: null, lastDataAt: c.lastCollectAt };
}

/** Names are unique across listeners and channels (checked when config loads), so the name tells which. */
export function viaOf(app: WebApp, listener: string): DeviceVia | null {
  if (listener === '') return null;
  if (app.channels.has(listener)) return { kind: 'channel', channel: listener, type: app.channels.get(listener).config.type };
  return { kind: 'dtu', listener };
}

/** `id` names a device the database does not know yet (only used when it is online). */
export function summarize(app: WebApp, row: DeviceRow | null, live: Presence | null, id: string | null = null): DeviceSummary | null {
  const registrationId = row?.registrationId ?? (live ? id : null);
  if (registrationId === null) return null;
  const listener = live?.listener ?? row?.listener ?? '';
  return {
    registrationId,
    name: live?.name ?? row?.name ?? null,
    profile: live?.profile ?? row?.profile ?? '',
    status: live ? 'online' : 'offline',
    ip: live?.remote?.ip ?? row?.lastIp ?? '',
    port: live?.remote?.port ?? row?.lastPort ?? 0,
    listener,
    via: viaOf(app, listener),
    firstSeen: row?.firstSeen ?? null,
    lastSeen: row?.lastSeen ?? null,
    connectedAt: live?.connectedAt ?? null,
    lastHeartbeatAt: live?.lastHeartbeatAt ?? null,
    lastDataAt: live?.lastDataAt ?? null,
  };
}

/** Online sessions by registration ID. */
export function onlineSessions(app: WebApp): Map<string, SessionStatus> {
  const out = new Map<string, SessionStatus>();
  for (const s of app.gateway.sessions()) if (s.deviceId !== null && s.state === 'active') out.set(s.deviceId, s);
  return out;
}

/** Devices the outbound channels feed right now, with the channel feeding each. */
export function channelDevices(app: WebApp): Map<string, CollectorStatus> {
  const out = new Map<string, CollectorStatus>();
  for (const c of app.channels.list()) for (const id of c.devices) if (!out.has(id)) out.set(id, c);
  return out;
}

/** Every device connected right now by registration ID; a DTU session wins over a channel. */
export function onlineDevices(app: WebApp): Map<string, Presence> {
  const out = new Map<string, Presence>();
  for (const [id, c] of channelDevices(app)) out.set(id, channelPresence(c));
  for (const [id, s] of onlineSessions(app)) out.set(id, sessionPresence(s));
  return out;
}

/** Every device the database knows plus any online one it has not stored yet, by ID. */
export async function allDevices(app: WebApp): Promise<DeviceSummary[]> {
  const online = onlineDevices(app);
  const rows = await app.reader.devices();
  const out: DeviceSummary[] = [];
  for (const row of rows) {
    out.push(summarize(app, row, online.get(row.registrationId) ?? null)!);
    online.delete(row.registrationId);
  }
  for (const [id, live] of online) out.push(summarize(app, null, live, id)!);
  return out.sort((a, b) => (a.registrationId < b.registrationId ? -1 : a.registrationId > b.registrationId ? 1 : 0));
}

export async function oneDevice(app: WebApp, id: string): Promise<DeviceSummary | null> {
  return summarize(app, await app.reader.device(id), onlineDevices(app).get(id) ?? null, id);
}

/** A point as the API describes it (GET /api/devices/:id `points`). */
export interface PointInfo {
  readonly name: string;
  readonly slave: number;
  readonly fn: number;
  readonly address: number;
  /** The register type; `mapped` for a value an MQTT, HTTP or OPC UA channel maps (slave, fn and address 0). */
  readonly type: string;
  readonly unit: string | null;
  readonly description: string | null;
}

/**
 * A device's points: its points.yml profile's or, for a device an MQTT, HTTP or OPC UA
 * channel feeds (no such profile), the points those channels map for it. No database read.
 */
export function devicePoints(app: WebApp, profileName: string, deviceId: string): PointInfo[] {
  const profile: DeviceProfile | undefined = app.config.points.profiles.get(profileName);
  if (profile) {
    return profile.points.map((p) => ({ name: p.name, slave: p.slave, fn: p.fn, address: p.address, type: p.type, unit: p.unit ?? null, description: p.description ?? null }));
  }
  const byName = new Map<string, PointInfo>();
  for (const channel of app.config.server.channels) {
    for (const p of channelPoints(channel, deviceId)) {
      if (!byName.has(p.name)) byName.set(p.name, { name: p.name, slave: 0, fn: 0, address: 0, type: 'mapped', unit: p.unit ?? null, description: null });
    }
  }
  return [...byName.values()];
}

/** Units of a device's points by name, for values shown without a database read. */
export function pointUnits(app: WebApp, profileName: string, deviceId: string): Map<string, string | null> {
  return new Map(devicePoints(app, profileName, deviceId).map((p) => [p.name, p.unit]));
}
