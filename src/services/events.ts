// What the web API gets from the event framework (docs/EVENTS.md, "For the API"): stored
// events, rules with counters, webhook endpoints, the delivery log, retry and test. The
// implementations live in events/; here their errors become ServiceErrors.
import type { QueueStats } from '../events/delivery/delivery-queue.js';
import { EventsError } from '../events/errors.js';
import type { EndpointView, NotifierState, RuleView, TestResult } from '../events/framework-access.js';
import type { DeliveryQuery, DeliveryRecord, EventQuery, EventRow } from '../storage/index.js';
import { ServiceError } from './errors.js';
import type { Runtime } from './runtime.js';

export type { DeliveryStatus } from '../storage/index.js';
export type { DeliveryQuery, DeliveryRecord, EndpointView, EventQuery, EventRow, QueueStats, RuleView, TestResult };
export type { NotifierState };

export interface EventsService {
  /** Stored events, newest first by default. */
  list(query?: EventQuery): Promise<EventRow[]>;
  /** Every enabled rule with its counters since start. */
  rules(): RuleView[];
  /** rules.yml as written, for a read-only view; null without one. */
  rulesFile(): Promise<{ path: string; text: string } | null>;
}

export interface WebhooksService {
  endpoints(): EndpointView[];
  deliveries(query?: DeliveryQuery): Promise<DeliveryRecord[]>;
  deadLetters(query?: Omit<DeliveryQuery, 'status'>): Promise<DeliveryRecord[]>;
  /** Throws ServiceError WEBHOOK_DELIVERY_NOT_FOUND or WEBHOOK_RETRY_CONFLICT. */
  retry(id: string): Promise<DeliveryRecord>;
  /** Throws ServiceError WEBHOOK_ENDPOINT_NOT_FOUND. */
  test(endpointName: string): Promise<TestResult>;
  stats(): QueueStats;
  /** `notifiers:` (e-mail, chat robots) and their state since start; no secrets. */
  notifiers(): NotifierState[];
}

/** The framework starts with the app, so each call asks the runtime for it. */
export function eventsService(rt: Runtime): EventsService {
  return {
    list: (query) => rt.events.list(query),
    rules: () => rt.events.rules(),
    rulesFile: () => rt.events.rulesFile(),
  };
}

export function webhooksService(rt: Runtime): WebhooksService {
  return {
    endpoints: () => rt.webhooks.endpoints(),
    deliveries: (query) => rt.webhooks.deliveries(query),
    deadLetters: (query) => rt.webhooks.deadLetters(query),
    retry: (id) => translated(() => rt.webhooks.retry(id)),
    test: (name) => translated(() => rt.webhooks.test(name)),
    stats: () => rt.webhooks.stats(),
    notifiers: () => rt.webhooks.notifiers(),
  };
}

async function translated<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof EventsError) throw new ServiceError(err.code, err.message);
    throw err;
  }
}
