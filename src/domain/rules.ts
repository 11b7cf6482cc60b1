// The compiled rules.yml: webhook endpoints, MQTT brokers and rules, every default filled
// in, durations in milliseconds. The loader in src/config builds it; src/events reads it.
import type { NotifierDef } from './notifiers.js';
import type { Severity } from './severity.js';

/** Every event the framework raises (docs/EVENTS.md has the payload of each). */
export const EVENT_TYPES = [
  'device.registered',
  'device.online',
  'device.offline',
  'heartbeat.missed',
  'poll.failed',
  'poll.exception',
  'slave.backoff',
  'slave.recovered',
  'channel.connected',
  'channel.disconnected',
  'channel.failed',
  'channel.backoff',
  'channel.stopped',
  'data.received',
  'store.degraded',
  'store.spilling',
  'store.recovered',
  'store.dropped',
  'config.reloaded',
  'config.rejected',
  'rule.fired',
  'rule.recovered',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface WebhookEndpoint {
  readonly name: string;
  readonly url: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly headers: Readonly<Record<string, string>>;
  /** Signing secrets, newest first; two during a rotation, none: unsigned. */
  readonly secrets: readonly string[];
  readonly timeoutMs: number;
  /** Requests in flight to this endpoint at once. */
  readonly concurrency: number;
  /** Attempts before a delivery becomes a dead letter. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; doubles per attempt (with jitter) up to backoffMaxMs. */
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  /** A disabled endpoint takes no new deliveries (actions naming it only log). */
  readonly enabled: boolean;
}

export interface MqttBroker {
  readonly name: string;
  /** mqtt://host:port or mqtts://… */
  readonly url: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly clientId: string | null;
}

/** Which devices a rule applies to; all null: every device. */
export interface DeviceFilter {
  readonly ids: readonly string[] | null;
  readonly pattern: RegExp | null;
  readonly profiles: readonly string[] | null;
}

export type CompareOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

export type Condition =
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly value: number }
  | { readonly kind: 'between' | 'outside'; readonly low: number; readonly high: number }
  | { readonly kind: 'change'; readonly by: number }
  | { readonly kind: 'bit'; readonly bit: number; readonly set: boolean }
  | { readonly kind: 'noData'; readonly forMs: number };

export type RuleSource =
  | { readonly kind: 'events'; readonly types: readonly EventType[] }
  | {
      readonly kind: 'point';
      readonly point: string;
      readonly condition: Condition;
      /** How far back past the limit a value must go before the condition clears. */
      readonly hysteresis: number;
      /** The condition must hold this long (sample time) before the rule fires. */
      readonly forMs: number;
      /** Raise rule.recovered when the condition clears. */
      readonly recovery: boolean;
      /** The condition must stay clear this long (sample time) before the rule recovers. */
      readonly clearForMs: number;
    };

export type RuleAction =
  | { readonly kind: 'webhook'; readonly endpoint: string; readonly body: unknown }
  | { readonly kind: 'log'; readonly level: 'info' | 'warn' | 'error' }
  | {
      readonly kind: 'mqtt';
      readonly broker: string;
      readonly topic: string;
      readonly qos: 0 | 1 | 2;
      readonly retain: boolean;
      readonly payload: unknown;
    }
  /** Send the event's sentence through a notifier of `notifiers:` (e-mail, chat robots). */
  | { readonly kind: 'notify'; readonly notifier: string };

// In a file of their own so that notifiers.ts (imported here) can use them too.
export { SEVERITIES, type Severity } from './severity.js';

export interface RuleDef {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  /** A firing raises an alarm (kept in the database until cleared and acknowledged). */
  readonly alarm: boolean;
  readonly source: RuleSource;
  readonly devices: DeviceFilter;
  /** After a firing, the same rule and device stay quiet this long. */
  readonly cooldownMs: number;
  /** device.offline held this long; an online within it cancels both (flapping). */
  readonly debounceMs: number;
  readonly actions: readonly RuleAction[];
}

export interface RulesConfig {
  /** The file the rules came from, or null when there is none. */
  readonly file: string | null;
  readonly webhooks: ReadonlyMap<string, WebhookEndpoint>;
  readonly mqtt: ReadonlyMap<string, MqttBroker>;
  readonly rules: readonly RuleDef[];
  /** `notifiers:` (src/domain/notifiers.ts). */
  readonly notifiers: ReadonlyMap<string, NotifierDef>;
}

/** No rules.yml. A fresh object each time: the loader deep-freezes what it returns. */
export function noRules(): RulesConfig {
  return { file: null, webhooks: new Map(), mqtt: new Map(), rules: [], notifiers: new Map() };
}
