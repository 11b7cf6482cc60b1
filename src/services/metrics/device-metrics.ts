// Devices online and known, and the outbound channels, as Prometheus metrics. No series per
// device: at the design fleet of 1,000 devices that would be thousands of series per metric;
// channels are few (one per server.yml entry), so they get a label.
import type { ChannelState } from '../../domain/events.js';
import type { ChannelsService } from '../channels.js';
import type { StatusService } from '../status.js';
import { perName, type MetricsHook } from './metrics-registry.js';

const CHANNEL_STATES: readonly ChannelState[] = [
  'stopped',
  'connecting',
  'connected',
  'disconnected',
  'error',
  'backing-off',
];

export function deviceMetrics(hook: MetricsHook, status: StatusService): void {
  hook.gauge({
    name: 'dtuhub_devices_online',
    help: 'Devices online now, through a DTU session or an outbound channel.',
    collect: async (report) => report((await status.runtime()).devices.online),
  });
  hook.gauge({
    name: 'dtuhub_devices_known',
    help: 'Devices ever seen (stored), counted from the database at most every scrape.',
    collect: async (report) => report((await status.runtime()).devices.known),
  });
}

export function channelMetrics(hook: MetricsHook, channels: ChannelsService): void {
  hook.gauge({
    name: 'dtuhub_channels',
    help: 'Outbound channels by state.',
    labelNames: ['state'],
    collect: (report) => {
      const list = channels.list();
      for (const state of CHANNEL_STATES) report(list.filter((c) => c.state === state).length, { state });
    },
  });
  perName(hook, 'counter', 'channel', () => channels.list(), [
    ['dtuhub_channel_samples_total', 'Samples a channel collected.', (c) => c.counters.samples],
    [
      'dtuhub_channel_connect_failures_total',
      'Failed connect attempts of a channel.',
      (c) => c.counters.connectFailures,
    ],
    [
      'dtuhub_channel_collect_errors_total',
      'Collections that failed without dropping the link.',
      (c) => c.counters.collectErrors,
    ],
  ]);
}
