// JSON Schema of rules.yml: webhook endpoints, MQTT brokers and rules. Which condition a
// `when:` holds (exactly one key) and references between sections are checked in
// compile-rules.ts, where the messages can be specific. Checked and repaired like
// server.yml: the webhook and rule defaults are declared here once.
import { DURATION, NAME, REGEX, strictObject, type JsonSchema } from './common.js';
import { NOTIFIERS_SCHEMA } from './notifiers.schema.js';

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
    // Kept when rejected, as before: the endpoint still gets its other checks and can be referred to.
    url: {
      type: 'string',
      minLength: 1,
      pattern: '^https?://',
      'x-message': 'must be an http:// or https:// URL',
      'x-lenient': true,
      description: 'Where deliveries are sent.',
    },
    method: { enum: ['POST', 'PUT', 'PATCH'], default: 'POST', description: 'HTTP method.' },
    headers: { ...STRING_MAP, description: 'Sent with every request.' },
    secret: { type: ['string', 'number'], description: 'Signing secret, at least 16 characters.' },
    secrets: {
      type: 'array',
      items: { type: ['string', 'number'] },
      minItems: 1,
      maxItems: 2,
      description: 'Two signing secrets while rotating.',
    },
    timeout: { ...DURATION, default: '10s', description: 'For one delivery attempt.' },
    concurrency: {
      type: 'integer',
      minimum: 1,
      maximum: 64,
      default: 4,
      description: 'Deliveries in flight to this endpoint.',
    },
    enabled: { type: 'boolean', default: true, description: 'false: deliveries are not sent.' },
    retry: {
      ...strictObject({
        maxAttempts: {
          type: 'integer',
          minimum: 1,
          maximum: 100,
          default: 8,
          description: 'Attempts before a delivery fails.',
        },
        initialDelay: { ...DURATION, default: '1s', description: 'First wait before a retry; doubles.' },
        maxDelay: { ...DURATION, default: '10m', description: 'Longest wait between retries.' },
      }),
      default: {},
    },
  },
  ['url'],
);

const broker = strictObject(
  {
    url: {
      type: 'string',
      pattern: '^mqtts?://',
      'x-message': 'must be an mqtt:// or mqtts:// URL',
      'x-lenient': true,
    },
    username: { type: ['string', 'number'] },
    password: { type: ['string', 'number'] },
    clientId: { type: 'string', minLength: 1 },
  },
  ['url'],
);

// Without its condition, source or action kind a rule means something else: a rejected one
// leaves out the whole rule (or action) instead of adding follow-on errors.
const whole = (schema: JsonSchema): JsonSchema => ({ ...schema, 'x-whole-entry': true });

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

// Which keys fit which kind of action is checked in compile-rules.ts, so the kind-specific
// defaults (log level info, qos 1, retain false) are applied there, not declared here.
const action = strictObject({
  webhook: whole(NAME),
  body: {},
  log: whole({ enum: ['info', 'warn', 'error'] }),
  mqtt: whole(NAME),
  notify: whole(NAME),
  topic: { type: 'string', minLength: 1 },
  qos: { enum: [0, 1, 2] },
  retain: { type: 'boolean' },
  payload: {},
});

const rule = strictObject(
  {
    // Kept when rejected, like a badly named endpoint: the rule still gets its other checks.
    name: { ...NAME, 'x-lenient': true, description: 'Unique; shown in events, webhooks and counters.' },
    description: { type: 'string', default: '', description: 'Free text.' },
    // An event type or a list of them; the names are checked in compile-rules.ts.
    on: whole({
      type: ['string', 'array'],
      minItems: 1,
      'x-message': 'must be an event type or a list of them',
      description: 'Event rules: an event type or a list of them.',
    }),
    point: whole({ type: 'string', minLength: 1, description: 'Point rules: the point whose values are checked.' }),
    when: whole({ ...when, description: 'Point rules: the condition, exactly one key.' }),
    hysteresis: {
      type: 'number',
      minimum: 0,
      default: 0,
      description: 'Point rules: deadband before the condition clears.',
    },
    for: { ...DURATION, default: 0, description: 'Point rules: how long the condition must hold before firing.' },
    recovery: { type: 'boolean', default: true, description: 'Point rules: raise rule.recovered when it clears.' },
    clearFor: {
      ...DURATION,
      default: 0,
      description: 'Point rules: how long the condition must stay clear before recovering.',
    },
    severity: {
      enum: ['critical', 'major', 'minor', 'warning', 'info'],
      default: 'warning',
      description: 'The alarm severity.',
    },
    // No default here: it depends on the kind of rule (compile-rules.ts).
    alarm: { type: 'boolean', description: 'A firing raises an alarm; default true on a point, false on events.' },
    devices: {
      ...strictObject({
        ids: { type: 'array', items: { type: ['string', 'integer'] }, minItems: 1 },
        pattern: REGEX,
        profiles: { type: 'array', items: NAME, minItems: 1 },
      }),
      description: 'Only devices matching every given part.',
    },
    cooldown: { ...DURATION, default: 0, description: 'Quiet time per rule and device after a firing.' },
    debounce: { ...DURATION, default: 0, description: 'Rules on device.offline: how long an offline is held back.' },
    enabled: { type: 'boolean', default: true, description: 'false: the rule is kept but off.' },
    actions: { type: 'array', items: action, minItems: 1, description: 'What a firing does.' },
  },
  ['name', 'actions'],
);

// A badly named endpoint or broker is kept (its name was reported), so rules naming it
// are not also told it is unknown.
const ENTRY_NAME: JsonSchema = { ...NAME, 'x-lenient': true };

export const WEBHOOK_SCHEMA: JsonSchema = webhook;
export const RULE_SCHEMA: JsonSchema = rule;

export const RULES_SCHEMA: JsonSchema = strictObject(
  {
    version: { const: 1 },
    webhooks: { type: 'object', propertyNames: ENTRY_NAME, additionalProperties: webhook },
    mqtt: { type: 'object', propertyNames: ENTRY_NAME, additionalProperties: broker },
    rules: { type: 'array', items: rule },
    notifiers: NOTIFIERS_SCHEMA,
  },
  ['version'],
);
