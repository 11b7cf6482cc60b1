// The registry of sink types: type → how to build its peer and name its target. Adding a
// type is one entry here (and its config section in config/compile-sinks.ts).
import type { SinkConfig } from '../domain/sinks.js';
import type { Logger } from '../log.js';
import type { DeviceDirectory } from './device-directory.js';
import { InfluxWriter } from './influxdb/influx-writer.js';
import type { SinkKind, SinkKinds, SinkServices } from './sink-peer.js';
import { Sink } from './sink.js';

export const SINK_KINDS: SinkKinds = {
  influxdb: {
    peer: (config, services) => new InfluxWriter(config, services.devices, services.log),
    target: (config) => {
      const { url, api, org, bucket, database } = config.influxdb;
      const clean = new URL(url);
      const where = api === 'v2' ? `${org ?? ''}/${bucket ?? ''}` : (database ?? '');
      return `${clean.origin}${clean.pathname.replace(/\/$/, '')} (${api} ${where})`;
    },
  },
};

/** Where a sink writes, without credentials (supervision, check-config). */
export function sinkTarget(config: SinkConfig): string {
  return (SINK_KINDS[config.type] as SinkKind<SinkConfig['type']>).target(config);
}

/** A builder for SinkManager that dispatches on the type to its entry in `kinds`. */
export function sinkBuilder(kinds: SinkKinds, log: Logger, devices: DeviceDirectory): (config: SinkConfig) => Sink {
  return (config) => {
    const kind = kinds[config.type] as SinkKind<SinkConfig['type']>;
    const sinkLog = log.child({ sink: config.name });
    const services: SinkServices = { log: sinkLog, devices };
    return new Sink(config, () => kind.peer(config, services), sinkTarget(config), sinkLog);
  };
}
