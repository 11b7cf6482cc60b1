// JSON Schema of rules.yml: webhook endpoints, MQTT brokers and rules. Which condition a
// `when:` holds (exactly one key) and references between sections are checked in
// compile-rules.ts, where the messages can be specific.
import { DURATION, NAME, REGEX, strictObject, type JsonSchema } from './common.js';

const NUMBER: JsonSchema = { type: 'number' };
const RANGE: JsonSchema = {
  type: 'array',
  items: NUMBER,
  minItems: 2,
  maxItems: 2,
  'x-message': 'must be a pair [low, high]',
};
const STRING_MAP: JsonSchema = { type: 'object', additionalProperties: { type: ['string', 'number'] } };

const webhook = strictObject(
  {
    url: { type: 'string', minLength: 1, pattern: '^https?://', 'x-message': 'must be an http:// or https:// URL' },
    method: { enum: ['POST', 'PUT', 'PATCH'] },
    headers: STRING_MAP,
    secret: { type: ['string', 'number'] },
    secrets: { type: 'array', items: { type: ['string', 'number'] }, minItems: 1, maxItems: 2 },
    timeout: DURATION,
    concurrency: { type: 'integer', minimum: 1, maximum: 64 },
    enabled: { type: 'boolean' },
    retry: strictObject({
      maxAttempts: { type: 'integer', minimum: 1, maximum: 100 },
      initialDelay: DURATION,
      maxDelay: DURATION,
    }),
  },
  ['url'],
);

const broker = strictObject(
  {
    url: { type: 'string', pattern: '^mqtts?://', 'x-message': 'must be an mqtt:// or mqtts:// URL' },
    username: { type: ['string', 'number'] },
    password: { type: ['string', 'number'] },
    clientId: { type: 'string', minLength: 1 },
  },
  ['url'],
);

const when = strictObject({
  '>': NUMBER,
  '>=': NUMBER,
  '<': NUMBER,
  '<=': NUMBER,
  '==': NUMBER,
  '!=': NUMBER,
  between: RANGE,
  outside: RANGE,
  changeBy: { type: 'number', exclusiveMinimum: 0 },
  bitSet: { type: 'integer', minimum: 0, maximum: 63 },
  bitCleared: { type: 'integer', minimum: 0, maximum: 63 },
  noDataFor: DURATION,
});

const action = strictObject({
  webhook: NAME,
  body: {},
  log: { enum: ['info', 'warn', 'error'] },
  mqtt: NAME,
  topic: { type: 'string', minLength: 1 },
  qos: { enum: [0, 1, 2] },
  retain: { type: 'boolean' },
  payload: {},
});

const rule = strictObject(
  {
    name: NAME,
    description: { type: 'string' },
    // An event type or a list of them; the names are checked in compile-rules.ts.
    on: { type: ['string', 'array'], minItems: 1, 'x-message': 'must be an event type or a list of them' },
    point: { type: 'string', minLength: 1 },
    when,
    hysteresis: { type: 'number', minimum: 0 },
    for: DURATION,
    recovery: { type: 'boolean' },
    devices: strictObject({
      ids: { type: 'array', items: { type: ['string', 'integer'] }, minItems: 1 },
      pattern: REGEX,
      profiles: { type: 'array', items: NAME, minItems: 1 },
    }),
    cooldown: DURATION,
    debounce: DURATION,
    enabled: { type: 'boolean' },
    actions: { type: 'array', items: action, minItems: 1 },
  },
  ['name', 'actions'],
);

export const RULES_SCHEMA: JsonSchema = strictObject(
  {
    version: { const: 1 },
    webhooks: { type: 'object', propertyNames: NAME, additionalProperties: webhook },
    mqtt: { type: 'object', propertyNames: NAME, additionalProperties: broker },
    rules: { type: 'array', items: rule },
  },
  ['version'],
);
