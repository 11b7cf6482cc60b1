// The fleet table: for one profile, the latest value of every point of every chosen device,
// from memory (GET /api/fleet/latest, paged), and the same table as a file
// (GET /api/fleet/export: every matching row, CSV or XLSX).
import type { FastifyInstance } from 'fastify';
import { FLEET_SORTS, type FleetTable, type FleetTableQuery } from '../../services/index.js';
import type { FleetTableView, Served } from '../api-types.js';
import type { Cell } from '../export/cells.js';
import type { ExportSource } from '../export/export-tables.js';
import type { ExportFormat } from '../export/run-export.js';
import { timeHeader, type ExportZone } from '../export/time-zone.js';
import { WebError } from '../errors.js';
import type { WebContext } from '../web-context.js';
import { streamExport, TIME_ZONE, zoneOf } from './export-routes.js';
import { FLEET_TABLE } from './fleet-schemas.js';
import { ORDER, querySchema } from './schemas.js';

interface TableQuery {
  profile?: string;
  status?: 'online' | 'offline';
  group?: string;
  tag?: string;
  search?: string;
  sort?: string;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

const LABEL = { type: 'string', minLength: 1, maxLength: 128 } as const;
const TABLE_QUERY = {
  profile: LABEL,
  status: { type: 'string', enum: ['online', 'offline'] },
  group: LABEL,
  tag: LABEL,
  search: { type: 'string', maxLength: 128 },
  // A device field, or `point:<name>` for a value column.
  sort: { type: 'string', maxLength: 140, pattern: `^(${FLEET_SORTS.join('|')}|point:.+)$` },
  order: ORDER,
} as const;

export function fleetRoutes(ctx: WebContext) {
  const { fleet } = ctx.services;

  /** The profile asked for, or the first there is; 400 when it is unknown. */
  async function table(q: TableQuery, page: { offset?: number; limit?: number }): Promise<FleetTable> {
    const profile = q.profile ?? fleet.profiles()[0] ?? '';
    const query: FleetTableQuery = {
      profile,
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(q.group !== undefined ? { group: q.group } : {}),
      ...(q.tag !== undefined ? { tag: q.tag } : {}),
      ...(q.search ? { search: q.search } : {}),
      ...(q.sort !== undefined ? { sort: q.sort as FleetTableQuery['sort'] & string } : {}),
      ...(q.order !== undefined ? { order: q.order } : {}),
      ...page,
    };
    const result = await fleet.table(query);
    if (!result) throw new WebError('UNKNOWN_PROFILE', `profile ${profile} is not in points.yml`);
    return result;
  }

  return async (fastify: FastifyInstance) => {
    fastify.get<{ Querystring: TableQuery }>(
      '/api/fleet/latest',
      {
        config: { role: 'viewer' },
        schema: {
          querystring: querySchema({
            ...TABLE_QUERY,
            offset: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          }),
          response: { 200: FLEET_TABLE },
        },
      },
      async (request): Promise<Served<FleetTableView>> => {
        const { offset = 0, limit = 100 } = request.query;
        const result = await table(request.query, { offset, limit });
        return { ...result, offset, limit, profiles: fleet.profiles() };
      },
    );

    fastify.get<{ Querystring: TableQuery & { format: ExportFormat; tz?: string } }>(
      '/api/fleet/export',
      {
        config: { role: 'viewer' },
        schema: {
          querystring: querySchema(
            { ...TABLE_QUERY, format: { type: 'string', enum: ['csv', 'xlsx'] }, tz: TIME_ZONE },
            ['format'],
          ),
        },
      },
      async (request, reply) => {
        const zone = zoneOf(request.query.tz);
        const result = await table(request.query, {});
        return streamExport(ctx, reply, {
          format: request.query.format,
          source: fleetSource(result, zone),
          sheet: 'fleet',
          zone,
          fileLabel: result.profile,
        });
      },
    );
  };
}

/** The table as a file: the rows are in memory already, handed over in pages. */
function fleetSource(table: FleetTable, zone: ExportZone): ExportSource {
  const PAGE = 500;
  return {
    columns: [
      { header: 'device', width: 20, kind: 'text' },
      { header: 'name', width: 20, kind: 'text' },
      { header: 'group', width: 14, kind: 'text' },
      { header: 'status', width: 9, kind: 'text' },
      { header: timeHeader(zone, 'last seen'), width: 30, kind: 'time' },
      { header: timeHeader(zone, 'updated'), width: 30, kind: 'time' },
      ...table.columns.map((c) => ({
        header: c.unit ? `${c.name} (${c.unit})` : c.name,
        width: Math.max(10, c.name.length + 4),
        kind: 'number' as const,
      })),
    ],
    async *pages() {
      for (let i = 0; i < table.rows.length; i += PAGE) {
        yield table.rows.slice(i, i + PAGE).map((r): Cell[] => [
          r.registrationId,
          r.name,
          r.group,
          r.status,
          // An online device is being seen now; its last-seen cell stays empty.
          r.status === 'online' ? null : r.lastSeen,
          r.updatedAt,
          ...r.values,
        ]);
      }
    },
  };
}
