// The `mqtt:` section of a `type: mqtt` entry of server.yml `sinks:` (schema/sink-mqtt.schema.ts
// has checked it and filled in its defaults) → MqttSinkConfig, with the checks that need more than one field:
// the variables each topic template may use, {point} in a per-point data topic and nowhere
// else, {device} as a level of its own in the request topic, TLS only on secure URLs, and
// write-back that is enabled but allows nothing.
import type { MqttSinkConfig, MqttSinkFormat, WriteBackConfig, WriteBackRule } from '../domain/mqtt-sink.js';
import type { MqttNorthSinkConfig, SinkCommonConfig } from '../domain/sinks.js';
import { compileTls } from './compile-tls.js';
import { ms, positiveMs } from './durations.js';
import type { YamlPath } from './errors.js';
import { asList, asMap, bool, oneOf, str, text, type RawMap } from './raw.js';
import type { DurationText } from './schema/common.js';
import type { IssueSink } from './yaml-source.js';

type Variable = 'prefix' | 'device' | 'name' | 'profile' | 'point';

const PLACEHOLDER = /\{([a-z]+)\}/g;

const DATA_VARIABLES: Record<MqttSinkFormat, readonly Variable[]> = {
  json: ['prefix', 'device', 'name', 'profile'],
  point: ['prefix', 'device', 'name', 'profile', 'point'],
};

export const DEFAULT_DATA_TOPIC: Record<MqttSinkFormat, string> = {
  json: '{prefix}/{device}/data',
  point: '{prefix}/{device}/{point}',
};

/** SINK_SECTIONS' entry: the section compiled onto the common part of the sink. */
export function compileMqttSection(
  common: SinkCommonConfig,
  m: RawMap,
  at: YamlPath,
  sink: IssueSink,
): MqttNorthSinkConfig | null {
  const mqtt = compileMqttSink(common.name, m, at, sink);
  return mqtt ? { ...common, type: 'mqtt', mqtt } : null;
}

export function compileMqttSink(name: string, m: RawMap, at: YamlPath, sink: IssueSink): MqttSinkConfig | null {
  const url = str(m, 'url');
  if (url === undefined) return null;
  const format = oneOf(m, 'format', ['json', 'point'] as const) ?? 'json';
  const t = asMap(m['topics']);
  const topicsAt = [...at, 'topics'];
  const data = str(t, 'data') ?? DEFAULT_DATA_TOPIC[format];
  checkTemplate(data, DATA_VARIABLES[format], [...topicsAt, 'data'], sink);
  if (format === 'point' && !data.includes('{point}'))
    sink.add([...topicsAt, 'data'], 'format point publishes one topic per point: the template needs {point}');
  const topics = {
    data,
    status: checkTemplate(str(t, 'status')!, ['prefix', 'device'], [...topicsAt, 'status'], sink),
    gateway: checkTemplate(str(t, 'gateway')!, ['prefix'], [...topicsAt, 'gateway'], sink),
  };
  const tls = sink.writtenValue([...at, 'tls'])
    ? compileTls(asMap(m['tls']), url, ['mqtts:', 'wss:'], [...at, 'tls'], sink)
    : null;
  return {
    name,
    url,
    clientId: str(m, 'clientId') ?? `dtuhub-sink-${name}`,
    username: text(m, 'username'),
    password: text(m, 'password'),
    tls,
    keepaliveSec: Math.ceil(ms(m['keepalive'] as DurationText) / 1000),
    connectTimeoutMs: positiveMs(m['connectTimeout'] as DurationText, '10s', [...at, 'connectTimeout'], sink),
    reconnectMs: positiveMs(m['reconnect'] as DurationText, '5s', [...at, 'reconnect'], sink),
    qos: m['qos'] === 2 ? 2 : 1,
    prefix: str(m, 'prefix') ?? 'dtuhub',
    format,
    topics,
    retainStatus: bool(m, 'retainStatus') ?? true,
    units: bool(m, 'units') ?? true,
    writeBack: compileWriteBack(asMap(m['writeBack']), [...at, 'writeBack'], sink),
  };
}

function compileWriteBack(m: RawMap, at: YamlPath, sink: IssueSink): WriteBackConfig {
  const requestTopic = checkTemplate(str(m, 'requestTopic')!, ['prefix', 'device'], [...at, 'requestTopic'], sink);
  const levels = requestTopic.split('/');
  if (!levels.includes('{device}'))
    sink.add(
      [...at, 'requestTopic'],
      'needs {device} as a topic level of its own, like {prefix}/write/request/{device}',
    );
  const allow = asList(m['allow']).map((item): WriteBackRule => {
    const r = asMap(item);
    const globs = (key: string) => asList(r[key]).filter((g): g is string => typeof g === 'string');
    return { devices: globs('devices'), points: globs('points'), registers: bool(r, 'registers') ?? false };
  });
  const enabled = bool(m, 'enabled') ?? false;
  if (enabled && allow.length === 0)
    sink.add([...at, 'allow'], 'write-back is enabled but allows nothing: list the devices and points it may write');
  allow.forEach((rule, i) => {
    if (rule.points.length === 0 && !rule.registers)
      sink.add([...at, 'allow', i], 'allows nothing: give points (globs) or registers: true');
  });
  return {
    enabled,
    requestTopic,
    responseTopic: checkTemplate(str(m, 'responseTopic')!, ['prefix', 'device'], [...at, 'responseTopic'], sink),
    allow,
    maxPending: typeof m['maxPending'] === 'number' ? m['maxPending'] : 16,
  };
}

/** Reports variables the template may not use here; answers the template. */
function checkTemplate(template: string, allowed: readonly Variable[], at: YamlPath, sink: IssueSink): string {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (!(allowed as readonly string[]).includes(name))
      sink.add(at, `{${name}} cannot be used here; this topic takes ${allowed.map((v) => `{${v}}`).join(', ')}`);
  }
  return template;
}
