// Devices: the list with filters and paging, one device with its live state and slaves,
// and the latest values from memory.
import type { FastifyInstance } from 'fastify';
import type { DeviceDetail, DeviceList, Sample, Served } from '../api-types.js';
import { WebError } from '../errors.js';
import { DEVICE_DETAIL, DEVICE_LIST, LATEST_VALUES, object } from './response-schemas.js';
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
  const { devices } = ctx.services;

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
          response: { 200: DEVICE_LIST },
        },
      },
      // The return types tie the services' objects to the response schemas at compile time.
      async (request): Promise<Served<DeviceList>> => {
        const { status, search, profile, offset = 0, limit = 50 } = request.query;
        const all = await devices.list();
        const needle = search?.toLowerCase();
        const matching = all.filter(
          (d) =>
            (status === undefined || d.status === status) &&
            (profile === undefined || d.profile === profile) &&
            (!needle ||
              d.registrationId.toLowerCase().includes(needle) ||
              (d.name ?? '').toLowerCase().includes(needle)),
        );
        const online = all.filter((d) => d.status === 'online').length;
        return {
          total: matching.length,
          offset,
          limit,
          counts: { online, offline: all.length - online },
          items: matching.slice(offset, offset + limit),
        };
      },
    );

    fastify.get<{ Params: { id: string } }>(
      '/api/devices/:id',
      { config: viewer, schema: { params: DEVICE_PARAMS, response: { 200: object({ device: DEVICE_DETAIL }) } } },
      async (request): Promise<Served<{ device: DeviceDetail }>> => {
        const { id: deviceId } = request.params;
        const device = await devices.detail(deviceId);
        if (!device) throw new WebError('DEVICE_NOT_FOUND', `device ${deviceId} is unknown`);
        return { device };
      },
    );

    fastify.get<{ Params: { id: string } }>(
      '/api/devices/:id/latest',
      { config: viewer, schema: { params: DEVICE_PARAMS, response: { 200: LATEST_VALUES } } },
      async (request): Promise<Served<{ deviceId: string; items: (Sample & { unit: string | null })[] }>> => {
        const { id: deviceId } = request.params;
        const items = await devices.latest(deviceId);
        if (!items) throw new WebError('DEVICE_NOT_FOUND', `device ${deviceId} is unknown`);
        return { deviceId, items };
      },
    );
  };
}
