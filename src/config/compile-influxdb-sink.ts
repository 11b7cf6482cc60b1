// A sink's `influxdb:` section (checked and completed by schema/sinks.schema.ts) → the
// InfluxDB part of its config: the keys each API needs and those that do not apply to it,
// a URL that is http(s), tag keys that do not collide.
import type { InfluxApi, InfluxSinkConfig, SinkCommonConfig } from '../domain/sinks.js';
import { bytes, positiveMs } from './durations.js';
import type { YamlPath } from './errors.js';
import { asMap, oneOf, str, text, type RawMap } from './raw.js';
import { defaultOf, type DataSizeText, type DurationText } from './schema/common.js';
import { INFLUX_TAGS_SCHEMA, INFLUXDB_SCHEMA } from './schema/sinks.schema.js';
import type { IssueSink } from './yaml-source.js';

const V2_KEYS = ['org', 'bucket', 'token'];
const V1_KEYS = ['database', 'retentionPolicy', 'username', 'password'];
const TAG_KINDS = ['device', 'name', 'profile', 'group'] as const;

export function compileInfluxSection(
  common: SinkCommonConfig,
  m: RawMap,
  at: YamlPath,
  sink: IssueSink,
): InfluxSinkConfig | null {
  const api: InfluxApi = oneOf(m, 'api', ['v1', 'v2'] as const) ?? 'v2';
  for (const key of api === 'v2' ? V1_KEYS : V2_KEYS)
    if (sink.written([...at, key])) sink.add([...at, key], `does not apply to api: ${api}`);
  const needs = api === 'v2' ? ['bucket'] : ['database'];
  const missing = needs.filter((key) => str(m, key) === undefined);
  for (const key of missing) sink.add(at, `api: ${api} needs ${key}`);
  if (api === 'v1' && (text(m, 'username') === null) !== (text(m, 'password') === null))
    sink.add([...at, text(m, 'username') === null ? 'username' : 'password'], 'give username and password together');
  const url = str(m, 'url');
  if (url === undefined) return null;
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    sink.add([...at, 'url'], 'is not a valid URL');
  }
  if (parsed && parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    sink.add([...at, 'url'], 'must be an http:// or https:// URL');
  if (!parsed || missing.length > 0) return null;
  const timeout = m['timeout'];
  const size = m['maxBodySize'];
  const maxBodyBytes = bytes(
    typeof size === 'string' || typeof size === 'number'
      ? size
      : (defaultOf(INFLUXDB_SCHEMA, 'maxBodySize') as DataSizeText),
  );
  if (maxBodyBytes < 1024) sink.add([...at, 'maxBodySize'], 'must be at least 1KiB');
  return {
    ...common,
    type: 'influxdb',
    influxdb: {
      url,
      api,
      org: str(m, 'org') ?? null,
      bucket: str(m, 'bucket') ?? null,
      token: text(m, 'token'),
      database: str(m, 'database') ?? null,
      retentionPolicy: str(m, 'retentionPolicy') ?? null,
      username: text(m, 'username'),
      password: text(m, 'password'),
      gzip: m['gzip'] !== false,
      timeoutMs: positiveMs(
        typeof timeout === 'string' || typeof timeout === 'number'
          ? timeout
          : (defaultOf(INFLUXDB_SCHEMA, 'timeout') as DurationText),
        defaultOf(INFLUXDB_SCHEMA, 'timeout') as DurationText,
        [...at, 'timeout'],
        sink,
      ),
      maxBodyBytes: Math.max(maxBodyBytes, 1024),
      measurement: str(m, 'measurement') ?? null,
      tags: compileTags(asMap(m['tags']), [...at, 'tags'], sink),
    },
  };
}

function compileTags(m: RawMap, at: YamlPath, sink: IssueSink): InfluxSinkConfig['influxdb']['tags'] {
  const key = (kind: (typeof TAG_KINDS)[number]): string | null => {
    const value = m[kind];
    if (value === false) return null;
    return typeof value === 'string' ? value : (defaultOf(INFLUX_TAGS_SCHEMA, kind) as string);
  };
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(asMap(m['extra']))) extra[k] = String(v);
  const tags = {
    device: key('device'),
    name: key('name'),
    profile: key('profile'),
    group: key('group'),
    registryTags: m['registryTags'] !== false,
    extra,
  };
  // Two sources writing one tag key: the later would silently win.
  const seen = new Map<string, string>();
  for (const kind of TAG_KINDS) {
    const k = tags[kind];
    if (k === null) continue;
    const other = seen.get(k);
    if (other !== undefined) sink.add([...at, kind], `tag key "${k}" is also the ${other} tag`);
    else seen.set(k, kind);
  }
  for (const k of Object.keys(extra))
    if (seen.has(k)) sink.add([...at, 'extra', k], `tag key "${k}" is also the ${seen.get(k)!} tag`);
  return tags;
}
