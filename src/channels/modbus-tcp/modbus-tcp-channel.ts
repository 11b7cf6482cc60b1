// Modbus TCP client channel: polls a meter or PLC with a points.yml profile's read plan —
// the same DevicePoller, schedules, slave backoff and block decoding as a DTU — over MBAP
// framing with up to `maxInFlight` requests outstanding.
import type { Socket } from 'node:net';
import type { EventBus } from '../../bus.js';
import type { ModbusTcpChannelConfig } from '../../domain/channels.js';
import type { DeviceProfile, PointsConfig } from '../../domain/config.js';
import type { GatewayEvents } from '../../domain/events.js';
import { transactOn, type TransactionOutcome } from '../../link/index.js';
import { DevicePoller } from '../../polling/device-poller.js';
import type { ChannelDeps, ChannelLink, OpenLink } from '../channel.js';
import { TcpChannel } from '../tcp-channel.js';
import { MbapPipeline } from './mbap-pipeline.js';

export class ModbusTcpChannel extends TcpChannel<ModbusTcpChannelConfig> {
  /**
   * Only an answer starts the backoff over: a gateway whose connection slots are full
   * accepts and drops at once, and one with nothing behind it accepts and stays silent.
   */
  protected override readonly connectProvesPeer = false;
  private readonly profile: DeviceProfile;
  /** The current connection's request pipeline, while connected: writes join the polls there. */
  private pipeline: MbapPipeline | null = null;

  constructor(config: ModbusTcpChannelConfig, deps: ChannelDeps & { readonly points: PointsConfig }) {
    super(config, deps);
    const profile = deps.points.profiles.get(config.profile);
    // load.ts checked the reference; a hand-built config without it is a programming error.
    if (!profile) throw new Error(`channel ${config.name}: unknown profile ${config.profile}`);
    this.profile = profile;
  }

  protected async open(link: ChannelLink): Promise<OpenLink> {
    const { config, profile } = this;
    const socket: Socket = await this.connectPeer(link);
    const clock = { now: () => this.now() };
    const pipeline = new MbapPipeline(
      { send: (adu) => socket.write(adu), lost: (err) => link.lost(err), answered: () => link.proven() },
      profile.timing,
      config.maxInFlight,
      clock,
    );
    socket.on('data', (chunk: Buffer) => pipeline.onData(chunk));
    socket.on('error', (err) => link.lost(err));
    socket.on('close', () => link.lost(null));
    const poller = new DevicePoller({
      deviceId: config.device,
      profile,
      queue: pipeline,
      bus: this.pollerBus(link),
      limits: { connectStaggerMs: 0 },
      clock,
    });
    return {
      connected: () => {
        this.pipeline = pipeline;
        link.deviceOnline(config.device, profile.name);
        poller.start();
      },
      close: async () => {
        if (this.pipeline === pipeline) this.pipeline = null;
        poller.stop();
        pipeline.close();
        socket.destroy();
      },
    };
  }

  override transact(deviceId: string, request: Uint8Array): Promise<TransactionOutcome> | null {
    const pipeline = this.pipeline;
    if (deviceId !== this.config.device || this.state !== 'connected' || !pipeline) return null;
    return transactOn(pipeline, request);
  }

  /** The poller's events go to the bus as for a DTU; its data goes through the channel, which counts it. */
  private pollerBus(link: ChannelLink): Pick<EventBus<GatewayEvents>, 'emit'> {
    const bus = this.deps.bus;
    const profile = this.profile.name;
    return {
      emit<K extends keyof GatewayEvents>(type: K, payload: GatewayEvents[K]): void {
        if (type === 'data') {
          const data = payload as GatewayEvents['data'];
          link.publish(data.deviceId, profile, data.samples, data.polledAt, data.at);
        } else if (link.active) {
          bus.emit(type, payload);
        }
      },
    };
  }
}
