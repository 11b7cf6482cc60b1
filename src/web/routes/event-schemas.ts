// Response shapes of the events, rules and webhooks routes (docs/API.md, "Events, rules and webhooks").
import { Type } from '@sinclair/typebox';
import { anyObject, bool, int, nullable, object, oneOf, orNull, str } from './response-schemas.js';
import { SEVERITY } from './alarm-schemas.js';

export const EVENT_ROW = object({
  id: str,
  type: str,
  registrationId: nullable('string'),
  rule: nullable('string'),
  at: int,
  payload: anyObject,
});

export const RULE_VIEW = object({
  name: str,
  description: str,
  summary: str,
  actions: Type.Array(str),
  severity: SEVERITY,
  alarm: bool,
  notify: Type.Array(str),
  counters: object({ fired: int, recovered: int, suppressed: int, debounced: int, lastFiredAt: nullable('integer') }),
});

export const RULES_FILE = orNull(object({ path: str, text: str }));

export const ENDPOINT = object({
  name: str,
  url: str,
  method: str,
  enabled: bool,
  concurrency: int,
  maxAttempts: int,
  secrets: int,
  queued: int,
  inFlight: int,
});

export const QUEUE_STATS = object({
  queued: int,
  inFlight: int,
  delivered: int,
  failedAttempts: int,
  dead: int,
  storeErrors: int,
});

export const DELIVERY = object({
  id: str,
  eventId: str,
  eventType: str,
  registrationId: nullable('string'),
  endpoint: str,
  rule: str,
  body: str,
  status: oneOf(['pending', 'delivered', 'dead'] as const),
  attempts: int,
  nextAttemptAt: int,
  lastStatus: nullable('integer'),
  lastError: nullable('string'),
  lastLatencyMs: nullable('number'),
  createdAt: int,
  updatedAt: int,
  deliveredAt: nullable('integer'),
});

export const TEST_RESULT = object({
  ok: bool,
  status: nullable('integer'),
  error: nullable('string'),
  latencyMs: int,
  eventId: str,
});

/** A notifier of rules.yml (GET /api/notifiers): where it sends (no secrets) and its state since start. */
export const NOTIFIER = object({
  name: str,
  type: oneOf(['email', 'dingtalk', 'wecom', 'feishu'] as const),
  target: str,
  enabled: bool,
  quiet: bool,
  queued: int,
  held: int,
  sent: int,
  failed: int,
  dropped: int,
  lastSentAt: nullable('integer'),
  lastError: nullable('string'),
  lastErrorAt: nullable('integer'),
});
