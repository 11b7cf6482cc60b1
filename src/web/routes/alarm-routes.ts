// Alarms (docs/EVENTS.md, "Alarms"): the stored list with filters and paging, the open
// alarms and their counts (answered from memory: the dashboard and every device row ask
// often), and bulk acknowledgement with a comment, audited.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { SEVERITIES, type Severity } from '../../domain/rules.js';
import type { AlarmState } from '../../services/index.js';
import { principalOf } from '../auth/request-guard.js';
import { actorName } from '../auth/roles.js';
import type { WebContext } from '../web-context.js';
import { ACK_RESULT, ALARM, ALARM_PAGE, ALARM_STATES, ALARM_SUMMARY } from './alarm-schemas.js';
import { object } from './response-schemas.js';
import { DEVICE_ID, EPOCH_MS, querySchema } from './schemas.js';

const NAME = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f\\u007f]+$' } as const;
/** One severity, or several separated by commas (`critical,major`). */
const SEVERITY_LIST = {
  type: 'string',
  maxLength: 64,
  pattern: `^(${SEVERITIES.join('|')})(,(${SEVERITIES.join('|')}))*$`,
} as const;
const ID = { type: 'string', minLength: 1, maxLength: 36 } as const;
/** Bulk acknowledgement: a page of the list at most. */
const MAX_ACK_IDS = 1000;

interface ListQuery {
  state?: AlarmState;
  severity?: string;
  device?: string;
  rule?: string;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
}

export function alarmRoutes(ctx: WebContext) {
  const { alarms } = ctx.services;

  return async (fastify: FastifyInstance) => {
    fastify.get<{ Querystring: ListQuery }>(
      '/api/alarms',
      {
        config: { role: 'viewer' },
        schema: {
          querystring: querySchema({
            state: { type: 'string', enum: ALARM_STATES },
            severity: SEVERITY_LIST,
            device: DEVICE_ID,
            rule: NAME,
            from: EPOCH_MS,
            to: EPOCH_MS,
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
            offset: { type: 'integer', minimum: 0, maximum: 10_000_000 },
          }),
          response: { 200: ALARM_PAGE },
        },
      },
      async (request) => {
        const { severity, ...rest } = request.query;
        const query = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
        const page = await alarms.list({
          ...query,
          ...(severity ? { severity: severity.split(',') as Severity[] } : {}),
        });
        return { items: page.alarms, total: page.total };
      },
    );

    fastify.get(
      '/api/alarms/open',
      {
        config: { role: 'viewer' },
        schema: { querystring: querySchema({}), response: { 200: object({ items: Type.Array(ALARM) }) } },
      },
      async () => ({ items: alarms.open() }),
    );

    fastify.get(
      '/api/alarms/summary',
      { config: { role: 'viewer' }, schema: { querystring: querySchema({}), response: { 200: ALARM_SUMMARY } } },
      async () => alarms.summary(),
    );

    fastify.post<{ Body: { ids: string[]; comment?: string } }>(
      '/api/alarms/acknowledge',
      {
        config: { role: 'operator' },
        schema: {
          body: querySchema(
            {
              ids: { type: 'array', items: ID, minItems: 1, maxItems: MAX_ACK_IDS, uniqueItems: true },
              comment: { type: 'string', maxLength: 1000 },
            },
            ['ids'],
          ),
          response: { 200: ACK_RESULT },
        },
      },
      async (request) => {
        const actor = actorName(principalOf(request));
        const comment = request.body.comment?.trim() || null;
        const outcome = await alarms.acknowledge(request.body.ids, actor, comment);
        const which = outcome.acknowledged.map((a) => `${a.rule}@${a.registrationId ?? '-'}`).join(', ');
        await ctx.audit.record({
          actor,
          ip: request.ip,
          action: 'alarm.acknowledge',
          result: outcome.acknowledged.length > 0 ? 'ok' : 'failed',
          details:
            `${outcome.acknowledged.length} acknowledged${which ? ` (${which})` : ''}` +
            `${outcome.skipped.length > 0 ? `, ${outcome.skipped.length} not open or already acknowledged` : ''}` +
            `${comment ? `: ${comment}` : ''}`,
        });
        return outcome;
      },
    );
  };
}
