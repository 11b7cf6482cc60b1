// GET /api/export/:table?format=csv|xlsx — history, connections or raw packets streamed
// from the database as CSV or XLSX with the same filters as the queries.
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { RawPacketKind } from '../../storage/index.js';
import { WebError } from '../errors.js';
import { EXPORT_TABLES, exportSource, type ExportTable } from '../export/export-tables.js';
import { clientGone } from '../history/client-gone.js';
import { pointDescription, type ExportLang } from '../export/point-label.js';
import { exportFileName, runExport, tableWriter, type ExportFormat } from '../export/run-export.js';
import type { WebContext } from '../web-context.js';
import { DEVICE_ID, EPOCH_MS, PACKET_KIND, POINT_NAME, querySchema } from './schemas.js';

interface ExportQuery {
  format: ExportFormat;
  device?: string;
  point?: string;
  kind?: RawPacketKind;
  from?: number;
  to?: number;
  /** Language of the point descriptions (the UI's). */
  lang?: ExportLang;
}

/** Output buffered ahead of the client before reads pause. */
const OUTPUT_HIGH_WATER = 256 * 1024;

export function exportRoutes(ctx: WebContext) {
  return async (fastify: FastifyInstance) => {
    fastify.get<{ Params: { table: ExportTable }; Querystring: ExportQuery }>(
      '/api/export/:table',
      {
        config: { role: 'viewer' },
        schema: {
          params: querySchema({ table: { type: 'string', enum: [...EXPORT_TABLES] } }, ['table']),
          querystring: querySchema(
            {
              format: { type: 'string', enum: ['csv', 'xlsx'] },
              device: DEVICE_ID,
              point: POINT_NAME,
              kind: PACKET_KIND,
              from: EPOCH_MS,
              to: EPOCH_MS,
              lang: { type: 'string', enum: ['en', 'zh'] },
            },
            ['format'],
          ),
        },
      },
      async (request, reply) => {
        const { table } = request.params;
        const { format, device, point, kind, from, to, lang = 'en' } = request.query;
        if (table === 'data' && device === undefined)
          throw new WebError('BAD_REQUEST', 'device is required for a data export');
        if (point !== undefined && table !== 'data')
          throw new WebError('BAD_REQUEST', 'point applies to the data export only');
        if (kind !== undefined && table !== 'packets')
          throw new WebError('BAD_REQUEST', 'kind applies to the packets export only');
        let units = new Map<string, string | null>();
        let descriptions = new Map<string, string | null>();
        if (table === 'data') {
          const known = await ctx.services.devices.get(device!);
          if (!known) throw new WebError('DEVICE_NOT_FOUND', `device ${device} is unknown`);
          units = ctx.services.devices.units(known.profile, known.registrationId);
          const points = ctx.services.devices.points(known.profile, known.registrationId);
          descriptions = new Map(points.map((p) => [p.name, pointDescription(p, lang)]));
        }
        const filters = {
          ...(device !== undefined ? { device } : {}),
          ...(point !== undefined ? { point } : {}),
          ...(kind !== undefined ? { kind } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          signal: clientGone(reply),
        };
        const source = exportSource(table, ctx.services.history, filters, units, descriptions);
        const out = new PassThrough({ highWaterMark: OUTPUT_HIGH_WATER });
        // A client that goes away destroys the stream; the export notices at its next page.
        out.on('error', () => undefined);
        const writer = await tableWriter(format, out, source, table);
        const name = exportFileName(table, device, writer.extension, new Date());
        reply
          .header('content-type', writer.contentType)
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('cache-control', 'no-store');
        const started = Date.now();
        runExport(source, writer).then(
          (rows) => ctx.log.info({ table, format, device, rows, ms: Date.now() - started }, 'export finished'),
          (err: unknown) => {
            ctx.log.warn({ err, table, format, device }, 'export stopped');
            out.destroy(err instanceof Error ? err : new Error(String(err)));
          },
        );
        return reply.send(out);
      },
    );
  };
}
