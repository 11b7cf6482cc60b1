// The event of the event framework: what rules match, what the `events` table stores and
// what a webhook receiver gets. Plain data; the id is stable for the event's whole life
// (every retry of every delivery carries it), so receivers can de-duplicate on it.
import { randomBytes } from 'node:crypto';
import type { EventType } from '../domain/rules.js';

export interface DtuEvent {
  readonly id: string;
  /** A catalogue type (EventType), or `webhook.test` for a test call. */
  readonly type: EventType | 'webhook.test';
  /** Registration ID; null for events about the server itself. */
  readonly deviceId: string | null;
  /** Epoch ms UTC. */
  readonly at: number;
  /** The rule that raised it (rule.fired, rule.recovered), else null. */
  readonly rule: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Random per process start, so ids never repeat across restarts. */
const PROCESS_TAG = randomBytes(5).toString('hex');
let counter = 0;

/**
 * `ev_` + time (base 36, 9 digits) + process tag + counter: unique, at most 40 characters,
 * and sorting ids sorts events by the time they were raised.
 */
export function newEventId(at: number = Date.now()): string {
  counter = (counter + 1) % 36 ** 6;
  return `ev_${Math.max(0, Math.floor(at)).toString(36).padStart(9, '0')}${PROCESS_TAG}${counter.toString(36).padStart(6, '0')}`;
}

export function makeEvent(
  type: DtuEvent['type'],
  deviceId: string | null,
  at: number,
  payload: Record<string, unknown>,
  rule: string | null = null,
): DtuEvent {
  return { id: newEventId(at), type, deviceId, at, rule, payload };
}

/** The JSON a webhook receiver gets by default, and the context of body templates. */
export interface EventEnvelope {
  readonly id: string;
  readonly type: string;
  readonly deviceId: string | null;
  readonly at: number;
  /** `at` as ISO 8601 UTC. */
  readonly time: string;
  readonly rule: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** `rule` is the rule whose action sends it (for events the rule matched rather than raised). */
export function envelope(event: DtuEvent, rule: string | null = event.rule): EventEnvelope {
  return {
    id: event.id,
    type: event.type,
    deviceId: event.deviceId,
    at: event.at,
    time: new Date(event.at).toISOString(),
    rule,
    payload: event.payload,
  };
}
