// Server status, the effective config (secrets masked) and the audit log.
import type { FastifyInstance } from 'fastify';
import type { AuditQuery } from '../../storage/index.js';
import { maskedConfig } from '../status/config-view.js';
import { serverStatus } from '../status/server-status.js';
import { anyObject, AUDIT_ROW, list, object, STATUS, TIME_NEXT } from './response-schemas.js';
import type { WebContext } from '../web-context.js';
import { DEVICE_ID, querySchema, TIME_WINDOW } from './schemas.js';

export function statusRoutes(ctx: WebContext) {
  return async (fastify: FastifyInstance) => {
    fastify.get(
      '/api/status',
      { config: { role: 'viewer' }, schema: { querystring: querySchema({}), response: { 200: STATUS } } },
      async () => serverStatus(ctx, true),
    );

    fastify.get(
      '/api/config',
      {
        config: { role: 'operator' },
        schema: { querystring: querySchema({}), response: { 200: object({ server: anyObject, points: anyObject }) } },
      },
      async () => {
        const { server, points } = ctx.services.config;
        return { server: maskedConfig(server), points: maskedConfig(points) };
      },
    );

    fastify.get<{ Querystring: AuditQuery }>(
      '/api/audit',
      {
        config: { role: 'admin' },
        schema: {
          querystring: querySchema({
            ...TIME_WINDOW,
            limit: { type: 'integer', minimum: 1, maximum: 10_000 },
            actor: { type: 'string', minLength: 1, maxLength: 160 },
            device: DEVICE_ID,
            action: { type: 'string', minLength: 1, maxLength: 32 },
          }),
          response: { 200: list(AUDIT_ROW, { next: TIME_NEXT }) },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 1000;
        const items = await ctx.accounts.auditLog({ ...request.query, limit });
        const last = items.length === limit ? items[items.length - 1]! : null;
        return { items, next: last ? (request.query.order === 'asc' ? { from: last.at } : { to: last.at }) : null };
      },
    );
  };
}
