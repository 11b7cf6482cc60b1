// The runtime parts the façade is built from. DtuhubApp has all of them; the getters may
// throw until it is started, so services read them on each call, never at construction.
import type { EventBus } from '../bus.js';
import type { ChannelManager } from '../channels/channel-manager.js';
import type { ConfigReloading } from '../domain/config-reload.js';
import type { DtuhubConfig } from '../domain/config.js';
import type { GatewayEvents } from '../domain/events.js';
import type { AlarmBook } from '../events/alarms/alarm-book.js';
import type { EventsAccess, WebhooksAccess } from '../events/framework-access.js';
import type { Gateway, WriteCommand } from '../gateway/gateway.js';
import type { TransactionOutcome } from '../link/index.js';
import type { SinkManager } from '../sinks/sink-manager.js';
import type { FleetRegistry, HistoryReader, LatestValues, StoreHealth } from '../storage/index.js';
import type { MetricsScrape } from './metrics/metrics-registry.js';

export interface Runtime {
  /** The config running now (a live reload replaces it): read it on each call. */
  readonly config: DtuhubConfig;
  /** Live configuration (docs/CONFIG.md). */
  readonly configReload: ConfigReloading;
  readonly bus: EventBus<GatewayEvents>;
  readonly latest: LatestValues;
  readonly gateway: Gateway;
  /** The device registry in memory, written through to the database. */
  readonly fleetRegistry: FleetRegistry;
  /** Outbound channels (docs/CHANNELS.md). */
  readonly channels: ChannelManager;
  /** Northbound sinks (docs/SINKS.md). */
  readonly sinks: SinkManager;
  readonly reader: HistoryReader;
  readonly events: EventsAccess;
  readonly webhooks: WebhooksAccess;
  /** Open alarms, the stored list, acknowledgements. */
  readonly alarms: AlarmBook;
  storeHealth(): StoreHealth;
  /** Prometheus metrics (docs/METRICS.md). */
  readonly metrics: { scrape(): Promise<MetricsScrape> };
  /** Throws DeviceNotOnlineError when nothing that can write reaches the device. */
  write(deviceId: string, command: WriteCommand): Promise<TransactionOutcome>;
  /** One RTU request through the device's queue; throws DeviceNotOnlineError likewise. */
  transact(deviceId: string, request: Uint8Array): Promise<TransactionOutcome>;
}
