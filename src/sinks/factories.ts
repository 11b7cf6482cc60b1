// The registry of sink types: type → how to build its peer and name its target. Adding a
// type is one entry here (and its config section in config/compile-sinks.ts).
import type { SinkConfig } from '../domain/sinks.js';
import type { Logger } from '../log.js';
import { bareUrl } from './bare-url.js';
import { InfluxWriter } from './influxdb/influx-writer.js';
import { mqttDirectory } from './mqtt/mqtt-directory.js';
import { MqttSink } from './mqtt/mqtt-sink.js';
import type { SinkKind, SinkKinds, SinkServices } from './sink-peer.js';
import { Sink } from './sink.js';

export const SINK_KINDS: SinkKinds = {
  influxdb: {
    peer: (config, services) => new InfluxWriter(config, services.devices, services.log),
    target: (config) => {
      const { url, api, org, bucket, database } = config.influxdb;
      const where = api === 'v2' ? `${org ?? ''}/${bucket ?? ''}` : (database ?? '');
      return `${bareUrl(url)} (${api} ${where})`;
    },
  },
  mqtt: {
    peer: (config, services) => {
      const sink = new MqttSink(config.mqtt, {
        log: services.log,
        directory: mqttDirectory(services.devices, services.unitOf),
        writeBack: services.writeBack,
        readTls: services.readTls,
      });
      // Connects in the background; batches are journaled until the broker has answered.
      sink.start();
      return sink;
    },
    target: (config) => {
      const { url, prefix, format, writeBack } = config.mqtt;
      return `${bareUrl(url)} (${prefix}, ${format}${writeBack.enabled ? ', write-back' : ''})`;
    },
  },
};

/** Where a sink writes, without credentials (supervision, check-config). */
export function sinkTarget(config: SinkConfig): string {
  return (SINK_KINDS[config.type] as SinkKind<SinkConfig['type']>).target(config);
}

/** A builder for SinkManager that dispatches on the type to its entry in `kinds`. */
export function sinkBuilder(kinds: SinkKinds, services: SinkServices): (config: SinkConfig) => Sink {
  return (config) => {
    const kind = kinds[config.type] as SinkKind<SinkConfig['type']>;
    const sinkLog: Logger = services.log.child({ sink: config.name });
    const own: SinkServices = { ...services, log: sinkLog };
    return new Sink(config, () => kind.peer(config, own), sinkTarget(config), sinkLog, services.online);
  };
}
