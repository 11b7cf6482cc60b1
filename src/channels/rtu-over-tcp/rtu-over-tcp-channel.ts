// Modbus RTU over a TCP connection dtuhub opens: a serial device server (RS-485 ↔ TCP
// server), or a fixed-IP DTU listening in server mode that registers and heartbeats like
// any DTU. Once bytes flow, such a link is a DTU session, so the gateway runs it as one
// (parser, heartbeat checks, one request in flight, read plan); this class only connects,
// announces the device, and turns the end of the session into a lost link, after which the
// channel base reconnects to the known address with backoff.
import type { Socket } from 'node:net';
import { matchDevice } from '../../plan/device-match.js';
import type { RtuOverTcpChannelConfig } from '../../domain/channels.js';
import type { AsciiRegistration, DeviceProfile, LinkConfig, PointsConfig } from '../../domain/config.js';
import type { GatewayEvents } from '../../domain/events.js';
import type { Gateway } from '../../gateway/gateway.js';
import type { DtuSession, OutboundHooks } from '../../gateway/session.js';
import type { ChannelDeps, ChannelLink, OpenLink } from '../channel.js';
import { TcpChannel } from '../tcp-channel.js';

export interface RtuOverTcpDeps extends ChannelDeps {
  readonly points: PointsConfig;
  readonly gateway: Pick<Gateway, 'attachOutbound'>;
}

/** Never matched: a channel without a link knows its device and expects no registration. */
const NO_REGISTRATION: AsciiRegistration = {
  type: 'ascii',
  mode: 'once',
  maxLength: 40,
  length: null,
  pattern: null,
  terminator: null,
};

/** A serial device server: plain RTU frames, no registration, no heartbeats. */
function plainRtuLink(channel: string): LinkConfig {
  return {
    name: `${channel} (plain RTU)`,
    framing: 'transparent',
    registration: NO_REGISTRATION,
    heartbeat: null,
    unknownIds: 'accept',
    duplicateIds: 'replace',
    typed: null,
  };
}

export class RtuOverTcpChannel extends TcpChannel<RtuOverTcpChannelConfig> {
  // A serial device server accepts even when its serial side is unusable, and a DTU may
  // accept and drop: only a registration or an answered poll starts the backoff over.
  protected override readonly connectProvesPeer = false;
  private readonly framing: LinkConfig;
  private readonly preset: OutboundHooks['preset'];

  constructor(
    config: RtuOverTcpChannelConfig,
    protected override readonly deps: RtuOverTcpDeps,
  ) {
    super(config, deps);
    const { points } = deps;
    // load.ts checked the references; a hand-built config without them is a programming error.
    const link = config.link === null ? plainRtuLink(config.name) : points.links.get(config.link);
    if (!link) throw new Error(`channel ${config.name}: unknown link ${config.link}`);
    this.framing = link;
    this.preset = config.device === null ? null : this.presetDevice(config.device, config.profile, points);
  }

  protected async open(link: ChannelLink): Promise<OpenLink> {
    const { config } = this;
    const socket: Socket = await this.connectPeer(link);
    let session: DtuSession | null = null;
    return {
      // The socket is read from here on: bytes that came before (a registration sent on
      // accept) wait in its buffer.
      connected: () => {
        session = this.deps.gateway.attachOutbound(socket, {
          channel: config.name,
          link: this.framing,
          hooks: this.hooks(link),
        });
      },
      close: async () => {
        if (session) session.close('shutdown', 'channel stopped');
        else socket.destroy();
      },
    };
  }

  private hooks(link: ChannelLink): OutboundHooks {
    // The profile is known once the device is: preset, or after its registration.
    let profile = this.preset?.profile.name ?? '';
    return {
      preset: this.preset,
      bus: this.pollerBus(link, () => profile),
      online: (deviceId, profileName, name) => {
        profile = profileName;
        link.deviceOnline(deviceId, profileName, name);
        // A registration proves a DTU; a preset device proves nothing until it answers.
        if (this.preset === null) link.proven();
      },
      // The session's words ("3 heartbeats missed"), so the offline record reads as a DTU's.
      closed: (reason, details) => link.lost(details === null ? null : new Error(details), reason),
    };
  }

  /** The poller's events go to the bus as for a DTU; its data goes through the channel, which counts it. */
  private pollerBus(link: ChannelLink, profile: () => string): OutboundHooks['bus'] {
    const bus = this.deps.bus;
    return {
      emit<K extends keyof GatewayEvents>(type: K, payload: GatewayEvents[K]): void {
        if (type === 'data') {
          const data = payload as GatewayEvents['data'];
          link.publish(data.deviceId, profile(), data.samples, data.polledAt, data.at);
        } else if (link.active) {
          bus.emit(type, payload);
        }
      },
    };
  }

  private presetDevice(
    deviceId: string,
    profileName: string | null,
    points: PointsConfig,
  ): NonNullable<OutboundHooks['preset']> {
    const profile: DeviceProfile | undefined = profileName === null ? undefined : points.profiles.get(profileName);
    if (!profile) throw new Error(`channel ${this.config.name}: unknown profile ${profileName}`);
    return { deviceId, profile, name: matchDevice(points, deviceId)?.name ?? null };
  }
}
