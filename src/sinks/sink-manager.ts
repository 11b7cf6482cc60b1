// Every sink of server.yml: built from config by type, started with the app (those with
// `enabled: true`), fed from the bus, stopped with it, and controlled one by one from the
// supervision API. The feed: every data event's samples (or only what store by exception
// keeps, for a sink with `samples: stored`) and devices coming and going.
import type { EventBus } from '../bus.js';
import { StoreByException } from '../by-exception/index.js';
import type { PointsConfig } from '../domain/config.js';
import type { GatewayEvents } from '../domain/events.js';
import type { Sample } from '../domain/point.js';
import type { SinkConfig, SinkStatus } from '../domain/sinks.js';
import type { Logger } from '../log.js';
import type { SeenDevices } from './device-directory.js';
import type { Sink } from './sink.js';

export class UnknownSinkError extends Error {
  readonly code = 'UNKNOWN_SINK';
  constructor(readonly sink: string) {
    super(`no sink named ${sink}`);
  }
}

export class SinkManager {
  private sinks: readonly Sink[];
  private offs: (() => void)[] = [];
  /** Only when a sink takes `samples: stored`: its own filter state, apart from the history's. */
  private byException: StoreByException | null = null;
  private boundProfiles: PointsConfig['profiles'] | null = null;

  constructor(
    configs: readonly SinkConfig[],
    private readonly build: (config: SinkConfig) => Sink,
    private readonly devices: SeenDevices,
    /** The profiles of the config running now (a reload replaces them). */
    private readonly profiles: () => PointsConfig['profiles'],
    private readonly log: Logger,
  ) {
    this.sinks = configs.map(build);
  }

  /** Starts the enabled sinks and subscribes them to the bus. A sink that cannot start is logged, not fatal. */
  async start(bus: EventBus<GatewayEvents>): Promise<void> {
    this.offs = [
      bus.on('data', (e) => this.data(e.deviceId, e.samples)),
      bus.on('device.registered', (e) => this.online(e.deviceId, e.profile, e.name, e.at)),
      bus.on('device.reconfigured', (e) => this.online(e.deviceId, e.profile, e.name, e.at)),
      bus.on('device.offline', (e) => this.offline(e.deviceId, e.at)),
    ];
    await Promise.all(this.sinks.filter((s) => s.config.enabled).map((s) => this.startOne(s)));
  }

  async stop(): Promise<void> {
    this.offs.forEach((off) => off());
    this.offs = [];
    const held = this.byException?.releaseAll() ?? [];
    if (held.length > 0) for (const s of this.storedSinks()) s.samples(held);
    await Promise.all(this.sinks.map((s) => s.stop()));
  }

  /** server.yml sinks reloaded: each named sink is stopped, rebuilt and started (when enabled); the others run on. */
  async apply(configs: readonly SinkConfig[], changed: ReadonlySet<string>): Promise<void> {
    const old = new Map(this.sinks.map((s) => [s.name, s]));
    await Promise.all(this.sinks.filter((s) => changed.has(s.name)).map((s) => s.stop()));
    const next = configs.map((config) => (changed.has(config.name) ? this.build(config) : old.get(config.name)!));
    this.sinks = next;
    await Promise.all(next.filter((s) => changed.has(s.name) && s.config.enabled).map((s) => this.startOne(s)));
  }

  list(): SinkStatus[] {
    return this.sinks.map((s) => s.status());
  }

  has(name: string): boolean {
    return this.sinks.some((s) => s.name === name);
  }

  get(name: string): Sink {
    const found = this.sinks.find((s) => s.name === name);
    if (!found) throw new UnknownSinkError(name);
    return found;
  }

  private async startOne(sink: Sink): Promise<void> {
    try {
      await sink.start();
    } catch (err) {
      this.log.error({ sink: sink.name, err }, 'sink could not start');
    }
  }

  private data(deviceId: string, samples: readonly Sample[]): void {
    let stored: readonly Sample[] | null = null;
    for (const sink of this.sinks) {
      if (sink.config.samples === 'all') sink.samples(samples);
      else sink.samples((stored ??= this.filter().stored(deviceId, samples)));
    }
  }

  private online(deviceId: string, profile: string, name: string | null, at: number): void {
    this.devices.note(deviceId, profile, name);
    if (this.storedSinks().length > 0) this.filter().deviceOnline(deviceId, profile);
    for (const sink of this.sinks) sink.deviceOnline(deviceId, profile, name, at);
  }

  private offline(deviceId: string, at: number): void {
    const held = this.byException?.deviceOffline(deviceId) ?? [];
    if (held.length > 0) for (const s of this.storedSinks()) s.samples(held);
    for (const sink of this.sinks) sink.deviceOffline(deviceId, at);
  }

  private storedSinks(): Sink[] {
    return this.sinks.filter((s) => s.config.samples === 'stored');
  }

  /** The store-by-exception state for `samples: stored` sinks, made on first use. */
  private filter(): StoreByException {
    const profiles = this.profiles();
    if (!this.byException) this.byException = new StoreByException(profiles);
    else if (profiles !== this.boundProfiles) this.byException.setProfiles(profiles);
    this.boundProfiles = profiles;
    return this.byException;
  }
}
