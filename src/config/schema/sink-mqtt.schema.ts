// JSON Schema of the `mqtt:` section of a `type: mqtt` entry of server.yml `sinks:` (the
// MQTT northbound sink): its keys, ranges, defaults and descriptions; compile-sink-mqtt.ts
// adds the checks that need more than one field. The keys every sink has (name, type,
// enabled, queue, spill) are the entry's own, in sinks.schema.ts.
import { TLS_SCHEMA } from './channels.schema.js';
import { DURATION, strictObject, type JsonSchema } from './common.js';

const d = (schema: JsonSchema, description: string, value?: unknown): JsonSchema =>
  value === undefined ? { ...schema, description } : { ...schema, default: value, description };

const TOPIC: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 512,
  pattern: '^[^+#\\u0000]+$',
  'x-message': 'must be a topic without wildcards (+ #); {prefix}, {device} … are filled in',
};

/** Glob patterns over registration IDs or point names: `*` any run, `?` one character. */
const GLOBS: JsonSchema = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 128 } };

export const WRITE_BACK_RULE_SCHEMA: JsonSchema = strictObject(
  {
    devices: d({ ...GLOBS, minItems: 1 }, 'Registration IDs (globs) this rule lets be written.'),
    points: d(GLOBS, 'Point names (globs) that may be written by name on those devices.', []),
    registers: d({ type: 'boolean' }, 'Register and coil writes by address too (fc 5, 6, 15, 16).', false),
  },
  ['devices'],
);

export const WRITE_BACK_SCHEMA: JsonSchema = strictObject({
  enabled: d({ type: 'boolean' }, 'Take write requests from the broker.', false),
  requestTopic: d(
    TOPIC,
    'Where requests arrive; {device} must be a level of its own.',
    '{prefix}/write/request/{device}',
  ),
  responseTopic: d(TOPIC, 'Where the result is published.', '{prefix}/write/response/{device}'),
  maxPending: d(
    { type: 'integer', minimum: 1, maximum: 1000 },
    'Requests carried out at once; more are refused as busy.',
    16,
  ),
  allow: d(
    { type: 'array', items: WRITE_BACK_RULE_SCHEMA },
    'Which devices and points may be written; nothing else.',
    [],
  ),
});

export const MQTT_SINK_TOPICS_SCHEMA: JsonSchema = strictObject({
  data: d(TOPIC, 'Samples: {prefix}/{device}/data (json) or {prefix}/{device}/{point} (point).'),
  status: d(TOPIC, 'A device online/offline, retained.', '{prefix}/status/{device}'),
  gateway: d(TOPIC, "The gateway's own status (online, last will offline), retained.", '{prefix}/gateway/status'),
});

/** A `type: mqtt` sink's `mqtt:` section. */
export const MQTT_SECTION_SCHEMA: JsonSchema = strictObject(
  {
    url: d(
      {
        type: 'string',
        pattern: '^(mqtts?|wss?)://',
        'x-message': 'must be an mqtt://, mqtts://, ws:// or wss:// URL',
      },
      'The broker.',
    ),
    clientId: d({ type: 'string', minLength: 1, maxLength: 128 }, 'Client ID (dtuhub-sink-<name>).'),
    username: d({ type: ['string', 'number'] }, 'Login.'),
    password: d({ type: ['string', 'number'] }, 'Its password.'),
    tls: d(TLS_SCHEMA, 'TLS options (mqtts://, wss://).'),
    keepalive: d(DURATION, 'Keepalive, whole seconds.', '60s'),
    connectTimeout: d(DURATION, 'A longer connect attempt fails.', '10s'),
    reconnect: d(DURATION, 'Pause between reconnect attempts.', '5s'),
    qos: d({ enum: [1, 2] }, 'QoS of samples and status (at least once).', 1),
    prefix: d(
      {
        type: 'string',
        minLength: 1,
        maxLength: 256,
        pattern: '^[^+#\\u0000]+$',
        'x-message': 'must be topic levels without + #',
      },
      '{prefix} in the topics.',
      'dtuhub',
    ),
    format: d({ enum: ['json', 'point'] }, 'One JSON message per device per poll, or one per point.', 'json'),
    topics: { ...MQTT_SINK_TOPICS_SCHEMA, default: {}, description: 'Topic templates.' },
    retainStatus: d({ type: 'boolean' }, 'Device and gateway status retained.', true),
    units: d({ type: 'boolean' }, 'Units from points.yml in the messages.', true),
    writeBack: { ...WRITE_BACK_SCHEMA, default: {}, description: 'Writes requested over MQTT.' },
  },
  ['url'],
);
