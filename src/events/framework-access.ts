// What the services façade gets from the event framework (stored events, rules with their
// counters, webhook endpoints and deliveries): plain async functions, no HTTP (docs/EVENTS.md).
import { readFile } from 'node:fs/promises';
import type { RuleDef, RulesConfig, Severity } from '../domain/rules.js';
import type {
  DeliveryQuery,
  DeliveryRecord,
  DeliveryStore,
  EventQuery,
  EventRow,
  HistoryReader,
} from '../storage/index.js';
import type { DeliveryQueue, QueueStats } from './delivery/delivery-queue.js';
import type { Sender } from './delivery/webhook-sender.js';
import { EventsError } from './errors.js';
import { envelope, makeEvent } from './event.js';
import { describeCondition } from './rules/point-condition.js';
import type { RuleCounters, RuleEngine } from './rules/rule-engine.js';
import type { NotifierHub, NotifierState } from './notify/notifier-hub.js';

export interface RuleView {
  readonly name: string;
  readonly description: string;
  /** `on device.online, device.offline` or `temperature > 30`. */
  readonly summary: string;
  readonly actions: readonly string[];
  readonly severity: Severity;
  /** A firing raises an alarm. */
  readonly alarm: boolean;
  /** Notifiers its `notify:` actions send to, in order. */
  readonly notify: readonly string[];
  readonly counters: RuleCounters;
}

export class EventsAccess {
  constructor(
    private rulesConfig: RulesConfig,
    private readonly reader: () => HistoryReader,
    private readonly engine: RuleEngine,
  ) {}

  /** rules.yml reloaded. */
  use(rules: RulesConfig): void {
    this.rulesConfig = rules;
  }

  /** Stored events, newest first by default (device, type, rule, time window, limit). */
  list(query: EventQuery = {}): Promise<EventRow[]> {
    return this.reader().events(query);
  }

  /** Every enabled rule with its counters since start. */
  rules(): RuleView[] {
    return this.rulesConfig.rules.map((r) => ({
      name: r.name,
      description: r.description,
      summary: summary(r),
      actions: r.actions.map((a) =>
        a.kind === 'webhook'
          ? `webhook ${a.endpoint}`
          : a.kind === 'mqtt'
            ? `mqtt ${a.broker} ${a.topic}`
            : a.kind === 'notify'
              ? `notify ${a.notifier}`
              : `log ${a.level}`,
      ),
      severity: r.severity,
      alarm: r.alarm,
      notify: r.actions.flatMap((a) => (a.kind === 'notify' ? [a.notifier] : [])),
      counters: { ...this.engine.ruleCounters(r.name)! },
    }));
  }

  /** rules.yml as written, for a read-only view; null without one. */
  async rulesFile(): Promise<{ path: string; text: string } | null> {
    const path = this.rulesConfig.file;
    return path === null ? null : { path, text: await readFile(path, 'utf8') };
  }
}

export interface EndpointView {
  readonly name: string;
  readonly url: string;
  readonly method: string;
  readonly enabled: boolean;
  readonly concurrency: number;
  readonly maxAttempts: number;
  /** Number of signing secrets (the secrets themselves are never shown). */
  readonly secrets: number;
}

export interface TestResult {
  readonly ok: boolean;
  readonly status: number | null;
  readonly error: string | null;
  readonly latencyMs: number;
  readonly eventId: string;
}

export type { NotifierState };

export class WebhooksAccess {
  constructor(
    private rulesConfig: RulesConfig,
    private readonly store: DeliveryStore,
    private readonly queue: DeliveryQueue,
    private readonly send: Sender,
    private readonly hub: NotifierHub | null = null,
  ) {}

  /** `notifiers:` with their state since start (the API's /api/notifiers). */
  notifiers(): NotifierState[] {
    return this.hub?.states() ?? [];
  }

  /** rules.yml reloaded. */
  use(rules: RulesConfig): void {
    this.rulesConfig = rules;
  }

  endpoints(): EndpointView[] {
    return [...this.rulesConfig.webhooks.values()].map((e) => ({
      name: e.name,
      url: e.url,
      method: e.method,
      enabled: e.enabled,
      concurrency: e.concurrency,
      maxAttempts: e.maxAttempts,
      secrets: e.secrets.length,
    }));
  }

  /** The delivery log, newest first by default. */
  deliveries(query: DeliveryQuery = {}): Promise<DeliveryRecord[]> {
    return this.store.list(query);
  }

  deadLetters(query: Omit<DeliveryQuery, 'status'> = {}): Promise<DeliveryRecord[]> {
    return this.store.list({ ...query, status: 'dead' });
  }

  /** Replays a dead letter from its first attempt; throws EventsError for an unknown or delivered one. */
  async retry(id: string): Promise<DeliveryRecord> {
    const record = await this.queue.retry(id);
    if (!record) throw new EventsError('WEBHOOK_DELIVERY_NOT_FOUND', `no webhook delivery ${id}`);
    if (record.status === 'delivered')
      throw new EventsError('WEBHOOK_RETRY_CONFLICT', `delivery ${id} was delivered already`);
    return record;
  }

  /**
   * Sends a `webhook.test` event to the endpoint now (enabled or not), signed like any
   * other, and reports what happened. Not queued, not retried, not stored.
   */
  async test(endpointName: string): Promise<TestResult> {
    const endpoint = this.rulesConfig.webhooks.get(endpointName);
    if (!endpoint) throw new EventsError('WEBHOOK_ENDPOINT_NOT_FOUND', `no webhook "${endpointName}" in rules.yml`);
    const event = makeEvent('webhook.test', null, Date.now(), { message: 'dtuhub webhook test / 测试' });
    const body = JSON.stringify(envelope(event, null));
    const result = await this.send(
      endpoint,
      { deliveryId: `test-${event.id}`, eventId: event.id, eventType: event.type, body, attempt: 1 },
      new AbortController().signal,
    );
    return {
      ok: result.ok,
      status: result.status,
      error: result.error,
      latencyMs: Math.round(result.latencyMs),
      eventId: event.id,
    };
  }

  stats(): QueueStats {
    return this.queue.stats();
  }
}

function summary(rule: RuleDef): string {
  const s = rule.source;
  return s.kind === 'events' ? `on ${s.types.join(', ')}` : `${s.point} ${describeCondition(s.condition)}`;
}
