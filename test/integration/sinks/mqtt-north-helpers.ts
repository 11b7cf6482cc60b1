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
import { expect } from 'vitest';

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

/** A write-back request's answer, by request id (the answer says it too). */
export type AskWrite = (id: string, body: Record<string, unknown>) => Promise<Record<string, unknown>>;

/**
 * The two writes both write-back tests make on a boilerProfile device BOILER-1 allowed
 * `*_setpoint`: the setpoint is written and read back (the slave's register holds it), rpm is
 * refused with the reason.
 */
export async function expectSetpointWrittenRpmRefused(
  answer: AskWrite,
  setpointRegister: () => number[],
): Promise<void> {
  const ok = await answer('w1', { point: 'temperature_setpoint', value: 55.5 });
  expect(ok).toMatchObject({
    id: 'w1',
    device: 'BOILER-1',
    ok: true,
    result: 'ok',
    point: 'temperature_setpoint',
    value: 55.5,
    readBack: 55.5,
  });
  expect(setpointRegister()).toEqual([555]);
  const refused = await answer('w2', { point: 'rpm', value: 1200 });
  expect(refused).toMatchObject({
    id: 'w2',
    ok: false,
    result: 'refused',
    error: 'point rpm of device BOILER-1 is not on the write-back allow-list',
  });
}
