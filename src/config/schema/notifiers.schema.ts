// JSON Schema of rules.yml `notifiers:` (docs/EVENTS.md, "Notifiers"). One shape for every
// type; which keys a type needs or accepts is checked in compile-notifiers.ts, where the
// messages can name the type.
import { DURATION, HOST, NAME, PORT, strictObject, type JsonSchema } from './common.js';

const CLOCK: JsonSchema = {
  type: 'string',
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  'x-message': 'must be a time of day HH:MM (24-hour)',
};

const quietHours = strictObject(
  {
    from: { ...CLOCK, description: 'Start of the quiet hours, local time.' },
    to: { ...CLOCK, description: 'End of the quiet hours (a digest of what was held is sent then).' },
    timezone: {
      type: 'string',
      minLength: 1,
      description: 'IANA time zone, e.g. Asia/Shanghai; default: the server’s.',
    },
    except: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      description: 'Event types, or rule severities (critical…), sent at once even during quiet hours.',
    },
  },
  ['from', 'to'],
);

export const NOTIFIER_SCHEMA: JsonSchema = strictObject(
  {
    type: { enum: ['email', 'dingtalk', 'wecom', 'feishu'], 'x-lenient': true, description: 'What sends the message.' },
    enabled: { type: 'boolean', default: true, description: 'false: nothing is sent.' },
    language: { enum: ['zh', 'en'], default: 'zh', description: 'Language of the messages.' },
    // email
    host: { ...HOST, description: 'email: SMTP server.' },
    port: { ...PORT, description: 'email: default 465 with secure, else 587.' },
    secure: { type: 'boolean', default: false, description: 'email: TLS from the start (port 465).' },
    requireTls: { type: 'boolean', default: false, description: 'email: refuse to send without STARTTLS.' },
    user: { type: ['string', 'number'], description: 'email: SMTP login.' },
    password: { type: ['string', 'number'], description: 'email: SMTP password; use ${ENV}.' },
    from: { type: 'string', minLength: 3, description: 'email: sender address.' },
    to: {
      type: 'array',
      items: { type: 'string', minLength: 3 },
      minItems: 1,
      description: 'email: recipients.',
    },
    // robots
    url: {
      type: 'string',
      pattern: '^https?://',
      'x-message': 'must be an http:// or https:// URL',
      description: 'dingtalk/wecom/feishu: the robot’s webhook URL.',
    },
    secret: { type: ['string', 'number'], description: 'dingtalk/feishu: the signing secret.' },
    format: {
      enum: ['markdown', 'text', 'post'],
      description: 'Message kind (dingtalk/wecom: markdown, text; feishu: text, post).',
    },
    minSeverity: {
      enum: ['critical', 'major', 'minor', 'warning', 'info'],
      default: 'info',
      description: 'Events of rules less severe than this are not sent.',
    },
    quietHours: { ...quietHours, description: 'Hold messages in these hours; send one digest when they end.' },
    timeout: { ...DURATION, default: '10s', description: 'For one attempt.' },
    retry: {
      ...strictObject({
        maxAttempts: { type: 'integer', minimum: 1, maximum: 20, default: 5, description: 'Attempts per message.' },
        initialDelay: { ...DURATION, default: '2s', description: 'First wait before a retry; doubles.' },
        maxDelay: { ...DURATION, default: '5m', description: 'Longest wait between retries.' },
      }),
      default: {},
    },
  },
  ['type'],
);

export const NOTIFIERS_SCHEMA: JsonSchema = {
  type: 'object',
  propertyNames: { ...NAME, 'x-lenient': true },
  additionalProperties: NOTIFIER_SCHEMA,
};
