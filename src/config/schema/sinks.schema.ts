// JSON Schema of server.yml `sinks:`, declared once per key: type, range, default and
// description. The keys every sink has sit at the top of an entry; a type's own keys sit
// under a key named like the type (`influxdb:`, `mqtt:`), so each type owns its schema and its
// defaults apply only to a sink of that type. compile-sinks.ts checks that the section
// matches `type`. docs/SINKS.md is tested against these tables.
import { SINK_TYPES, type SinkType } from '../../domain/sinks.js';
import { DATA_SIZE, DURATION, NAME, strictObject, type JsonSchema } from './common.js';
import { MQTT_SECTION_SCHEMA } from './sink-mqtt.schema.js';

const TEXT: JsonSchema = { type: 'string', minLength: 1 };
const SECRET: JsonSchema = { type: ['string', 'number'] };
/** A tag key, or false to leave the tag out. */
const TAG_KEY: JsonSchema = {
  anyOf: [{ type: 'string', minLength: 1, maxLength: 64 }, { const: false }],
  'x-message': 'must be a tag key, or false to leave the tag out',
};

const d = (schema: JsonSchema, description: string, value?: unknown): JsonSchema =>
  value === undefined ? { ...schema, description } : { ...schema, default: value, description };

export const SINK_QUEUE_SCHEMA: JsonSchema = strictObject({
  maxRows: d({ type: 'integer', minimum: 1 }, 'Send a batch when this many rows wait.', 5000),
  flushInterval: d(DURATION, 'Send at least this often.', '1s'),
  maxPendingRows: d(
    { type: 'integer', minimum: 1 },
    'Rows accepted but not yet sent or journaled; more are dropped.',
    200_000,
  ),
});

export const SINK_SPILL_SCHEMA: JsonSchema = strictObject({
  dir: d(TEXT, 'Directory of the spill journal (default data/spill/sinks/<name>).'),
  maxSize: d(DATA_SIZE, 'The journal’s cap.', '1GiB'),
  writeTimeout: d(DURATION, 'A batch the peer has not taken by then is journaled.', '10s'),
  retryMin: d(DURATION, 'First pause between replay attempts while the peer is away.', '1s'),
  retryMax: d(DURATION, 'Longest pause between replay attempts.', '30s'),
});

export const INFLUX_TAGS_SCHEMA: JsonSchema = strictObject({
  device: d(TAG_KEY, 'Tag key of the registration ID.', 'device'),
  name: d(TAG_KEY, 'Tag key of the device name (when it has one).', 'name'),
  profile: d(TAG_KEY, 'Tag key of the profile.', 'profile'),
  group: d(TAG_KEY, 'Tag key of the registry group (when set).', 'group'),
  registryTags: d({ type: 'boolean' }, 'Registry tags written key=value become tags.', true),
  extra: d(
    { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    'Fixed tags on every line.',
  ),
});

export const INFLUXDB_SCHEMA: JsonSchema = strictObject(
  {
    url: d(TEXT, 'Base URL: http://host:8086.'),
    api: d({ enum: ['v2', 'v1'] }, 'v2: /api/v2/write (InfluxDB 2, 3, compatible engines); v1: /write.', 'v2'),
    org: d(TEXT, 'v2: organisation.'),
    bucket: d(TEXT, 'v2: bucket (InfluxDB 3: database).'),
    token: d(SECRET, 'v2: API token (Authorization: Token …).'),
    database: d(TEXT, 'v1: database.'),
    retentionPolicy: d(TEXT, 'v1: retention policy.'),
    username: d(SECRET, 'v1: user (basic auth).'),
    password: d(SECRET, 'v1: password.'),
    gzip: d({ type: 'boolean' }, 'Compress request bodies.', true),
    timeout: d(DURATION, 'One request’s deadline.', '10s'),
    maxBodySize: d(DATA_SIZE, 'Line protocol per request before gzip; larger batches are split.', '1MiB'),
    measurement: d(NAME, 'Fixed measurement name (default: the device’s profile).'),
    tags: d(INFLUX_TAGS_SCHEMA, 'Which tags each line carries.', {}),
  },
  ['url'],
);

/** Each type's own section, under a key named like the type. */
export const SINK_TYPE_SCHEMAS: Record<SinkType, JsonSchema> = {
  influxdb: d(INFLUXDB_SCHEMA, 'Settings of a type: influxdb sink.'),
  mqtt: d(MQTT_SECTION_SCHEMA, 'Settings of a type: mqtt sink.'),
};

export const SINK_SCHEMA: JsonSchema = strictObject(
  {
    name: d(NAME, 'Unique among sinks.'),
    type: d({ enum: [...SINK_TYPES] }, SINK_TYPES.join(', ') + '.'),
    enabled: d({ type: 'boolean' }, 'false: configured but not started.', true),
    samples: d({ enum: ['all', 'stored'] }, 'all: every polled sample; stored: only what history keeps.', 'all'),
    queue: d(SINK_QUEUE_SCHEMA, 'Batching and backlog cap.', {}),
    spill: d(SINK_SPILL_SCHEMA, 'Spill journal while the peer is away.', {}),
    ...SINK_TYPE_SCHEMAS,
  },
  ['name', 'type'],
);
