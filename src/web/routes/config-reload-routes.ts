// Live configuration: the last reload's outcome (every role: the UI shows a rejected one on
// every page) and a reload now (admin, audited as `config.reload`).
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth/request-guard.js';
import { actorName } from '../auth/roles.js';
import type { WebContext } from '../web-context.js';
import { RELOAD_OUTCOME, RELOAD_STATE } from './config-reload-schemas.js';
import { object } from './response-schemas.js';

export function configReloadRoutes(ctx: WebContext) {
  return async (fastify: FastifyInstance) => {
    fastify.get(
      '/api/config/reload',
      { config: { role: 'viewer' }, schema: { response: { 200: RELOAD_STATE } } },
      () => ({
        last: ctx.services.configReload.last(),
      }),
    );

    fastify.post(
      '/api/config/reload',
      { config: { role: 'admin' }, schema: { response: { 200: object({ outcome: RELOAD_OUTCOME }) } } },
      async (request) => {
        const actor = actorName(principalOf(request));
        const outcome = await ctx.services.configReload.reload('api', actor);
        const details = outcome.ok
          ? `${outcome.changes.length} change(s)${outcome.needsRestart.length > 0 ? `; needs restart: ${outcome.needsRestart.join(', ')}` : ''}`
          : `${outcome.issues.length} problem(s): ${outcome.issues[0]?.file ?? ''}:${outcome.issues[0]?.line ?? ''}`;
        await ctx.audit.record({
          actor,
          ip: request.ip,
          action: 'config.reload',
          result: outcome.ok ? 'ok' : 'rejected',
          details,
        });
        return { outcome };
      },
    );
  };
}
