// The metrics dtuhub itself publishes (docs/METRICS.md lists them), registered once when the
// app starts. Components added later register theirs through the same MetricsHook.
import type { ChannelsService } from '../channels.js';
import type { WebhooksService } from '../events.js';
import type { ListenersService } from '../listeners.js';
import type { SinksService } from '../sinks.js';
import type { StatusService } from '../status.js';
import { deliveryMetrics } from './delivery-metrics.js';
import { channelMetrics, deviceMetrics } from './device-metrics.js';
import { gatewayMetrics } from './gateway-metrics.js';
import type { MetricsRegistry } from './metrics-registry.js';
import { sinkMetrics } from './sink-metrics.js';
import { storeMetrics } from './store-metrics.js';

/** The parts of the façade the built-in metrics read. */
export interface MetricSources {
  readonly status: StatusService;
  readonly listeners: ListenersService;
  readonly channels: ChannelsService;
  readonly webhooks: WebhooksService;
  readonly sinks: SinksService;
}

export function registerBuiltinMetrics(registry: MetricsRegistry, sources: MetricSources): void {
  registry.collectProcessMetrics();
  gatewayMetrics(registry, sources.status, sources.listeners);
  deviceMetrics(registry, sources.status);
  storeMetrics(registry, sources.status);
  deliveryMetrics(registry, sources.webhooks);
  channelMetrics(registry, sources.channels);
  sinkMetrics(registry, sources.sinks);
}
