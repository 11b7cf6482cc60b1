// Webhook deliveries and notifiers as Prometheus metrics: queue depths per endpoint and
// notifier (both bounded by rules.yml), and their totals since start.
import type { WebhooksService } from '../events.js';
import { perName, type MetricsHook } from './metrics-registry.js';

export function deliveryMetrics(hook: MetricsHook, webhooks: WebhooksService): void {
  const endpoints = () => Object.entries(webhooks.stats().byEndpoint).map(([name, lane]) => ({ name, ...lane }));
  perName(hook, 'gauge', 'endpoint', endpoints, [
    [
      'dtuhub_webhook_deliveries_queued',
      'Webhook deliveries waiting for their next attempt, per endpoint.',
      (e) => e.queued,
    ],
    ['dtuhub_webhook_deliveries_in_flight', 'Webhook requests under way, per endpoint.', (e) => e.inFlight],
  ]);
  const totals = [
    ['dtuhub_webhook_deliveries_total', 'Webhook deliveries answered with success.', 'delivered'],
    ['dtuhub_webhook_failed_attempts_total', 'Webhook attempts that failed (retried or not).', 'failedAttempts'],
    ['dtuhub_webhook_dead_letters_total', 'Webhook deliveries given up (dead letters).', 'dead'],
    ['dtuhub_webhook_store_errors_total', 'Failed saves of the delivery queue.', 'storeErrors'],
  ] as const;
  for (const [name, help, key] of totals) {
    hook.counter({ name, help, collect: (report) => report(webhooks.stats()[key]) });
  }
  const notifiers = () => webhooks.notifiers();
  perName(hook, 'gauge', 'notifier', notifiers, [
    ['dtuhub_notifier_queued', 'Messages waiting to be sent, per notifier.', (n) => n.queued],
    ['dtuhub_notifier_held', 'Messages held for quiet hours or a digest, per notifier.', (n) => n.held],
  ]);
  perName(hook, 'counter', 'notifier', notifiers, [
    ['dtuhub_notifier_sent_total', 'Messages sent, per notifier.', (n) => n.sent],
    ['dtuhub_notifier_failed_total', 'Failed send attempts, per notifier.', (n) => n.failed],
    ['dtuhub_notifier_dropped_total', 'Messages dropped (queue full or given up), per notifier.', (n) => n.dropped],
  ]);
}
