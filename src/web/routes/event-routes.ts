// Events, rules and webhooks: the stored event log, the rules with their counters and the
// rules.yml text (secrets masked), webhook endpoints, the delivery log, dead letters and
// their replay, and the test call (the user's `/webhook/test`). Replays and tests are audited.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EVENT_TYPES } from '../../domain/rules.js';
import type { DeliveryStatus } from '../../services/index.js';
import { principalOf } from '../auth/request-guard.js';
import { actorName } from '../auth/roles.js';
import { maskedRulesText, maskedUrl } from '../events/masked-rules.js';
import type { WebContext } from '../web-context.js';
import {
  DELIVERY,
  ENDPOINT,
  EVENT_ROW,
  NOTIFIER,
  QUEUE_STATS,
  RULE_VIEW,
  RULES_FILE,
  TEST_RESULT,
} from './event-schemas.js';
import { Type } from '@sinclair/typebox';
import { list, object, str, TIME_NEXT } from './response-schemas.js';
import { DEVICE_ID, EPOCH_MS, ORDER, querySchema, TIME_WINDOW, type TimeWindowQuery } from './schemas.js';

const NAME = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f\\u007f]+$' } as const;
const DELIVERY_LIMIT = { type: 'integer', minimum: 1, maximum: 10_000 } as const;
const DELIVERY_STATUS = { type: 'string', enum: ['pending', 'delivered', 'dead'] } as const;

interface EventsQuery extends TimeWindowQuery {
  type?: string;
  device?: string;
  rule?: string;
}

interface DeliveriesQuery extends TimeWindowQuery {
  status?: DeliveryStatus;
  endpoint?: string;
  eventId?: string;
}

/** Where the next page starts (`to` for newest first, `from` for oldest first), or null after a short page. */
function nextPage(times: readonly number[], limit: number, order: 'asc' | 'desc' | undefined) {
  if (times.length < limit) return null;
  const last = times[times.length - 1]!;
  return order === 'asc' ? { from: last } : { to: last };
}

/** Drops the undefined fields, so the services see only the filters that were given. */
function defined<T extends object>(query: T): T {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as T;
}

export function eventRoutes(ctx: WebContext) {
  const { events, webhooks } = ctx.services;

  /** Runs `work` and records it in the audit log, whether it worked or threw. */
  async function audited<T>(
    request: FastifyRequest,
    action: string,
    subject: string,
    work: () => Promise<T>,
    outcome: (value: T) => [string, string],
  ): Promise<T> {
    const record = (result: string, details: string) =>
      ctx.audit.record({ actor: actorName(principalOf(request)), ip: request.ip, action, result, details });
    let value: T;
    try {
      value = await work();
    } catch (err) {
      await record('failed', `${subject}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    await record(...outcome(value));
    return value;
  }

  return async (fastify: FastifyInstance) => {
    fastify.get<{ Querystring: EventsQuery }>(
      '/api/events',
      {
        config: { role: 'viewer' },
        schema: {
          querystring: querySchema({ ...TIME_WINDOW, type: NAME, device: DEVICE_ID, rule: NAME }),
          response: { 200: list(EVENT_ROW, { next: TIME_NEXT, types: Type.Array(str) }) },
        },
      },
      async (request) => {
        const { type, device, rule, from, to, order } = request.query;
        const limit = request.query.limit ?? 1000;
        const items = await events.list(defined({ type, registrationId: device, rule, from, to, order, limit }));
        // The catalogue comes along so a client's type filter never goes stale.
        return {
          items,
          next: nextPage(
            items.map((e) => e.at),
            limit,
            order,
          ),
          types: EVENT_TYPES,
        };
      },
    );

    fastify.get(
      '/api/rules',
      {
        config: { role: 'viewer' },
        schema: { querystring: querySchema({}), response: { 200: list(RULE_VIEW, { file: RULES_FILE }) } },
      },
      async () => {
        const file = await events.rulesFile();
        return { items: events.rules(), file: file && { path: file.path, text: maskedRulesText(file.text) } };
      },
    );

    fastify.get(
      '/api/webhooks',
      {
        config: { role: 'viewer' },
        schema: { querystring: querySchema({}), response: { 200: list(ENDPOINT, { stats: QUEUE_STATS }) } },
      },
      async () => {
        const { byEndpoint, ...stats } = webhooks.stats();
        const items = webhooks.endpoints().map((e) => ({
          ...e,
          url: maskedUrl(e.url),
          queued: byEndpoint[e.name]?.queued ?? 0,
          inFlight: byEndpoint[e.name]?.inFlight ?? 0,
        }));
        return { items, stats };
      },
    );

    fastify.get(
      '/api/notifiers',
      { config: { role: 'viewer' }, schema: { querystring: querySchema({}), response: { 200: list(NOTIFIER) } } },
      async () => ({ items: webhooks.notifiers() }),
    );

    const deliveryQuery = querySchema({
      from: EPOCH_MS,
      to: EPOCH_MS,
      limit: DELIVERY_LIMIT,
      order: ORDER,
      status: DELIVERY_STATUS,
      endpoint: NAME,
      eventId: NAME,
    });
    const deadLetterQuery = querySchema({
      from: EPOCH_MS,
      to: EPOCH_MS,
      limit: DELIVERY_LIMIT,
      order: ORDER,
      endpoint: NAME,
      eventId: NAME,
    });
    const deliveryPage = (dead: boolean) => async (request: FastifyRequest<{ Querystring: DeliveriesQuery }>) => {
      const { status, endpoint, eventId, from, to, order } = request.query;
      const limit = request.query.limit ?? 100;
      const query = defined({ endpoint, eventId, from, to, order, limit });
      const items = dead ? await webhooks.deadLetters(query) : await webhooks.deliveries(defined({ ...query, status }));
      return {
        items,
        next: nextPage(
          items.map((d) => d.createdAt),
          limit,
          order,
        ),
      };
    };
    const page = { 200: list(DELIVERY, { next: TIME_NEXT }) };
    fastify.get(
      '/api/webhooks/deliveries',
      { config: { role: 'operator' }, schema: { querystring: deliveryQuery, response: page } },
      deliveryPage(false),
    );
    fastify.get(
      '/api/webhooks/dead-letters',
      { config: { role: 'operator' }, schema: { querystring: deadLetterQuery, response: page } },
      deliveryPage(true),
    );

    fastify.post<{ Params: { id: string } }>(
      '/api/webhooks/deliveries/:id/retry',
      {
        config: { role: 'operator' },
        schema: { params: querySchema({ id: NAME }, ['id']), response: { 200: object({ delivery: DELIVERY }) } },
      },
      async (request) => {
        const { id } = request.params;
        const delivery = await audited(
          request,
          'webhook.retry',
          id,
          () => webhooks.retry(id),
          () => ['ok', id],
        );
        return { delivery };
      },
    );

    fastify.post<{ Params: { name: string } }>(
      '/api/webhooks/:name/test',
      {
        config: { role: 'operator' },
        schema: { params: querySchema({ name: NAME }, ['name']), response: { 200: object({ result: TEST_RESULT }) } },
      },
      async (request) => {
        const { name } = request.params;
        const result = await audited(
          request,
          'webhook.test',
          name,
          () => webhooks.test(name),
          (r) => [r.ok ? 'ok' : 'failed', `${name}: ${r.status ?? r.error ?? ''} (event ${r.eventId})`],
        );
        return { result };
      },
    );
  };
}
