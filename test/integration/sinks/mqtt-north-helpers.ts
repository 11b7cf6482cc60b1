// Shared by the MQTT north tests: a sink config on a private broker, the sink wrapped in a
// SpoolingSink over a real spill journal (as the sink framework feeds it), a test
// subscriber that records every message it gets, and the boiler profile write-back writes.
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileMqttSink } from '../../../src/config/compile-sink-mqtt.js';
import type { ConfigIssue } from '../../../src/config/errors.js';
import { MQTT_SECTION_SCHEMA } from '../../../src/config/schema/sink-mqtt.schema.js';
import { validateSection } from '../../../src/config/validate-schema.js';
import { IssueSink, parseYamlSource } from '../../../src/config/yaml-source.js';
import type { MqttSinkConfig } from '../../../src/domain/mqtt-sink.js';
import { silentLogger } from '../../../src/log.js';
import type { DeviceDirectory } from '../../../src/sinks/mqtt/batch-messages.js';
import { MqttSink } from '../../../src/sinks/mqtt/mqtt-sink.js';
import type { WriteBackPort } from '../../../src/sinks/mqtt/write-back.js';
import { SpillJournal } from '../../../src/storage/spill/spill-journal.js';
import { SpoolingSink } from '../../../src/storage/spill/spooling-sink.js';

/** A sink's `mqtt:` section as server.yml would give it (schema defaults and compile), on `url`, plus `patch`. */
export function sinkConfig(url: string, patch: Partial<MqttSinkConfig> = {}): MqttSinkConfig {
  const yaml = `url: ${url}\nprefix: north\nkeepalive: 10s\nconnectTimeout: 2s\nreconnect: 300ms\n`;
  const { source } = parseYamlSource('server.yml', yaml);
  const issues: ConfigIssue[] = [];
  const sink = new IssueSink('server.yml', source, issues);
  const data = source.doc.toJS() as Record<string, unknown>;
  validateSection(MQTT_SECTION_SCHEMA, data, sink);
  const config = compileMqttSink('north', data, [], sink);
  if (!config || issues.length > 0) throw new Error(`test sink config refused: ${JSON.stringify(issues)}`);
  return { ...config, clientId: `dtuhub-sink-test-${process.pid}`, ...patch };
}

export interface SpooledSink {
  readonly sink: MqttSink;
  readonly spool: SpoolingSink;
  readonly dir: string;
}

export async function spooledSink(
  config: MqttSinkConfig,
  directory: DeviceDirectory,
  writeBack?: WriteBackPort,
): Promise<SpooledSink> {
  const log = silentLogger();
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-mqtt-spill-'));
  const { journal } = await SpillJournal.open(dir, { segmentBytes: 1 << 20, maxBytes: 1 << 28 }, log);
  const sink = new MqttSink(config, { log, directory, ...(writeBack ? { writeBack } : {}) });
  sink.start();
  const spool = new SpoolingSink(sink, journal, log, {
    writeTimeoutMs: 5000,
    spillAboveRows: 100_000,
    retryMinMs: 200,
    retryMaxMs: 1000,
    reportEveryMs: 60_000,
  });
  return { sink, spool, dir };
}

export interface Received {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

export async function subscriber(
  url: string,
  filter: string,
  options: IClientOptions = {},
): Promise<{ client: MqttClient; messages: Received[] }> {
  const client = await connectAsync(url, { reconnectPeriod: 100, ...options });
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) =>
    messages.push({ topic, payload: payload.toString(), retain: packet.retain }),
  );
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, messages };
}

/** Stops the sink (its journal flushed) and removes the journal's directory; null for the test's variable. */
export async function disposeSink(north: SpooledSink | null): Promise<null> {
  await north?.spool.close();
  if (north) rmSync(north.dir, { recursive: true, force: true });
  return null;
}

/** points.yml: every device a boiler PLC polled every 500 ms, a setpoint with a unit and a speed. */
export function boilerProfile(profile: string): (points: Record<string, any>) => void {
  return (p) => {
    p.profiles[profile] = {
      timing: { responseTimeout: '300ms', retries: 0, interRequestDelay: '0ms', quietAfterTimeout: '20ms' },
      slaves: [{ id: 1, name: 'plc' }],
      tasks: [{ name: 'plc', slave: 1, address: 10, quantity: 2, every: '500ms' }],
      points: [
        { name: 'temperature_setpoint', slave: 1, address: 10, type: 'uint16', scale: 0.1, unit: '°C' },
        { name: 'rpm', slave: 1, address: 11, type: 'uint16' },
      ],
    };
    p.devices = [{ default: profile }];
  };
}
