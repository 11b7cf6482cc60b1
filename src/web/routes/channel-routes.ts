// Channel supervision: every DTU listener and every outbound channel with its state, and
// start/stop/restart (admin). Names are unique across both (checked when config loads).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnknownListenerError } from '../../gateway/gateway.js';
import { principalOf } from '../auth/request-guard.js';
import { actorName } from '../auth/roles.js';
import { WebError } from '../errors.js';
import { CHANNEL, COLLECTOR, list, PROCESS_USAGE } from './response-schemas.js';
import type { WebContext } from '../web-context.js';
import { querySchema } from './schemas.js';

/** A listener comes back as `channel`, an outbound channel as `collector`. */
const CONTROL_RESULT = { type: 'object', additionalProperties: false, properties: { channel: CHANNEL, collector: COLLECTOR } } as const;

const ACTIONS = ['start', 'stop', 'restart'] as const;
type ChannelAction = (typeof ACTIONS)[number];

export function channelRoutes(ctx: WebContext) {
  const gateway = ctx.app.gateway;
  const outbound = ctx.app.channels;

  const listener = (name: string) => gateway.channels().find((c) => c.name === name);

  /** The listener or outbound channel called `name`, as the response shows it. */
  const current = (name: string) => {
    const found = listener(name);
    if (found) return { channel: found };
    if (outbound.has(name)) return { collector: outbound.get(name).status() };
    throw new WebError('CHANNEL_NOT_FOUND', `no listener or channel named ${name}`);
  };

  function runner(name: string, action: ChannelAction): () => Promise<void> {
    if (listener(name)) {
      return { start: () => gateway.startListener(name), stop: () => gateway.stopListener(name), restart: () => gateway.restartListener(name) }[action];
    }
    const collector = outbound.get(name);
    return { start: async () => collector.start(), stop: () => collector.stop(), restart: () => collector.restart() }[action];
  }

  async function control(request: FastifyRequest, name: string, action: ChannelAction) {
    current(name);
    const run = runner(name, action);
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
    ctx.log.info({ channel: name, action }, 'channel control');
    return current(name);
  }

  return async (fastify: FastifyInstance) => {
    fastify.get('/api/channels', { config: { role: 'viewer' }, schema: { querystring: querySchema({}), response: { 200: list(CHANNEL, { process: PROCESS_USAGE, collectors: { type: 'array', items: COLLECTOR } }) } } }, async () => ({
      process: ctx.sampler.process(),
      items: gateway.channels(),
      collectors: outbound.list(),
    }));

    for (const action of ACTIONS) {
      fastify.post<{ Params: { name: string } }>(
        `/api/channels/:name/${action}`,
        { config: { role: 'admin' }, schema: { params: querySchema({ name: { type: 'string', minLength: 1, maxLength: 64 } }, ['name']), response: { 200: CONTROL_RESULT } } },
        async (request) => control(request, request.params.name, action),
      );
    }
  };
}
