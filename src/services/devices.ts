// Devices as the web and the CLI see them: what the database remembers (first/last seen)
// merged with what is connected right now (presence.ts), plus a device's points, slaves and
// latest values. Plain objects only; no session or channel object leaves this module.
import { channelPoints } from '../channels/channel-points.js';
import type { ChannelType } from '../domain/channels.js';
import type { PointDescription, Sample } from '../domain/point.js';
import type { DeviceRow } from '../storage/index.js';
import { matchDevice } from '../plan/device-match.js';
import { pointKind, type PointKind } from './point-kind.js';
import { onlineDeviceIds, onlineDevices, presenceOf, type Presence } from './presence.js';
import { registryView, type RegistryView } from './registry-view.js';
import type { Runtime } from './runtime.js';

/** How a device reaches dtuhub: a DTU that connected to a listener, or a peer a channel connects to. */
export type DeviceVia =
  | { readonly kind: 'dtu'; readonly listener: string }
  | { readonly kind: 'channel'; readonly channel: string; readonly type: ChannelType };

/** What the gateway knows of a device, with its registry fields (registry-view.ts). */
export interface DeviceSummary extends RegistryView {
  readonly registrationId: string;
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

/**
 * An online device as the live fleet view shows it: the summary without the registry's
 * descriptive fields (description, location, tags, notes…), which the device pages read over
 * the API. A fleet page holds 500 of these, sent to every viewer of the fleet.
 */
export type FleetDeviceField =
  | 'registrationId'
  | 'name'
  | 'group'
  | 'enabled'
  | 'profile'
  | 'status'
  | 'ip'
  | 'port'
  | 'listener'
  | 'via'
  | 'connectedAt'
  | 'lastHeartbeatAt'
  | 'lastDataAt';
export type FleetDevice = Pick<DeviceSummary, FleetDeviceField>;

/** A point as the API describes it. */
export interface PointInfo {
  readonly name: string;
  readonly slave: number;
  readonly fn: number;
  readonly address: number;
  /** The register type; `mapped` for a value an MQTT, HTTP or OPC UA channel maps (slave, fn and address 0). */
  readonly type: string;
  readonly unit: string | null;
  /** What it measures, per UI language. */
  readonly description: PointDescription | null;
  /** `state`: drawn as steps (see point-kind.ts). */
  readonly kind: PointKind;
}

export interface SlaveState {
  readonly slave: number;
  readonly name: string;
  readonly consecutiveFailures: number;
  readonly backedOff: boolean;
  readonly backoffUntil: number;
  readonly backoffMs: number;
  readonly lastSuccessAt: number | null;
  readonly lastFailureAt: number | null;
  /** `modbus`, or the meter's edition: `dlt645-2007`, `dlt645-1997`. */
  readonly protocol: string;
  /** A meter's address as printed on it; null for a Modbus slave or a `discover` meter not read yet. */
  readonly meterAddress: string | null;
}

export interface DeviceDetail extends DeviceSummary {
  /** The DTU session's state; null for a device that is offline or fed by a channel. */
  readonly session: {
    readonly registeredAt: number | null;
    readonly heartbeatMisses: number;
    readonly queueDepth: number;
  } | null;
  readonly slaves: readonly SlaveState[];
  readonly points: readonly PointInfo[];
}

export type LatestValue = Sample & { readonly unit: string | null };

export class DevicesService {
  constructor(private readonly rt: Runtime) {}

  /** Every device the database knows plus any online one it has not stored yet, by ID. */
  async list(): Promise<DeviceSummary[]> {
    const online = onlineDevices(this.rt);
    const rows = await this.rt.reader.devices();
    const out: DeviceSummary[] = [];
    for (const row of rows) {
      out.push(this.summarize(row, online.get(row.registrationId) ?? null)!);
      online.delete(row.registrationId);
    }
    for (const [deviceId, live] of online) out.push(this.summarize(null, live, deviceId)!);
    return out.sort((a, b) => (a.registrationId < b.registrationId ? -1 : a.registrationId > b.registrationId ? 1 : 0));
  }

  /** Null when the device is neither stored nor online. */
  async get(deviceId: string): Promise<DeviceSummary | null> {
    return this.summarize(
      await this.rt.reader.device(deviceId),
      onlineDevices(this.rt).get(deviceId) ?? null,
      deviceId,
    );
  }

  /** The summary with the DTU session's state, the slaves' poll state and the points. */
  async detail(deviceId: string): Promise<DeviceDetail | null> {
    const device = await this.get(deviceId);
    if (!device) return null;
    const session = this.rt.gateway.registry.get(deviceId);
    const live = session && session.state === 'active' ? session : null;
    const status = live?.status() ?? null;
    const profile = this.rt.config.points.profiles.get(device.profile);
    const configured = new Map((profile?.slaves ?? []).map((s) => [s.id, s]));
    return {
      ...device,
      session: status && {
        registeredAt: status.registeredAt,
        heartbeatMisses: status.heartbeatMisses,
        queueDepth: status.queueDepth,
      },
      slaves: (live?.devicePoller?.slaves() ?? []).map((s) => {
        const meter = configured.get(s.slave)?.meter;
        return {
          ...s,
          name: configured.get(s.slave)?.name ?? `slave ${s.slave}`,
          protocol: meter ? `dlt645-${meter.version}` : 'modbus',
          meterAddress: s.meterAddress ?? null,
        };
      }),
      points: this.points(device.profile, deviceId),
    };
  }

  /** The latest value of each point from memory, with units; null for an unknown device. */
  async latest(deviceId: string): Promise<LatestValue[] | null> {
    const values = this.rt.latest.device(deviceId);
    const device = values.length > 0 ? null : await this.get(deviceId);
    if (values.length === 0 && !device) return null;
    const profile =
      this.rt.gateway.registry.get(deviceId)?.profile?.name ??
      device?.profile ??
      (await this.rt.reader.device(deviceId))?.profile ??
      '';
    const units = this.units(profile, deviceId);
    return values.map((s) => ({ ...s, unit: units.get(s.point) ?? null }));
  }

  /** Every device online now, from memory (no database read). */
  online(): DeviceSummary[] {
    return [...onlineDevices(this.rt)].map(([deviceId, live]) => this.summarize(null, live, deviceId)!);
  }

  /** IDs of the devices online now, from memory: what online() lists, without the summaries. */
  onlineIds(): Set<string> {
    return onlineDeviceIds(this.rt);
  }

  /** One online device as the fleet view shows it (null when offline), from memory. */
  fleetDevice(deviceId: string): FleetDevice | null {
    // Built here rather than trimmed from onlineSummary(): hostile viewers ask for thousands
    // a second, and building full summaries for them raised peak RSS by ~150 MiB in the
    // live-viewers load test (test/integration/web/live-viewers-load.test.ts).
    const live = presenceOf(this.rt, deviceId);
    if (!live) return null;
    const entry = this.rt.fleetRegistry.entry(deviceId);
    return {
      registrationId: deviceId,
      name: matchDevice(this.rt.config.points, deviceId)?.name ?? entry?.name ?? live.name,
      group: entry?.group ?? null,
      enabled: entry?.enabled ?? true,
      profile: live.profile ?? '',
      status: 'online',
      ip: live.remote?.ip ?? '',
      port: live.remote?.port ?? 0,
      listener: live.listener,
      via: this.via(live.listener),
      connectedAt: live.connectedAt,
      lastHeartbeatAt: live.lastHeartbeatAt,
      lastDataAt: live.lastDataAt,
    };
  }

  /** One device as memory knows it now (null when offline), with its latest values. */
  live(deviceId: string): { device: FleetDevice | null; values: readonly Sample[] } {
    return { device: this.fleetDevice(deviceId), values: this.rt.latest.device(deviceId) };
  }

  /** Units of a device's points by name, for values shown without a database read. */
  units(profileName: string, deviceId: string): Map<string, string | null> {
    return new Map(this.points(profileName, deviceId).map((p) => [p.name, p.unit]));
  }

  /**
   * A device's points: its points.yml profile's or, for a device an MQTT, HTTP or OPC UA
   * channel feeds (no such profile), the points those channels map for it.
   */
  points(profileName: string, deviceId: string): PointInfo[] {
    const profile = this.rt.config.points.profiles.get(profileName);
    if (profile) {
      return profile.points.map((p) => ({
        name: p.name,
        slave: p.slave,
        fn: p.fn,
        address: p.address,
        type: p.type,
        unit: p.unit ?? null,
        description: p.description ?? null,
        kind: pointKind(p),
      }));
    }
    const byName = new Map<string, PointInfo>();
    for (const channel of this.rt.config.server.channels) {
      for (const p of channelPoints(channel, deviceId)) {
        if (!byName.has(p.name))
          byName.set(p.name, {
            name: p.name,
            slave: 0,
            fn: 0,
            address: 0,
            type: 'mapped',
            unit: p.unit ?? null,
            description: null,
            kind: 'measure',
          });
      }
    }
    return [...byName.values()];
  }

  /** Names are unique across listeners and channels (checked when config loads), so the name tells which. */
  private via(listener: string): DeviceVia | null {
    if (listener === '') return null;
    const channels = this.rt.channels;
    if (channels.has(listener)) return { kind: 'channel', channel: listener, type: channels.get(listener).config.type };
    return { kind: 'dtu', listener };
  }

  /** `deviceId` names a device the database does not know yet (only used when it is online). */
  private summarize(
    row: DeviceRow | null,
    live: Presence | null,
    deviceId: string | null = null,
  ): DeviceSummary | null {
    const registrationId = row?.registrationId ?? (live ? deviceId : null);
    if (registrationId === null) return null;
    const listener = live?.listener ?? row?.listener ?? '';
    const registry = registryView(this.rt.config.points, registrationId, this.rt.fleetRegistry.entry(registrationId));
    return {
      ...registry,
      registrationId,
      name: registry.name ?? live?.name ?? row?.name ?? null,
      profile: live?.profile ?? row?.profile ?? '',
      status: live ? 'online' : 'offline',
      ip: live?.remote?.ip ?? row?.lastIp ?? '',
      port: live?.remote?.port ?? row?.lastPort ?? 0,
      listener,
      via: this.via(listener),
      // 0: registered before it ever connected (migration 009).
      firstSeen: row?.firstSeen || null,
      lastSeen: row?.lastSeen || null,
      connectedAt: live?.connectedAt ?? null,
      lastHeartbeatAt: live?.lastHeartbeatAt ?? null,
      lastDataAt: live?.lastDataAt ?? null,
    };
  }
}
