// Devices: the list with filters and paging, one device with its live state and slaves,
// and the latest values from memory.
import type { FastifyInstance } from 'fastify';
import { WebError } from '../errors.js';
import { allDevices, devicePoints, oneDevice, pointUnits } from '../devices/device-view.js';
import { DEVICE_SUMMARY, int, list, nullable, object, POINT_INFO, SAMPLE_PROPERTIES, SLAVE_STATE, str } from './response-schemas.js';

const DEVICE_DETAIL = object({
  device: object({
    ...DEVICE_SUMMARY.properties,
    session: { anyOf: [{ type: 'null' }, object({ registeredAt: nullable('integer'), heartbeatMisses: int, queueDepth: int })] },
    slaves: { type: 'array', items: SLAVE_STATE },
    points: { type: 'array', items: POINT_INFO },
  }),
});
import type { WebContext } from '../web-context.js';
import { DEVICE_PARAMS, querySchema } from './schemas.js';

interface ListQuery {
  status?: 'online' | 'offline';
  search?: string;
  profile?: string;
  offset?: number;
  limit?: number;
}

const viewer = { role: 'viewer' } as const;

export function deviceRoutes(ctx: WebContext) {
  const { app } = ctx;

  return async (fastify: FastifyInstance) => {
    fastify.get<{ Querystring: ListQuery }>(
      '/api/devices',
      {
        config: viewer,
        schema: {
          querystring: querySchema({
            status: { type: 'string', enum: ['online', 'offline'] },
            search: { type: 'string', maxLength: 128 },
            profile: { type: 'string', maxLength: 128 },
            offset: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
          }),
          response: { 200: list(DEVICE_SUMMARY, { total: int, offset: int, limit: int, counts: object({ online: int, offline: int }) }) },
        },
      },
      async (request) => {
        const { status, search, profile, offset = 0, limit = 50 } = request.query;
        const devices = await allDevices(app);
        const needle = search?.toLowerCase();
        const matching = devices.filter(
          (d) =>
            (status === undefined || d.status === status) &&
            (profile === undefined || d.profile === profile) &&
            (!needle || d.registrationId.toLowerCase().includes(needle) || (d.name ?? '').toLowerCase().includes(needle)),
        );
        const online = devices.filter((d) => d.status === 'online').length;
        return {
          total: matching.length,
          offset,
          limit,
          counts: { online, offline: devices.length - online },
          items: matching.slice(offset, offset + limit),
        };
      },
    );

    fastify.get<{ Params: { id: string } }>('/api/devices/:id', { config: viewer, schema: { params: DEVICE_PARAMS, response: { 200: DEVICE_DETAIL } } }, async (request) => {
      const { id } = request.params;
      const device = await oneDevice(app, id);
      if (!device) throw new WebError('DEVICE_NOT_FOUND', `device ${id} is unknown`);
      const session = app.gateway.registry.get(id);
      const live = session && session.state === 'active' ? session : null;
      const status = live?.status() ?? null;
      const profile = app.config.points.profiles.get(device.profile);
      const names = new Map((profile?.slaves ?? []).map((s) => [s.id, s.name]));
      return {
        device: {
          ...device,
          session: status && { registeredAt: status.registeredAt, heartbeatMisses: status.heartbeatMisses, queueDepth: status.queueDepth },
          slaves: (live?.devicePoller?.slaves() ?? []).map((s) => ({ ...s, name: names.get(s.slave) ?? `slave ${s.slave}` })),
          points: devicePoints(app, device.profile, id),
        },
      };
    });

    fastify.get<{ Params: { id: string } }>('/api/devices/:id/latest', { config: viewer, schema: { params: DEVICE_PARAMS, response: { 200: list(object({ ...SAMPLE_PROPERTIES, unit: nullable('string') }), { deviceId: str }) } } }, async (request) => {
      const { id } = request.params;
      const values = app.latest.device(id);
      const device = values.length > 0 ? null : await oneDevice(app, id);
      if (values.length === 0 && !device) throw new WebError('DEVICE_NOT_FOUND', `device ${id} is unknown`);
      const profile = app.gateway.registry.get(id)?.profile?.name ?? device?.profile ?? (await app.reader.device(id))?.profile ?? '';
      const units = pointUnits(app, profile, id);
      return { deviceId: id, items: values.map((s) => ({ ...s, unit: units.get(s.point) ?? null })) };
    });
  };
}
