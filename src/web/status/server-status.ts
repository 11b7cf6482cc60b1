// The body of GET /api/status (and the fleet topic's periodic `status` frame).
import type { WebContext } from '../web-context.js';

export async function serverStatus(ctx: WebContext, withCounters: boolean) {
  const { status } = ctx.services;
  const runtime = await status.runtime();
  return {
    version: ctx.version,
    startedAt: ctx.startedAt,
    uptimeMs: Date.now() - ctx.startedAt,
    connections: runtime.connections,
    devices: runtime.devices,
    rates: ctx.sampler.rates(),
    today: ctx.sampler.todayCounts(),
    store: runtime.store,
    buffer: runtime.buffer,
    process: ctx.sampler.process(),
    ...(withCounters ? { counters: status.counters() } : {}),
  };
}
