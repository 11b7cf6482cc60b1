// The façade between the runtime and its front ends (web/, cli/): narrow services that
// answer plain objects. Built once by the composition root; front ends see only this.
import type { ConfigReloading } from '../domain/config-reload.js';
import type { DtuhubConfig } from '../domain/config.js';
import type { HistoryReader } from '../storage/index.js';
import { alarmsService, type AlarmsService } from './alarms.js';
import { ChannelsService } from './channels.js';
import { ConfigEditor } from './config-edit/config-editor.js';
import { DevicesService } from './devices.js';
import { FleetService } from './fleet.js';
import { eventsService, webhooksService, type EventsService, type WebhooksService } from './events.js';
import { LiveFeed } from './live-feed.js';
import { ListenersService } from './listeners.js';
import type { MetricsScrape } from './metrics/metrics-registry.js';
import { RegistryService } from './registry.js';
import { SinksService } from './sinks.js';
import type { Runtime } from './runtime.js';
import { StatusService } from './status.js';
import { WritesService } from './writes.js';

export interface Services {
  /** The checked, frozen configuration running now (read-only views, account store settings). */
  readonly config: DtuhubConfig;
  /** Live configuration: reload now (`reload('api' | 'ui', user)`) and the last outcome. */
  readonly configReload: ConfigReloading;
  readonly devices: DevicesService;
  /** The device registry: pre-register, edit, delete, import. */
  readonly registry: RegistryService;
  readonly writes: WritesService;
  /** Inbound DTU listeners. */
  readonly listeners: ListenersService;
  /** Outbound channels. */
  readonly channels: ChannelsService;
  /** Northbound sinks. */
  readonly sinks: SinksService;
  readonly status: StatusService;
  /** Runtime events for the live feed. */
  readonly feed: LiveFeed;
  /** Stored history (readers only). */
  readonly history: HistoryReader;
  readonly events: EventsService;
  readonly webhooks: WebhooksService;
  /** Editing points.yml and rules.yml: check, save, versions, test reads. */
  readonly configEditor: ConfigEditor;
  /** The alarm list, summary counts and acknowledgements. */
  readonly alarms: AlarmsService;
  /** Many devices at once: selections for exports, the fleet table of latest values. */
  readonly fleet: FleetService;
  /** Prometheus metrics in the text format (docs/METRICS.md). */
  readonly metrics: MetricsService;
}

export interface MetricsService {
  scrape(): Promise<MetricsScrape>;
}

export function createServices(rt: Runtime): Services {
  const devices = new DevicesService(rt);
  return {
    // A reload replaces the config: read it on each call.
    get config() {
      return rt.config;
    },
    configReload: rt.configReload,
    devices,
    registry: new RegistryService(rt),
    writes: new WritesService(rt),
    listeners: new ListenersService(rt),
    channels: new ChannelsService(rt),
    sinks: new SinksService(rt),
    status: new StatusService(rt),
    feed: new LiveFeed(rt.bus),
    // The store opens when the app starts: read it on each call.
    get history() {
      return rt.reader;
    },
    events: eventsService(rt),
    webhooks: webhooksService(rt),
    configEditor: new ConfigEditor(rt),
    alarms: alarmsService(rt),
    fleet: new FleetService(rt, devices),
    metrics: { scrape: () => rt.metrics.scrape() },
  };
}
