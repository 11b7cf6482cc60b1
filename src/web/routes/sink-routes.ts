// Northbound sink supervision (docs/SINKS.md): every sink with its state, lag, backlog and
// counters, and start/stop/restart (admin, audited as `sink.<action>`).
import type { FastifyInstance } from 'fastify';
import type { SupervisionAction } from '../../services/index.js';
import type { Served, Sink } from '../api-types.js';
import type { WebContext } from '../web-context.js';
import { list, object, SINK } from './response-schemas.js';
import { querySchema, SUPERVISED_PARAMS, SUPERVISION_ACTIONS } from './schemas.js';
import { supervised } from './supervised.js';

export function sinkRoutes(ctx: WebContext) {
  const { sinks } = ctx.services;
  const control = supervised(ctx, 'sink', (name: string, action: SupervisionAction): Promise<Served<Sink>> =>
    sinks.control(name, action),
  );

  return async (fastify: FastifyInstance) => {
    fastify.get(
      '/api/sinks',
      { config: { role: 'viewer' }, schema: { querystring: querySchema({}), response: { 200: list(SINK) } } },
      async (): Promise<Served<{ items: Sink[] }>> => ({ items: sinks.list() }),
    );

    for (const action of SUPERVISION_ACTIONS) {
      fastify.post<{ Params: { name: string } }>(
        `/api/sinks/:name/${action}`,
        {
          config: { role: 'admin' },
          schema: { params: SUPERVISED_PARAMS, response: { 200: object({ sink: SINK }) } },
        },
        async (request) => ({ sink: await control(request, request.params.name, action) }),
      );
    }
  };
}
