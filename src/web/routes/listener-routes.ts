// Listener supervision: every inbound DTU listener with its state, and start/stop/restart
// (admin, audited as `listener.<action>`).
import type { FastifyInstance } from 'fastify';
import type { SupervisionAction } from '../../services/index.js';
import type { Listener, ProcessUsage, Served } from '../api-types.js';
import { supervised } from './supervised.js';
import { LISTENER, list, object, PROCESS_USAGE } from './response-schemas.js';
import type { WebContext } from '../web-context.js';
import { querySchema, SUPERVISION_ACTIONS, SUPERVISED_PARAMS } from './schemas.js';

export function listenerRoutes(ctx: WebContext) {
  const { listeners } = ctx.services;
  const control = supervised(ctx, 'listener', (name: string, action: SupervisionAction): Promise<Served<Listener>> =>
    listeners.control(name, action),
  );

  return async (fastify: FastifyInstance) => {
    fastify.get(
      '/api/listeners',
      {
        config: { role: 'viewer' },
        schema: { querystring: querySchema({}), response: { 200: list(LISTENER, { process: PROCESS_USAGE }) } },
      },
      async (): Promise<Served<{ process: ProcessUsage; items: Listener[] }>> => ({
        process: ctx.sampler.process(),
        items: listeners.list(),
      }),
    );

    for (const action of SUPERVISION_ACTIONS) {
      fastify.post<{ Params: { name: string } }>(
        `/api/listeners/:name/${action}`,
        {
          config: { role: 'admin' },
          schema: { params: SUPERVISED_PARAMS, response: { 200: object({ listener: LISTENER }) } },
        },
        async (request) => ({ listener: await control(request, request.params.name, action) }),
      );
    }
  };
}
