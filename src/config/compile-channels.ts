// server.yml `channels:` (checked, repaired and completed by schema/channels.schema.ts) →
// ChannelConfig[], with the checks that need more than one field: keys written that do not
// fit the type, what each type requires, duplicate names (channels share the supervision
// namespace with listeners), duplicate point names, and the defaults that follow other
// fields (clientId, securityPolicy). The schema fills in every type's defaults, so the
// type checks ask the file which keys it sets.
// References into points.yml (profile, link) are checked in load.ts, which has both files.
import {
  CHANNEL_TYPES,
  type BackoffConfig,
  type ChannelConfig,
  type ChannelType,
  type DeviceSource,
  type HttpChannelConfig,
  type MqttChannelConfig,
  type MqttSubscription,
  type OpcuaChannelConfig,
  type OpcuaItem,
  type TlsConfig,
} from '../domain/channels.js';
import { parseJsonPath } from '../plan/json-path.js';
import { jsonPoints, mappedPoint, timestampPath } from './compile-mapped-points.js';
import { mcTags } from './compile-mc-tags.js';
import { compileS7, S7_KEYS, S7_REQUIRED } from './compile-s7.js';
import { compileTls } from './compile-tls.js';
import { bytes, ms, positiveMs } from './durations.js';
import type { YamlPath } from './errors.js';
import { asList, asMap, intIn, oneOf, str, text, type RawMap } from './raw.js';
import { BACKOFF_SCHEMA, CHANNEL_SCHEMA } from './schema/channels.schema.js';
import { defaultOf, type DataSizeText, type DurationText, type JsonSchema } from './schema/common.js';
import type { IssueSink } from './yaml-source.js';

/** A channel with the index it had in the file, for messages about it. */
export interface LocatedChannel {
  readonly channel: ChannelConfig;
  readonly index: number;
}

export const COMMON_KEYS = ['name', 'type', 'enabled', 'backoff'];
const TCP_KEYS = ['host', 'port', 'connectTimeout'];

/** Keys each type takes besides the common ones; any other key is reported. */
export const CHANNEL_KEYS: Record<ChannelType, readonly string[]> = {
  'modbus-tcp': [...TCP_KEYS, 'device', 'profile', 'maxInFlight'],
  'rtu-over-tcp': [...TCP_KEYS, 'device', 'profile', 'link'],
  mqtt: [
    'url',
    'clientId',
    'username',
    'password',
    'qos',
    'cleanSession',
    'keepalive',
    'connectTimeout',
    'maxPayload',
    'tls',
    'subscriptions',
  ],
  http: ['url', 'method', 'headers', 'body', 'every', 'timeout', 'tls', 'device', 'timestamp', 'points'],
  mc: [...TCP_KEYS, 'frame', 'frameType', 'every', 'timeout', 'device', 'tags'],
  opcua: [
    'endpoint',
    'securityMode',
    'securityPolicy',
    'username',
    'password',
    'pkiDir',
    'acceptUnknownServerCertificate',
    'connectTimeout',
    'publishingInterval',
    'device',
    'items',
  ],
  s7: S7_KEYS,
};

/** Keys without which a channel of the type cannot run. */
const REQUIRED: Record<ChannelType, readonly string[]> = {
  'modbus-tcp': ['host', 'port', 'device', 'profile'],
  'rtu-over-tcp': ['host', 'port'],
  mqtt: ['url', 'subscriptions'],
  http: ['url', 'device', 'points'],
  opcua: ['endpoint', 'device', 'items'],
  mc: ['host', 'port', 'device', 'tags'],
  s7: S7_REQUIRED,
};

export function compileChannels(raw: unknown, listenerNames: ReadonlySet<string>, sink: IssueSink): LocatedChannel[] {
  const out: LocatedChannel[] = [];
  const names = new Map<string, number>();
  asList(raw).forEach((item, index) => {
    const at: YamlPath = ['channels', index];
    const m = asMap(item);
    const name = str(m, 'name');
    const type = oneOf(m, 'type', CHANNEL_TYPES);
    if (name === undefined || type === undefined) return;
    // A clashing name is reported and the rest of the entry still checked, so one pass shows every problem.
    let clash = false;
    const first = names.get(name);
    if (listenerNames.has(name)) {
      sink.add(
        [...at, 'name'],
        `"${name}" is already the name of a listener: channels and listeners share one list in supervision`,
      );
      clash = true;
    } else if (first !== undefined) {
      sink.add([...at, 'name'], `duplicate channel name "${name}" (first at line ${sink.lineOf(['channels', first])})`);
      clash = true;
    } else names.set(name, index);
    const allowed = new Set([...COMMON_KEYS, ...CHANNEL_KEYS[type]]);
    for (const key of sink.writtenKeys(at))
      if (!allowed.has(key)) sink.add([...at, key], `does not apply to a ${type} channel`);
    // Written counts even when the value was rejected (and dropped): the schema reported it.
    const missing = REQUIRED[type].filter((key) => !sink.writtenValue([...at, key]));
    for (const key of missing) sink.add(at, `a ${type} channel needs ${key}`);
    if (missing.length > 0) return;
    const channel = compileOne(name, type, m, at, sink);
    if (channel && !clash) out.push({ channel, index });
  });
  return out;
}

function compileOne(name: string, type: ChannelType, m: RawMap, at: YamlPath, sink: IssueSink): ChannelConfig | null {
  const base = {
    name,
    enabled: m['enabled'] as boolean,
    backoff: compileBackoff(asMap(m['backoff']), [...at, 'backoff'], sink),
  };
  const connectTimeoutMs = positive(m, 'connectTimeout', at, sink);
  switch (type) {
    case 'modbus-tcp':
      return {
        ...base,
        type,
        host: str(m, 'host')!,
        port: intIn(m, 'port', 1, 65535) ?? 502,
        connectTimeoutMs,
        device: str(m, 'device')!,
        profile: str(m, 'profile')!,
        maxInFlight: m['maxInFlight'] as number,
      };
    case 'rtu-over-tcp': {
      const device = str(m, 'device') ?? null;
      const link = str(m, 'link') ?? null;
      const profile = str(m, 'profile') ?? null;
      if (device === null && link === null)
        sink.add(
          at,
          'an rtu-over-tcp channel needs device (and profile), or a link whose registration names the device',
        );
      if (device !== null && profile === null)
        sink.add(at, 'an rtu-over-tcp channel with a fixed device needs profile');
      return {
        ...base,
        type,
        host: str(m, 'host')!,
        port: intIn(m, 'port', 1, 65535) ?? 502,
        connectTimeoutMs,
        device,
        link,
        profile,
      };
    }
    case 'mqtt':
      return compileMqtt(base, m, connectTimeoutMs, at, sink);
    case 'http':
      return compileHttp(base, m, at, sink);
    case 'opcua':
      return compileOpcua(base, m, connectTimeoutMs, at, sink);
    case 'mc':
      return {
        ...base,
        type,
        host: str(m, 'host')!,
        port: intIn(m, 'port', 1, 65535)!,
        connectTimeoutMs,
        frame: m['frame'] as 'binary' | 'ascii',
        frameType: m['frameType'] as '3e' | '4e',
        everyMs: positive(m, 'every', at, sink),
        timeoutMs: positive(m, 'timeout', at, sink),
        device: str(m, 'device')!,
        tags: mcTags(m['tags'], [...at, 'tags'], sink),
      };
    case 's7':
      return compileS7(
        base,
        m,
        { connectTimeoutMs, everyMs: positive(m, 'every', at, sink), timeoutMs: positive(m, 'timeout', at, sink) },
        at,
        sink,
      );
  }
}

type Base = { name: string; enabled: boolean; backoff: BackoffConfig };

/** A duration from the schema-checked data that must not be 0; a 0 is reported and the default used. */
function positive(m: RawMap, key: string, at: YamlPath, sink: IssueSink, schema: JsonSchema = CHANNEL_SCHEMA): number {
  return positiveMs(m[key] as DurationText, defaultOf(schema, key) as DurationText, [...at, key], sink);
}

function compileBackoff(m: RawMap, at: YamlPath, sink: IssueSink): BackoffConfig {
  const initialMs = positive(m, 'initial', at, sink, BACKOFF_SCHEMA);
  const maxMs = positive(m, 'max', at, sink, BACKOFF_SCHEMA);
  // Cross-field: an unwritten max follows a longer initial.
  if (maxMs < initialMs && sink.written([...at, 'max']))
    sink.add([...at, 'max'], `must be at least backoff.initial (${initialMs} ms)`);
  return { initialMs, maxMs: Math.max(maxMs, initialMs) };
}

function compileMqtt(
  base: Base,
  m: RawMap,
  connectTimeoutMs: number,
  at: YamlPath,
  sink: IssueSink,
): MqttChannelConfig {
  const url = str(m, 'url')!;
  checkUrl(url, ['mqtt:', 'mqtts:', 'ws:', 'wss:'], [...at, 'url'], sink);
  return {
    ...base,
    type: 'mqtt',
    url,
    clientId: str(m, 'clientId') ?? `dtuhub-${base.name}`,
    username: text(m, 'username'),
    password: text(m, 'password'),
    qos: m['qos'] as 0 | 1 | 2,
    cleanSession: m['cleanSession'] as boolean,
    keepaliveSeconds: Math.max(1, Math.round(positive(m, 'keepalive', at, sink) / 1000)),
    connectTimeoutMs,
    maxPayloadBytes: maxPayload(m, [...at, 'maxPayload'], sink),
    tls: channelTls(m, url, ['mqtts:', 'wss:'], at, sink),
    // A subscription the schema could not mend is a hole: skipped, the indexes kept.
    subscriptions: asList(m['subscriptions']).flatMap((s, i) => [
      compileSubscription(asMap(s), [...at, 'subscriptions', i], sink),
    ]),
  };
}

function channelTls(
  m: RawMap,
  url: string,
  secure: readonly string[],
  at: YamlPath,
  sink: IssueSink,
): TlsConfig | null {
  // Written, even if rejected: the protocol check still applies.
  return sink.writtenValue([...at, 'tls']) ? compileTls(asMap(m['tls']), url, secure, [...at, 'tls'], sink) : null;
}

function maxPayload(m: RawMap, at: YamlPath, sink: IssueSink): number {
  const size = bytes(m['maxPayload'] as DataSizeText);
  if (size > 0) return size;
  // The schema has checked the syntax; 0 would refuse every message.
  sink.add(at, 'must be at least 1 byte');
  return bytes(defaultOf(CHANNEL_SCHEMA, 'maxPayload') as DataSizeText);
}

function compileSubscription(m: RawMap, at: YamlPath, sink: IssueSink): MqttSubscription {
  const topic = str(m, 'topic') ?? '#';
  checkTopicFilter(topic, [...at, 'topic'], sink);
  return {
    topic,
    device: deviceSource(str(m, 'device') ?? '', topic, [...at, 'device'], sink),
    timestamp: timestampPath(m),
    points: jsonPoints(m['points'], [...at, 'points'], sink),
  };
}

/** `topic:N` (0-based level), `json:path`, or a fixed registration ID. */
function deviceSource(text: string, topic: string, at: YamlPath, sink: IssueSink): DeviceSource {
  const level = /^topic:(\d+)$/.exec(text);
  if (level) {
    const n = Number(level[1]);
    const levels = topic.split('/');
    if (n >= levels.length || levels[n] === '#')
      sink.add(at, `topic level ${n} is not in "${topic}" (levels count from 0)`);
    return { kind: 'topic-level', level: n };
  }
  if (text.startsWith('json:')) {
    const pathText = text.slice(5);
    if (pathText === '') sink.add(at, 'json: needs a path, e.g. json:meta.id');
    return { kind: 'json', path: parseJsonPath(pathText), pathText };
  }
  return { kind: 'fixed', id: text };
}

function compileHttp(base: Base, m: RawMap, at: YamlPath, sink: IssueSink): HttpChannelConfig {
  const url = str(m, 'url')!;
  checkUrl(url, ['http:', 'https:'], [...at, 'url'], sink);
  const method = m['method'] as 'GET' | 'POST';
  const body = str(m, 'body') ?? null;
  if (body !== null && method === 'GET') sink.add([...at, 'body'], 'a GET request has no body: use method: POST');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(asMap(m['headers'])))
    if (typeof v === 'string' || typeof v === 'number') headers[k] = String(v);
  return {
    ...base,
    type: 'http',
    url,
    method,
    headers,
    body,
    everyMs: positive(m, 'every', at, sink),
    timeoutMs: positive(m, 'timeout', at, sink),
    tls: channelTls(m, url, ['https:'], at, sink),
    device: str(m, 'device')!,
    timestamp: timestampPath(m),
    points: jsonPoints(m['points'], [...at, 'points'], sink),
  };
}

function compileOpcua(
  base: Base,
  m: RawMap,
  connectTimeoutMs: number,
  at: YamlPath,
  sink: IssueSink,
): OpcuaChannelConfig {
  const endpoint = str(m, 'endpoint')!;
  checkUrl(endpoint, ['opc.tcp:'], [...at, 'endpoint'], sink);
  const securityMode = m['securityMode'] as 'None' | 'Sign' | 'SignAndEncrypt';
  // Cross-field default: the policy follows the mode.
  const securityPolicy =
    oneOf(m, 'securityPolicy', [
      'None',
      'Basic128Rsa15',
      'Basic256',
      'Basic256Sha256',
      'Aes128_Sha256_RsaOaep',
      'Aes256_Sha256_RsaPss',
    ] as const) ?? (securityMode === 'None' ? 'None' : 'Basic256Sha256');
  if ((securityMode === 'None') !== (securityPolicy === 'None')) {
    sink.add(
      [...at, 'securityPolicy'],
      `securityMode ${securityMode} and securityPolicy ${securityPolicy} do not fit: None goes with None`,
    );
  }
  const username = text(m, 'username');
  const password = text(m, 'password');
  if ((username === null) !== (password === null)) sink.add(at, 'username and password go together');
  const items: OpcuaItem[] = [];
  const seen = new Map<string, number>();
  asList(m['items']).forEach((raw, i) => {
    const im = asMap(raw);
    const itemAt = [...at, 'items', i];
    const point = mappedPoint(im, itemAt, seen, sink);
    if (!point) return;
    items.push({
      ...point,
      nodeId: str(im, 'nodeId') ?? '',
      samplingIntervalMs: ms(im['samplingInterval'] as DurationText),
    });
  });
  return {
    ...base,
    type: 'opcua',
    endpoint,
    securityMode,
    securityPolicy,
    username,
    password,
    pkiDir: m['pkiDir'] as string,
    acceptUnknownServerCertificate: m['acceptUnknownServerCertificate'] as boolean,
    connectTimeoutMs,
    publishingIntervalMs: positive(m, 'publishingInterval', at, sink),
    device: str(m, 'device')!,
    items,
  };
}

function checkUrl(url: string, protocols: readonly string[], at: YamlPath, sink: IssueSink): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    sink.add(at, `"${url}" is not a URL`);
    return;
  }
  if (!protocols.includes(parsed.protocol))
    sink.add(at, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
}

/** `+` must fill a whole level and `#` must be the last level (MQTT 3.1.1 §4.7). */
function checkTopicFilter(topic: string, at: YamlPath, sink: IssueSink): void {
  const levels = topic.split('/');
  levels.forEach((level, i) => {
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1))
      sink.add(at, '# must be a whole level and the last one');
    if (level.includes('+') && level !== '+') sink.add(at, '+ must be a whole level');
  });
}
