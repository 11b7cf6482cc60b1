// GET /metrics on the web port (docs/METRICS.md): Prometheus text for a scraper holding
// `metrics.token` or any API token (or a logged-in session); 401 otherwise. Registered only
// when metrics are on and have no address of their own.
import type { FastifyInstance } from 'fastify';
import { metricsTokenMatches } from '../auth/metrics-token.js';
import { WebError } from '../errors.js';
import type { WebContext } from '../web-context.js';

export function metricsRoutes(ctx: WebContext) {
  return async (fastify: FastifyInstance) => {
    const { metrics } = ctx.services.config.server;
    if (!metrics.enabled || metrics.listen) return;
    // 'public' for the guard, which still resolves the caller: the check below also takes the metrics token.
    fastify.get('/metrics', { config: { role: 'public' } }, async (request, reply) => {
      const principal = request.principal;
      const allowed =
        (principal !== null && !principal.mustChangePassword) ||
        metricsTokenMatches(request.headers.authorization, metrics.token);
      if (!allowed) throw new WebError('AUTH_REQUIRED');
      const scrape = await ctx.services.metrics.scrape();
      return reply.header('cache-control', 'no-store').type(scrape.contentType).send(scrape.text);
    });
  };
}
