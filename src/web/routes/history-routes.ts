// History queries: device data (cursor paging), chart series (server-side buckets),
// connection history, heartbeats and raw packets (time paging).
import type { FastifyInstance } from 'fastify';
import type { RawPacketKind } from '../../storage/index.js';
import { WebError } from '../errors.js';
import { clientGone } from '../history/client-gone.js';
import type { TSchema } from '@sinclair/typebox';
import {
  CONNECTION_ROW,
  HEARTBEAT_ROW,
  int,
  list,
  object,
  orNull,
  PACKET_ROW,
  SAMPLE,
  SERIES,
  str,
  TIME_NEXT,
} from './response-schemas.js';

import type { WebContext } from '../web-context.js';
import {
  DEVICE_ID,
  DEVICE_PARAMS,
  EPOCH_MS,
  PACKET_KIND,
  POINT_NAME,
  querySchema,
  TIME_WINDOW,
  type TimeWindowQuery,
} from './schemas.js';

const viewer = { role: 'viewer' } as const;
const MAX_SERIES_POINTS = 8;

interface DataQueryString extends TimeWindowQuery {
  point?: string;
  afterTs?: number;
  afterPoint?: string;
}

interface SeriesQuery {
  points: string;
  from: number;
  to: number;
  buckets?: number;
}

interface TableQuery extends TimeWindowQuery {
  device?: string;
  kind?: RawPacketKind;
}

/** Time paging hint: where the next page starts, or null after a short page. */
function nextByTime(rows: readonly { at: number }[], limit: number, order: 'asc' | 'desc' | undefined) {
  if (rows.length < limit) return null;
  const at = rows[rows.length - 1]!.at;
  return order === 'asc' ? { from: at } : { to: at };
}

export function historyRoutes(ctx: WebContext) {
  const { devices } = ctx.services;
  const history = () => ctx.services.history;

  async function knownDevice(deviceId: string) {
    const device = await devices.get(deviceId);
    if (!device) throw new WebError('DEVICE_NOT_FOUND', `device ${deviceId} is unknown`);
    return device;
  }

  return async (fastify: FastifyInstance) => {
    fastify.get<{ Params: { id: string }; Querystring: DataQueryString }>(
      '/api/devices/:id/data',
      {
        config: viewer,
        schema: {
          params: DEVICE_PARAMS,
          querystring: {
            ...querySchema({ ...TIME_WINDOW, point: POINT_NAME, afterTs: EPOCH_MS, afterPoint: POINT_NAME }),
            dependencies: { afterTs: ['afterPoint'], afterPoint: ['afterTs'] },
          },
          response: { 200: list(SAMPLE, { next: orNull(object({ afterTs: int, afterPoint: str })) }) },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const { point, from, to, order, afterTs, afterPoint } = request.query;
        const limit = request.query.limit ?? 1000;
        await knownDevice(id);
        const items = await history().data({
          registrationId: id,
          limit,
          signal: clientGone(reply),
          ...(point !== undefined ? { point } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(order !== undefined ? { order } : {}),
          ...(afterTs !== undefined && afterPoint !== undefined ? { after: { ts: afterTs, point: afterPoint } } : {}),
        });
        const last = items.length === limit ? items[items.length - 1]! : null;
        return { items, next: last ? { afterTs: last.ts, afterPoint: last.point } : null };
      },
    );

    fastify.get<{ Params: { id: string }; Querystring: SeriesQuery }>(
      '/api/devices/:id/series',
      {
        config: viewer,
        schema: {
          params: DEVICE_PARAMS,
          querystring: querySchema(
            {
              points: { type: 'string', minLength: 1, maxLength: 1100 },
              from: EPOCH_MS,
              to: EPOCH_MS,
              buckets: { type: 'integer', minimum: 1, maximum: 2000, default: 300 },
            },
            ['points', 'from', 'to'],
          ),
          response: { 200: SERIES },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const { from, to, buckets = 300 } = request.query;
        const points = [
          ...new Set(
            request.query.points
              .split(',')
              .map((p) => p.trim())
              .filter(Boolean),
          ),
        ];
        if (points.length === 0 || points.length > MAX_SERIES_POINTS)
          throw new WebError('BAD_REQUEST', `points: give 1 to ${MAX_SERIES_POINTS} point names`);
        if (to <= from) throw new WebError('BAD_REQUEST', 'to must be after from');
        const device = await knownDevice(id);
        const units = devices.units(device.profile, device.registrationId);
        const result = await history().series({
          registrationId: id,
          points,
          from,
          to,
          buckets,
          signal: clientGone(reply),
        });
        return { ...result, series: result.series.map((s) => ({ ...s, unit: units.get(s.point) ?? null })) };
      },
    );

    const tableQuery = (row: TSchema, extra: Record<string, unknown> = {}) => ({
      querystring: querySchema({ ...TIME_WINDOW, device: DEVICE_ID, ...extra }),
      response: { 200: list(row, { next: TIME_NEXT }) },
    });
    const window = (q: TableQuery) => ({
      limit: q.limit ?? 1000,
      ...(q.device !== undefined ? { registrationId: q.device } : {}),
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
      ...(q.order !== undefined ? { order: q.order } : {}),
    });

    fastify.get<{ Querystring: TableQuery }>(
      '/api/connections',
      { config: viewer, schema: tableQuery(CONNECTION_ROW) },
      async (request) => {
        const query = window(request.query);
        const rows = await history().connections(query);
        return { items: rows, next: nextByTime(rows, query.limit, request.query.order) };
      },
    );

    fastify.get<{ Querystring: TableQuery }>(
      '/api/heartbeats',
      { config: viewer, schema: tableQuery(HEARTBEAT_ROW) },
      async (request) => {
        const query = window(request.query);
        const rows = await history().heartbeats(query);
        return { items: rows, next: nextByTime(rows, query.limit, request.query.order) };
      },
    );

    fastify.get<{ Querystring: TableQuery }>(
      '/api/packets',
      { config: viewer, schema: tableQuery(PACKET_ROW, { kind: PACKET_KIND }) },
      async (request) => {
        const query = {
          ...window(request.query),
          ...(request.query.kind !== undefined ? { kind: request.query.kind } : {}),
        };
        const rows = await history().rawPackets(query);
        return { items: rows, next: nextByTime(rows, query.limit, request.query.order) };
      },
    );
  };
}
