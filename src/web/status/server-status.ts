// The body of GET /api/status (and the fleet channel's periodic `status` frame).
import { channelDevices } from '../devices/device-view.js';
import type { WebContext } from '../web-context.js';

export async function serverStatus(ctx: WebContext, withCounters: boolean) {
  const { app } = ctx;
  const registry = app.gateway.registry;
  const counters = app.gateway.counters;
  const store = app.storeHealth();
  const known = (await app.reader.counts()).devices;
  // Devices fed by outbound channels have no DTU session: they count as online while their channel lists them.
  let online = registry.online;
  for (const id of channelDevices(app).keys()) if (!registry.get(id)) online++;
  return {
    version: ctx.version,
    startedAt: ctx.startedAt,
    uptimeMs: Date.now() - ctx.startedAt,
    connections: { open: registry.connections, online: registry.online, acceptedTotal: counters.connectionsAccepted, refusedTotal: counters.connectionsRefused },
    devices: { known: Math.max(known, online), online, offline: Math.max(0, known - online) },
    rates: ctx.sampler.rates(),
    today: ctx.sampler.todayCounts(),
    store,
    buffer: { rows: store.writer.rowsBuffered },
    process: ctx.sampler.process(),
    ...(withCounters ? { counters: { ...counters } } : {}),
  };
}
