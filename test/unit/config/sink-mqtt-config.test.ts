// `type: mqtt` sink entries: schema defaults, compile, and every problem reported with
// file:line and the field, checked on an entry list the way server.yml `sinks:` holds them.
import { describe, expect, it } from 'vitest';
import { compileMqttSink } from '../../../src/config/compile-sink-mqtt.js';
import { formatConfigIssue, type ConfigIssue } from '../../../src/config/errors.js';
import { asMap } from '../../../src/config/raw.js';
import { MQTT_SINK_SCHEMA } from '../../../src/config/schema/sink-mqtt.schema.js';
import { validateSection } from '../../../src/config/validate-schema.js';
import { IssueSink, parseYamlSource } from '../../../src/config/yaml-source.js';
import type { MqttSinkConfig } from '../../../src/domain/mqtt-sink.js';

const FILE = 'config/server.yml';
const SECTION = { type: 'object', properties: { sinks: { type: 'array', items: MQTT_SINK_SCHEMA } } };

function load(yaml: string): { sinks: (MqttSinkConfig | null)[]; messages: string[] } {
  const { source, issues } = parseYamlSource(FILE, yaml);
  const out: ConfigIssue[] = [...issues];
  const sink = new IssueSink(FILE, source, out);
  const data = source.doc.toJS() as { sinks: unknown[] };
  validateSection(SECTION, data, sink);
  const sinks = data.sinks.map((entry, i) => {
    const m = asMap(entry);
    return compileMqttSink(String(m['name']), m, ['sinks', i], sink);
  });
  return { sinks, messages: out.map(formatConfigIssue) };
}

describe('mqtt sink config', () => {
  it('fills in every default from a URL alone', () => {
    const { sinks, messages } = load('sinks:\n  - name: north\n    type: mqtt\n    url: mqtt://broker:1883\n');
    expect(messages).toEqual([]);
    expect(sinks[0]).toEqual({
      name: 'north',
      url: 'mqtt://broker:1883',
      clientId: 'dtuhub-sink-north',
      username: null,
      password: null,
      tls: null,
      keepaliveSec: 60,
      connectTimeoutMs: 10_000,
      reconnectMs: 5_000,
      qos: 1,
      prefix: 'dtuhub',
      format: 'json',
      topics: {
        data: '{prefix}/{device}/data',
        status: '{prefix}/status/{device}',
        gateway: '{prefix}/gateway/status',
      },
      retainStatus: true,
      units: true,
      writeBack: {
        enabled: false,
        requestTopic: '{prefix}/write/request/{device}',
        responseTopic: '{prefix}/write/response/{device}',
        allow: [],
        maxPending: 16,
      },
    });
  });

  it('takes per-point topics, credentials and a write-back allow-list', () => {
    const { sinks, messages } = load(`sinks:
  - name: north
    type: mqtt
    url: mqtt://broker:1883
    username: gw
    password: 123456
    format: point
    prefix: site/7
    reconnect: 2s
    writeBack:
      enabled: true
      allow:
        - devices: [boiler-*]
          points: ['*_setpoint']
`);
    expect(messages).toEqual([]);
    expect(sinks[0]).toMatchObject({
      username: 'gw',
      password: '123456',
      format: 'point',
      prefix: 'site/7',
      reconnectMs: 2000,
      topics: { data: '{prefix}/{device}/{point}' },
      writeBack: { enabled: true, allow: [{ devices: ['boiler-*'], points: ['*_setpoint'], registers: false }] },
    });
  });

  it('reports what the schema refuses with file, line and field', () => {
    const { sinks, messages } = load(`sinks:
  - name: north
    type: mqtt
    url: http://broker
    qos: 0
    topic: x
    topics:
      gateway: 'gw/#'
`);
    expect(sinks.filter((s) => s)).toEqual([]);
    expect(messages).toEqual([
      `${FILE}:6:5 sinks[0].topic: unknown key (did you mean "topics"?)`,
      `${FILE}:4:5 sinks[0].url: must be an mqtt://, mqtts://, ws:// or wss:// URL`,
      `${FILE}:5:5 sinks[0].qos: must be one of: 1, 2`,
      `${FILE}:8:7 sinks[0].topics.gateway: must be a topic without wildcards (+ #); {prefix}, {device} … are filled in`,
    ]);
  });

  it('reports every cross-field problem at once with file, line and field', () => {
    const { messages } = load(`sinks:
  - name: north
    type: mqtt
    url: mqtt://broker
    format: point
    topics:
      data: '{prefix}/{device}/values'
      status: '{prefix}/{point}/status'
    tls:
      ca: /nonexistent/ca.pem
    writeBack:
      enabled: true
      requestTopic: '{prefix}/write/{device}-request'
`);
    expect(messages).toEqual([
      `${FILE}:7:7 sinks[0].topics.data: format point publishes one topic per point: the template needs {point}`,
      `${FILE}:8:7 sinks[0].topics.status: {point} cannot be used here; this topic takes {prefix}, {device}`,
      `${FILE}:9:5 sinks[0].tls: applies to mqtts:// and wss:// URLs only, not mqtt://`,
      `${FILE}:10:7 sinks[0].tls.ca: no such file: /nonexistent/ca.pem (relative paths are read from the working directory)`,
      `${FILE}:13:7 sinks[0].writeBack.requestTopic: needs {device} as a topic level of its own, like {prefix}/write/request/{device}`,
      `${FILE}:11:5 sinks[0].writeBack.allow: write-back is enabled but allows nothing: list the devices and points it may write`,
    ]);
  });
});
