// Channel supervision: every DTU listener with its state, and start/stop/restart (admin).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnknownListenerError } from '../../gateway/gateway.js';
import { principalOf } from '../auth/request-guard.js';
import { actorName } from '../auth/roles.js';
import { WebError } from '../errors.js';
import { CHANNEL, list, object, PROCESS_USAGE } from './response-schemas.js';
import type { WebContext } from '../web-context.js';
import { querySchema } from './schemas.js';

const ACTIONS = ['start', 'stop', 'restart'] as const;
type ChannelAction = (typeof ACTIONS)[number];

export function channelRoutes(ctx: WebContext) {
  const gateway = ctx.app.gateway;

  const channel = (name: string) => {
    const found = gateway.channels().find((c) => c.name === name);
    if (!found) throw new WebError('CHANNEL_NOT_FOUND', `no listener named ${name}`);
    return found;
  };

  async function control(request: FastifyRequest, name: string, action: ChannelAction) {
    channel(name);
    const run = { start: () => gateway.startListener(name), stop: () => gateway.stopListener(name), restart: () => gateway.restartListener(name) }[action];
    const audit = (result: string, details: string | null = null) =>
      ctx.audit.record({ actor: actorName(principalOf(request)), ip: request.ip, action: `channel.${action}`, result, details: details ?? name });
    try {
      await run();
    } catch (err) {
      if (err instanceof UnknownListenerError) throw new WebError('CHANNEL_NOT_FOUND', err.message);
      const message = err instanceof Error ? err.message : String(err);
      await audit('failed', `${name}: ${message}`);
      throw new WebError('CHANNEL_FAILED', message);
    }
    await audit('ok');
    ctx.log.info({ listener: name, action }, 'channel control');
    return { channel: channel(name) };
  }

  return async (fastify: FastifyInstance) => {
    fastify.get('/api/channels', { config: { role: 'viewer' }, schema: { querystring: querySchema({}), response: { 200: list(CHANNEL, { process: PROCESS_USAGE }) } } }, async () => ({
      process: ctx.sampler.process(),
      items: gateway.channels(),
    }));

    for (const action of ACTIONS) {
      fastify.post<{ Params: { name: string } }>(
        `/api/channels/:name/${action}`,
        { config: { role: 'admin' }, schema: { params: querySchema({ name: { type: 'string', minLength: 1, maxLength: 64 } }, ['name']), response: { 200: object({ channel: CHANNEL }) } } },
        async (request) => control(request, request.params.name, action),
      );
    }
  };
}
