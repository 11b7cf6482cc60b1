// server.yml `channels:` → ChannelConfig[], defaults filled in, with the checks that need
// more than one field: keys that do not fit the type, what each type requires, duplicate
// names (channels share the supervision namespace with listeners), duplicate point names.
// References into points.yml (profile, link) are checked in load.ts, which has both files.
import type {
  BackoffConfig,
  ChannelConfig,
  ChannelType,
  DeviceSource,
  HttpChannelConfig,
  MqttChannelConfig,
  MqttSubscription,
  OpcuaChannelConfig,
  OpcuaItem,
} from '../domain/channels.js';
import { parseJsonPath } from '../plan/json-path.js';
import { jsonPoints, mappedPoint, timestampPath } from './compile-mapped-points.js';
import { compileTls } from './compile-tls.js';
import { DEFAULT_CHANNEL } from './defaults.js';
import { durationField } from './durations.js';
import type { YamlPath } from './errors.js';
import { asList, asMap, bool, has, int, intIn, oneOf, str, text, type RawMap } from './raw.js';
import { parseDataSize } from './units.js';
import type { IssueSink } from './yaml-source.js';

/** A channel with the index it had in the file, for messages about it. */
export interface LocatedChannel {
  readonly channel: ChannelConfig;
  readonly index: number;
}

const COMMON_KEYS = ['name', 'type', 'enabled', 'backoff'];
const TCP_KEYS = ['host', 'port', 'connectTimeout'];

/** Keys each type takes besides the common ones; any other key is reported. */
const KEYS: Record<ChannelType, readonly string[]> = {
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
};

/** Keys without which a channel of the type cannot run. */
const REQUIRED: Record<ChannelType, readonly string[]> = {
  'modbus-tcp': ['host', 'port', 'device', 'profile'],
  'rtu-over-tcp': ['host', 'port'],
  mqtt: ['url', 'subscriptions'],
  http: ['url', 'device', 'points'],
  opcua: ['endpoint', 'device', 'items'],
};

export function compileChannels(raw: unknown, listenerNames: ReadonlySet<string>, sink: IssueSink): LocatedChannel[] {
  const out: LocatedChannel[] = [];
  const names = new Map<string, number>();
  asList(raw).forEach((item, index) => {
    const at: YamlPath = ['channels', index];
    const m = asMap(item);
    const name = str(m, 'name');
    const type = oneOf(m, 'type', ['modbus-tcp', 'rtu-over-tcp', 'mqtt', 'http', 'opcua'] as const);
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
    const allowed = new Set([...COMMON_KEYS, ...KEYS[type]]);
    for (const key of Object.keys(m))
      if (!allowed.has(key)) sink.add([...at, key], `does not apply to a ${type} channel`);
    const missing = REQUIRED[type].filter((key) => !has(m, key));
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
    enabled: bool(m, 'enabled') ?? true,
    backoff: compileBackoff(asMap(m['backoff']), [...at, 'backoff'], sink),
  };
  const connectTimeoutMs = durationField(m, 'connectTimeout', DEFAULT_CHANNEL.connectTimeoutMs, at, sink, {
    positive: true,
  });
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
        maxInFlight: int(m, 'maxInFlight') ?? DEFAULT_CHANNEL.maxInFlight,
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
  }
}

type Base = { name: string; enabled: boolean; backoff: BackoffConfig };

function compileBackoff(m: RawMap, at: YamlPath, sink: IssueSink): BackoffConfig {
  const d = DEFAULT_CHANNEL.backoff;
  const initialMs = durationField(m, 'initial', d.initialMs, at, sink, { positive: true });
  const maxMs = durationField(m, 'max', Math.max(d.maxMs, initialMs), at, sink, { positive: true });
  if (maxMs < initialMs) sink.add([...at, 'max'], `must be at least backoff.initial (${initialMs} ms)`);
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
  const d = DEFAULT_CHANNEL.mqtt;
  return {
    ...base,
    type: 'mqtt',
    url,
    clientId: str(m, 'clientId') ?? `dtuhub-${base.name}`,
    username: text(m, 'username'),
    password: text(m, 'password'),
    qos: oneOf(m, 'qos', [0, 1, 2] as const) ?? d.qos,
    cleanSession: bool(m, 'cleanSession') ?? d.cleanSession,
    keepaliveSeconds: Math.max(
      1,
      Math.round(durationField(m, 'keepalive', d.keepaliveSeconds * 1000, at, sink, { positive: true }) / 1000),
    ),
    connectTimeoutMs,
    maxPayloadBytes: maxPayload(m, d.maxPayloadBytes, [...at, 'maxPayload'], sink),
    tls: has(m, 'tls') ? compileTls(asMap(m['tls']), url, ['mqtts:', 'wss:'], [...at, 'tls'], sink) : null,
    subscriptions: asList(m['subscriptions']).map((s, i) =>
      compileSubscription(asMap(s), [...at, 'subscriptions', i], sink),
    ),
  };
}

function maxPayload(m: RawMap, fallback: number, at: YamlPath, sink: IssueSink): number {
  if (!has(m, 'maxPayload')) return fallback;
  const bytes = parseDataSize(m['maxPayload']);
  // The schema has checked the syntax; 0 would refuse every message.
  if (bytes === 0) sink.add(at, 'must be at least 1 byte');
  return bytes || fallback;
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
  const d = DEFAULT_CHANNEL.http;
  const method = oneOf(m, 'method', ['GET', 'POST'] as const) ?? d.method;
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
    everyMs: durationField(m, 'every', d.everyMs, at, sink, { positive: true }),
    timeoutMs: durationField(m, 'timeout', d.timeoutMs, at, sink, { positive: true }),
    tls: has(m, 'tls') ? compileTls(asMap(m['tls']), url, ['https:'], [...at, 'tls'], sink) : null,
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
  const d = DEFAULT_CHANNEL.opcua;
  const securityMode = oneOf(m, 'securityMode', ['None', 'Sign', 'SignAndEncrypt'] as const) ?? d.securityMode;
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
      samplingIntervalMs: durationField(im, 'samplingInterval', d.samplingIntervalMs, itemAt, sink),
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
    pkiDir: str(m, 'pkiDir') ?? d.pkiDir,
    acceptUnknownServerCertificate: bool(m, 'acceptUnknownServerCertificate') ?? d.acceptUnknownServerCertificate,
    connectTimeoutMs,
    publishingIntervalMs: durationField(m, 'publishingInterval', d.publishingIntervalMs, at, sink, { positive: true }),
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
