// Devices: the list with filters and paging, one device with its live state and slaves,
// and the latest values from memory.
import type { FastifyInstance } from 'fastify';
import { filterDevices, FLEET_SORTS, sortDevices, type FleetSort } from '../../services/index.js';
import type { DeviceDetail, DeviceList, Sample, Served } from '../api-types.js';
import { WebError } from '../errors.js';
import { DEVICE_DETAIL, DEVICE_LIST, LATEST_VALUES, object } from './response-schemas.js';
import type { WebContext } from '../web-context.js';
import { DEVICE_PARAMS, ORDER, querySchema } from './schemas.js';

interface ListQuery {
  status?: 'online' | 'offline';
  search?: string;
  profile?: string;
  group?: string;
  tag?: string;
  sort?: FleetSort;
  order?: 'asc' | 'desc';
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
            group: { type: 'string', minLength: 1, maxLength: 128 },
            tag: { type: 'string', minLength: 1, maxLength: 128 },
            sort: { type: 'string', enum: [...FLEET_SORTS] },
            order: ORDER,
            offset: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
          }),
          response: { 200: DEVICE_LIST },
        },
      },
      // The return types tie the services' objects to the response schemas at compile time.
      async (request): Promise<Served<DeviceList>> => {
        const {
          status,
          search,
          profile,
          group,
          tag,
          sort = 'id',
          order = 'asc',
          offset = 0,
          limit = 50,
        } = request.query;
        const all = await devices.list();
        const filter = {
          ...(status !== undefined ? { status } : {}),
          ...(profile !== undefined ? { profile } : {}),
          ...(group !== undefined ? { group } : {}),
          ...(tag !== undefined ? { tag } : {}),
          ...(search ? { search } : {}),
        };
        const matching = sortDevices(filterDevices(all, filter), sort, order, Date.now());
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
