// Shapes of the alarm routes (docs/API.md, "Alarms").
import { Type } from '@sinclair/typebox';
import { SEVERITIES } from '../../domain/rules.js';
import { int, nullable, object, oneOf, str } from './response-schemas.js';

export const SEVERITY = oneOf(SEVERITIES);
export const ALARM_STATES = ['open', 'active', 'unacknowledged', 'cleared', 'acknowledged', 'closed'] as const;

export const ALARM = object({
  id: str,
  rule: str,
  registrationId: nullable('string'),
  point: nullable('string'),
  eventType: str,
  severity: SEVERITY,
  value: nullable('number'),
  text: str,
  raisedAt: int,
  fireCount: int,
  clearedAt: nullable('integer'),
  clearValue: nullable('number'),
  ackedAt: nullable('integer'),
  ackedBy: nullable('string'),
  ackComment: nullable('string'),
  updatedAt: int,
});

const COUNTS = object(
  Object.fromEntries(SEVERITIES.map((s) => [s, int])) as Record<(typeof SEVERITIES)[number], typeof int>,
);

export const ALARM_SUMMARY = object({ active: COUNTS, unacknowledged: COUNTS, open: int });

export const ALARM_PAGE = object({ items: Type.Array(ALARM), total: int });

export const ACK_RESULT = object({ acknowledged: Type.Array(ALARM), skipped: Type.Array(str) });
