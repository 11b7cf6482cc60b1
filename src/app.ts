// Composition root: builds every service from the compiled config, starts them in order
// and stops them in reverse. No service reads global settings; each gets its slice.
import { EventBus } from './bus.js';
import { ChannelManager, channelBuilder } from './channels/channel-manager.js';
import { CHANNEL_FACTORIES, type ChannelServices } from './channels/factories.js';
import { readTls } from './channels/tls-files.js';
import { changedNames, type ConfigDiff } from './config/diff.js';
import { ConfigReloader, type ReloadTarget } from './config-reloader.js';
import { ConfigWatch } from './config-watch.js';
import type { ConfigReloading } from './domain/config-reload.js';
import type { DtuhubConfig } from './domain/config.js';
import type { GatewayEvents } from './domain/events.js';
import type { PointDescription } from './domain/point.js';
import { noRules } from './domain/rules.js';
import { EventFramework, type EventFrameworkOptions } from './events/event-framework.js';
import type { AlarmBook } from './events/alarms/alarm-book.js';
import { makeEvent } from './events/event.js';
import type { EventsAccess, WebhooksAccess } from './events/framework-access.js';
import { DeviceNotOnlineError, Gateway, type WriteCommand } from './gateway/gateway.js';
import type { TransactionOutcome } from './link/index.js';
import type { Logger } from './log.js';
import { matchDevice } from './plan/device-match.js';
import { PollWarnings } from './polling/poll-warnings.js';
import { encodeWriteCommand } from './protocol/modbus/write-command.js';
import { recordHistory } from './record-history.js';
import { createServices, type Services } from './services/index.js';
import { registerBuiltinMetrics } from './services/metrics/builtin-metrics.js';
import { MetricsRegistry } from './services/metrics/metrics-registry.js';
import { SeenDevices } from './sinks/device-directory.js';
import { SINK_KINDS, sinkBuilder } from './sinks/factories.js';
import { SinkManager } from './sinks/sink-manager.js';
import type { OnlineDevice, SinkServices } from './sinks/sink-peer.js';
import {
  accountStoreFor,
  AuditTrail,
  createHistoryStore,
  FleetRegistry,
  LatestValues,
  registryStoreFor,
  type FlushInfo,
  type HistoryReader,
  type HistoryStore,
  type HistoryWriter,
  type StoreHealth,
} from './storage/index.js';
import { MetricsServer } from './web/metrics-server.js';
import { WebServer, type WebServerOptions } from './web/web-server.js';

export interface AppOptions {
  /** Told about every committed history batch (benchmarks measure poll-to-stored with it). */
  readonly onFlush?: (info: FlushInfo) => void;
  /** Options of the web server (tests hand in the environment for the admin password). */
  readonly web?: WebServerOptions;
  /** Event framework overrides (a webhook sender for benchmarks). */
  readonly events?: EventFrameworkOptions;
  /** Reload when a file in the config directory changes (`dtuhub serve` sets it). */
  readonly watchConfig?: boolean;
}

export class DtuhubApp implements ReloadTarget {
  readonly bus: EventBus<GatewayEvents>;
  readonly latest = new LatestValues();
  readonly gateway: Gateway;
  /** The device registry in memory, written through to the history's database. */
  readonly fleetRegistry: FleetRegistry;
  /** Outbound channels: peers dtuhub connects to (docs/CHANNELS.md). */
  readonly channels: ChannelManager;
  /** Northbound sinks: samples forwarded to InfluxDB and other peers (docs/SINKS.md). */
  readonly sinks: SinkManager;
  /** Null when web.enabled is false. */
  readonly web: WebServer | null;
  /**
   * Prometheus metrics (docs/METRICS.md). A component built here registers its own gauges
   * and counters through it (MetricsHook), read at each scrape; the endpoint serves them all.
   */
  readonly metrics: MetricsRegistry;
  /** `metrics.listen`: metrics on an address of their own; null otherwise. */
  readonly metricsServer: MetricsServer | null;
  private readonly services: Services;
  /** The audit log of writes that come from sinks (MQTT write-back), like the API's writes. */
  private readonly auditTrail: AuditTrail;
  /** Units of a profile's points, by profile object: a reload's new profiles get new maps. */
  private readonly units = new WeakMap<object, ReadonlyMap<string, string | null>>();
  /** Registered at the first start: a metric name is registered once per registry. */
  private builtinMetrics = false;
  private history: HistoryStore | null = null;
  private framework: EventFramework | null = null;
  private unsubscribe: (() => void) | null = null;
  /** The one place that holds the config running now; a live reload replaces it (docs/CONFIG.md). */
  private running: DtuhubConfig;
  /** Live configuration: file watch, SIGHUP, POST /api/config/reload, the config editor. */
  readonly configReload: ConfigReloading;
  private readonly watch: ConfigWatch | null;

  constructor(
    config: DtuhubConfig,
    private readonly log: Logger,
    private readonly options: AppOptions = {},
  ) {
    this.running = config;
    this.configReload = new ConfigReloader(this, log.child({ module: 'config' }));
    this.watch = options.watchConfig ? new ConfigWatch(config.configDir, this.configReload, log) : null;
    this.bus = new EventBus<GatewayEvents>(log.child({ module: 'bus' }));
    // Subscribed for the app's lifetime: slave trouble is logged however the app is run.
    new PollWarnings(log.child({ module: 'polling' })).attach(this.bus);
    this.fleetRegistry = new FleetRegistry(registryStoreFor(config.server.storage), log.child({ module: 'registry' }));
    this.gateway = new Gateway({
      server: config.server,
      points: config.points,
      bus: this.bus,
      log: log.child({ module: 'gateway' }),
      fleetRegistry: this.fleetRegistry,
    });
    const running = () => this.running;
    const channelServices: ChannelServices = {
      bus: this.bus,
      log: log.child({ module: 'channels' }),
      // A channel built after a reload polls with the profiles of then.
      get points() {
        return running().points;
      },
      gateway: this.gateway,
    };
    this.channels = new ChannelManager(config.server.channels, channelBuilder(CHANNEL_FACTORIES, channelServices));
    const sinkLog = log.child({ module: 'sinks' });
    const seen = new SeenDevices(this.fleetRegistry);
    this.auditTrail = new AuditTrail(() => accountStoreFor(config.server.storage));
    const sinkServices: SinkServices = {
      log: sinkLog,
      devices: seen,
      online: () => this.onlineDevices(seen),
      unitOf: (profile, point) => this.unitOf(profile, point),
      // The API's own writes service (read when a request comes: it is built below): the
      // device's queue, point encoding, limits and read-back are the same for both.
      writeBack: {
        writePoint: (device, request) => this.services.writes.writePoint(device, request),
        write: (device, command) => this.services.writes.write(device, command),
        audit: (record) => this.auditTrail.record(record),
      },
      readTls,
    };
    this.sinks = new SinkManager(
      config.server.sinks,
      sinkBuilder(SINK_KINDS, sinkServices),
      seen,
      () => this.running.points.profiles,
      sinkLog,
    );
    this.metrics = new MetricsRegistry(log.child({ module: 'metrics' }));
    this.services = createServices(this);
    this.web = config.server.web.enabled
      ? new WebServer(this.services, log.child({ module: 'web' }), options.web)
      : null;
    const metrics = config.server.metrics;
    this.metricsServer =
      metrics.enabled && metrics.listen
        ? new MetricsServer(this.services.metrics, metrics, log.child({ module: 'metrics' }))
        : null;
  }

  /** The config running now: the one loaded at start, or the last one a reload applied. */
  get config(): DtuhubConfig {
    return this.running;
  }

  current(): DtuhubConfig {
    return this.running;
  }

  /**
   * Applies a reloaded, validated config at the smallest scope (docs/CONFIG.md, "Live
   * configuration"): points first (sessions re-matched, profiles re-planned), then the
   * listeners and channels named, rules and webhooks, and the live server.yml settings.
   */
  async apply(next: DtuhubConfig, diff: ConfigDiff): Promise<void> {
    const { changes } = diff;
    const profiles = changedNames(changes, 'profile');
    const links = changedNames(changes, 'link');
    this.running = next;
    if (profiles.size + links.size + changedNames(changes, 'device').size > 0) {
      const result = this.gateway.applyPoints(next.points, profiles);
      this.log.info(result, 'points.yml applied to online devices');
    }
    this.gateway.applyRecording(next.server.retention);
    const listeners = changedNames(changes, 'listener');
    if (listeners.size > 0) await this.gateway.applyListeners(next.server.listeners, listeners, links);
    const channels = changedNames(changes, 'channel');
    if (channels.size > 0) await this.channels.apply(next.server.channels, channels);
    const sinks = changedNames(changes, 'sink');
    if (sinks.size > 0) await this.sinks.apply(next.server.sinks, sinks);
    const rules = {
      rules: changedNames(changes, 'rule'),
      webhooks: changedNames(changes, 'webhook'),
      brokers: changedNames(changes, 'mqtt'),
      notifiers: changedNames(changes, 'notifier'),
    };
    if (rules.rules.size + rules.webhooks.size + rules.brokers.size + rules.notifiers.size > 0)
      this.framework?.applyRules(next.rules ?? noRules(), rules);
    this.history?.applyWriteBuffer(next.server.writeBuffer, next.server.retention);
    const server = changedNames(changes, 'server');
    if ([...server].some((name) => name.startsWith('retention.'))) this.history?.applyRetention(next.server.retention);
    if (server.has('logging.level')) this.log.level = next.server.logging.level;
  }

  raise(type: 'config.reloaded' | 'config.rejected', payload: Record<string, unknown>): void {
    this.framework?.raise(makeEvent(type, null, Date.now(), payload));
  }

  /**
   * One Modbus write to an online device, through the queue its polls use: a DTU session's
   * (RTU over TCP included) or a Modbus TCP channel's. Throws DeviceNotOnlineError when
   * nothing that can write reaches the device now.
   */
  write(deviceId: string, command: WriteCommand): Promise<TransactionOutcome> {
    return this.transact(deviceId, encodeWriteCommand(command));
  }

  /**
   * One RTU request (a write, a config editor's test read) through the queue the device's
   * polls use, so it never collides with a poll on the bus. Throws DeviceNotOnlineError when
   * nothing reaches the device now.
   */
  transact(deviceId: string, request: Uint8Array): Promise<TransactionOutcome> {
    const outcome = this.gateway.transact(deviceId, request) ?? this.channels.transact(deviceId, request);
    if (!outcome) throw new DeviceNotOnlineError(deviceId);
    return outcome;
  }

  get writer(): HistoryWriter {
    if (!this.history) throw new Error('dtuhub is not started');
    return this.history.writer;
  }

  get reader(): HistoryReader {
    if (!this.history) throw new Error('dtuhub is not started');
    return this.history.reader;
  }

  /** Stored events and rules with their counters (docs/EVENTS.md). */
  get events(): EventsAccess {
    return this.startedFramework().events;
  }

  /** Open alarms, the stored list, acknowledgements (docs/EVENTS.md, "Alarms"). */
  get alarms(): AlarmBook {
    return this.startedFramework().alarms;
  }

  /** Webhook endpoints, the delivery log, dead letters, retry() and test() (docs/EVENTS.md). */
  get webhooks(): WebhooksAccess {
    return this.startedFramework().webhooks;
  }

  /** The store's state (ok, degraded, spilling with rows on disk) for logs and status pages. */
  storeHealth(): StoreHealth {
    if (!this.history) throw new Error('dtuhub is not started');
    return this.history.health();
  }

  /** Resolves once everything accepted so far is in the database (spill journal replayed). */
  storeDrained(): Promise<void> {
    if (!this.history) throw new Error('dtuhub is not started');
    return this.history.drained();
  }

  /** A device's point as the notifiers describe it: the session's profile, else points.yml's match. */
  private pointOf(
    deviceId: string,
    point: string,
  ): { description: PointDescription | null; unit: string | null } | null {
    const profile = this.gateway.registry.get(deviceId)?.profile ?? matchDevice(this.running.points, deviceId)?.profile;
    const def = profile?.points.find((p) => p.name === point);
    return def ? { description: def.description ?? null, unit: def.unit ?? null } : null;
  }

  /** Devices connected now (DTU sessions and channels), with what their registration said. */
  private onlineDevices(seen: SeenDevices): OnlineDevice[] {
    const ids = new Set<string>();
    for (const s of this.gateway.sessions()) if (s.deviceId !== null && s.state === 'active') ids.add(s.deviceId);
    for (const c of this.channels.list()) for (const id of c.devices) ids.add(id);
    const out: OnlineDevice[] = [];
    for (const deviceId of ids) {
      const facts = seen.facts(deviceId);
      if (facts?.profile) out.push({ deviceId, profile: facts.profile, name: facts.name });
    }
    return out;
  }

  /** A point's unit in a profile running now, for the MQTT sink's messages. */
  private unitOf(profileName: string, point: string): string | null {
    const profile = this.running.points.profiles.get(profileName);
    if (!profile) return null;
    let units = this.units.get(profile);
    if (!units) {
      units = new Map(profile.points.map((p) => [p.name, p.unit ?? null]));
      this.units.set(profile, units);
    }
    return units.get(point) ?? null;
  }

  private startedFramework(): EventFramework {
    if (!this.framework) throw new Error('dtuhub is not started');
    return this.framework;
  }

  async start(): Promise<void> {
    const { server } = this.config;
    const history = createHistoryStore(
      { storage: server.storage, writeBuffer: server.writeBuffer, retention: server.retention },
      this.log.child({ module: 'storage' }),
      this.options.onFlush ? { onFlush: this.options.onFlush } : {},
    );
    await history.start();
    this.history = history;
    // Before any listener opens: registrations read the registry from memory.
    await this.fleetRegistry.start();
    const offHistory = recordHistory(this.bus, this.history.writer, this.latest, () => this.running.points.profiles);
    const offRegistry = this.bus.on('device.registered', (e) => this.fleetRegistry.noteRegistered(e.deviceId, e.name));
    this.unsubscribe = () => {
      offHistory();
      offRegistry();
    };
    const framework = new EventFramework(
      this.config.rules ?? noRules(),
      server.storage,
      this.bus,
      history,
      this.log.child({ module: 'events' }),
      { points: (deviceId, point) => this.pointOf(deviceId, point), ...this.options.events },
    );
    await framework.start();
    this.framework = framework;
    // Before the first sample: a sink's journal from an earlier run is replayed first.
    this.auditTrail.open();
    await this.sinks.start(this.bus);
    await this.gateway.start();
    this.channels.start();
    if (this.config.server.metrics.enabled && !this.builtinMetrics) {
      registerBuiltinMetrics(this.metrics, this.services);
      this.builtinMetrics = true;
    }
    await this.web?.start();
    await this.metricsServer?.start();
    this.watch?.start();
    this.log.info({ ports: this.gateway.ports(), storage: history.health().where }, 'dtuhub started');
  }

  /**
   * Stops the web server, stops the outbound channels and accepting, closes sessions
   * (recording disconnects), stops the sinks (what they hold is sent or journaled), stops the
   * event framework (webhook attempts in flight stay pending, their state saved), then
   * flushes and closes storage.
   */
  async stop(): Promise<void> {
    this.watch?.stop();
    await this.metricsServer?.stop();
    await this.web?.stop();
    await this.channels.stop();
    await this.gateway.stop();
    // After the sessions closed, so the sinks see the devices go offline.
    await this.sinks.stop();
    await this.auditTrail.close();
    const framework = this.framework;
    this.framework = null;
    await framework?.stop();
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.fleetRegistry.stop();
    const history = this.history;
    this.history = null;
    await history?.stop();
  }
}
