// GET /api/live — the WebSocket live feed. Authentication and the Origin check happen in
// the request guard before the upgrade, like for every other route.
import type {} from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { isTopic } from '../live/live-frames.js';
import type { WebContext } from '../web-context.js';
import { querySchema } from './schemas.js';

export function liveRoutes(ctx: WebContext) {
  return async (fastify: FastifyInstance) => {
    fastify.get<{ Querystring: { subscribe?: string } }>(
      '/api/live',
      {
        websocket: true,
        config: { role: 'viewer' },
        schema: { querystring: querySchema({ subscribe: { type: 'string', maxLength: 4096 } }) },
      },
      (socket, request) => {
        const principal = request.principal!;
        const topics = (request.query.subscribe ?? '')
          .split(',')
          .map((c) => c.trim())
          .filter(isTopic);
        // A session can end while the socket is open (logout, expiry, user deleted); a token is
        // checked when the connection opens.
        const stillAuthorized =
          principal.via === 'session' ? () => ctx.sessions.alive(principal.credentialId) : () => true;
        const user = { username: principal.username, role: principal.role };
        // The upgraded TCP socket: the feed writes a viewer's frames of a few milliseconds to it at once.
        ctx.live.attach(socket, user, topics, stillAuthorized, request.raw.socket);
      },
    );
  };
}
