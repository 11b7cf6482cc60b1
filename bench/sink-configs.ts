// The sinks scenario's sink settings, written as server.yml entries and compiled the way
// dtuhub compiles them (schema defaults, then the sink compilers), so the bench runs the
// shipped defaults except where it says otherwise below.
import type { ConfigIssue } from '../src/config/errors.js';
import { compileSinks } from '../src/config/compile-sinks.js';
import { SINK_SCHEMA } from '../src/config/schema/sinks.schema.js';
import { validateSection } from '../src/config/validate-schema.js';
import { IssueSink, parseYamlSource } from '../src/config/yaml-source.js';
import type { InfluxSinkConfig, MqttNorthSinkConfig, SinkConfig } from '../src/domain/sinks.js';

/**
 * Queue and journal, as shipped except `retryMax`: 5 s instead of 30 s, so after a 60 s
 * outage the first replay attempt comes within 5 s of the peer's return and the drain time
 * measures the replay, not the back-off.
 */
const COMMON = (spillDir: string) => `
    queue: { maxRows: 5000, flushInterval: 1s, maxPendingRows: 200000 }
    spill: { dir: ${JSON.stringify(spillDir)}, retryMin: 1s, retryMax: 5s }`;

function compiled<T>(yaml: string, compile: (data: Record<string, unknown>, sink: IssueSink) => T | null): T {
  const { source } = parseYamlSource('server.yml', yaml);
  const issues: ConfigIssue[] = [];
  const sink = new IssueSink('server.yml', source, issues);
  const out = compile(source.doc.toJS() as Record<string, unknown>, sink);
  if (!out || issues.length > 0) throw new Error(`bench sink config refused: ${JSON.stringify(issues)}`);
  return out;
}

/** The one entry of a `sinks:` list, validated and compiled as server.yml's would be. */
function compiledSink<T extends SinkConfig>(yaml: string): T {
  return compiled(yaml, (data, sink) => {
    const entries = data['sinks'] as unknown[];
    if (!validateSection(SINK_SCHEMA, entries[0], sink)) return null;
    return (compileSinks(entries, sink)[0]?.sink as T | undefined) ?? null;
  });
}

/** An InfluxDB v2 sink (gzip, 1 MiB bodies: the defaults) writing to `url`. */
export function influxBenchConfig(url: string, spillDir: string): InfluxSinkConfig {
  return compiledSink(`sinks:
  - name: influx
    type: influxdb${COMMON(spillDir)}
    influxdb: { url: ${JSON.stringify(url)}, org: bench, bucket: bench, token: bench-token }
`);
}

/** An MQTT north sink (JSON per device per poll, QoS 1: the defaults) publishing under `prefix`. */
export function mqttBenchConfig(url: string, prefix: string, spillDir: string): MqttNorthSinkConfig {
  return compiledSink(`sinks:
  - name: north
    type: mqtt${COMMON(spillDir)}
    mqtt: { url: ${JSON.stringify(url)}, prefix: ${prefix}, reconnect: 1s }
`);
}
