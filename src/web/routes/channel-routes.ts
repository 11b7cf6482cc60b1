// Outbound channel supervision (docs/CHANNELS.md): every channel with its state, and
// start/stop/restart (admin, audited as `channel.<action>`).
import type { FastifyInstance } from 'fastify';
import type { SupervisionAction } from '../../services/index.js';
import type { Channel, ProcessUsage, Served } from '../api-types.js';
import { supervised } from './supervised.js';
import { CHANNEL, list, object, PROCESS_USAGE } from './response-schemas.js';
import type { WebContext } from '../web-context.js';
import { querySchema, SUPERVISION_ACTIONS, SUPERVISED_PARAMS } from './schemas.js';

export function channelRoutes(ctx: WebContext) {
  const { channels } = ctx.services;
  const control = supervised(ctx, 'channel', (name: string, action: SupervisionAction): Promise<Served<Channel>> =>
    channels.control(name, action),
  );

  return async (fastify: FastifyInstance) => {
    fastify.get(
      '/api/channels',
      {
        config: { role: 'viewer' },
        schema: { querystring: querySchema({}), response: { 200: list(CHANNEL, { process: PROCESS_USAGE }) } },
      },
      async (): Promise<Served<{ process: ProcessUsage; items: Channel[] }>> => ({
        process: ctx.sampler.process(),
        items: channels.list(),
      }),
    );

    for (const action of SUPERVISION_ACTIONS) {
      fastify.post<{ Params: { name: string } }>(
        `/api/channels/:name/${action}`,
        {
          config: { role: 'admin' },
          schema: { params: SUPERVISED_PARAMS, response: { 200: object({ channel: CHANNEL }) } },
        },
        async (request) => ({ channel: await control(request, request.params.name, action) }),
      );
    }
  };
}
