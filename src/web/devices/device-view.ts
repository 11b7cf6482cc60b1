// The device as the API shows it: what the database remembers (first/last seen) merged
// with what the gateway knows right now (online, address, timers). The gateway is the
// truth for "online": the database's status can lag a write batch behind.
import type { DeviceProfile } from '../../domain/config.js';
import type { SessionStatus } from '../../gateway/session.js';
import type { DeviceRow } from '../../storage/index.js';
import type { WebApp } from '../web-app.js';

export interface DeviceSummary {
  readonly registrationId: string;
  readonly name: string | null;
  readonly profile: string;
  readonly status: 'online' | 'offline';
  readonly ip: string;
  readonly port: number;
  readonly listener: string;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  readonly connectedAt: number | null;
  readonly lastHeartbeatAt: number | null;
  readonly lastDataAt: number | null;
}

export function summarize(row: DeviceRow | null, session: SessionStatus | null): DeviceSummary | null {
  const id = row?.registrationId ?? session?.deviceId ?? null;
  if (id === null) return null;
  return {
    registrationId: id,
    name: session?.name ?? row?.name ?? null,
    profile: session?.profile ?? row?.profile ?? '',
    status: session ? 'online' : 'offline',
    ip: session?.remote.ip ?? row?.lastIp ?? '',
    port: session?.remote.port ?? row?.lastPort ?? 0,
    listener: session?.remote.listener ?? row?.listener ?? '',
    firstSeen: row?.firstSeen ?? null,
    lastSeen: row?.lastSeen ?? null,
    connectedAt: session?.connectedAt ?? null,
    lastHeartbeatAt: session?.lastHeartbeatAt ?? null,
    lastDataAt: session?.lastDataAt ?? null,
  };
}

/** Online sessions by registration ID. */
export function onlineSessions(app: WebApp): Map<string, SessionStatus> {
  const out = new Map<string, SessionStatus>();
  for (const s of app.gateway.sessions()) if (s.deviceId !== null && s.state === 'active') out.set(s.deviceId, s);
  return out;
}

/** Every device the database knows plus any online one it has not stored yet, by ID. */
export async function allDevices(app: WebApp): Promise<DeviceSummary[]> {
  const sessions = onlineSessions(app);
  const rows = await app.reader.devices();
  const out: DeviceSummary[] = [];
  for (const row of rows) {
    out.push(summarize(row, sessions.get(row.registrationId) ?? null)!);
    sessions.delete(row.registrationId);
  }
  for (const session of sessions.values()) out.push(summarize(null, session)!);
  return out.sort((a, b) => (a.registrationId < b.registrationId ? -1 : a.registrationId > b.registrationId ? 1 : 0));
}

export async function oneDevice(app: WebApp, id: string): Promise<DeviceSummary | null> {
  const session = onlineSessions(app).get(id) ?? null;
  return summarize(await app.reader.device(id), session);
}

/** Units of a profile's points by name, for values shown without a database read. */
export function pointUnits(app: WebApp, profileName: string): Map<string, string | null> {
  const profile: DeviceProfile | undefined = app.config.points.profiles.get(profileName);
  return new Map((profile?.points ?? []).map((p) => [p.name, p.unit ?? null]));
}
