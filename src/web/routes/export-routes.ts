// GET /api/export/:table?format=csv|xlsx — history, connections or raw packets streamed
// from the database as CSV or XLSX with the same filters as the queries; point values for
// one device or many (export-selection.ts), in a long or a wide layout, with times in UTC or
// the viewer's zone (`tz`).
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RawPacketKind } from '../../storage/index.js';
import { WebError } from '../errors.js';
import { DATA_LAYOUTS, longDataSource, wideDataSource, type DataLayout } from '../export/data-export.js';
import { EXPORT_TABLES, exportSource, type ExportSource, type ExportTable } from '../export/export-tables.js';
import { clientGone } from '../history/client-gone.js';
import { pointHeader, type ExportLang } from '../export/point-label.js';
import { exportFileName, runExport, tableWriter, type ExportFormat } from '../export/run-export.js';
import { exportZone, type ExportZone } from '../export/time-zone.js';
import type { WebContext } from '../web-context.js';
import { exportDevices, SELECTION_QUERY, selectDevices, type SelectionQuery } from './export-selection.js';
import { EPOCH_MS, PACKET_KIND, POINT_NAME, querySchema } from './schemas.js';

interface ExportQuery extends SelectionQuery {
  format: ExportFormat;
  point?: string;
  kind?: RawPacketKind;
  from?: number;
  to?: number;
  layout?: DataLayout;
  tz?: string;
  /** Language of the point descriptions (the UI's). */
  lang?: ExportLang;
}

/** Output buffered ahead of the client before reads pause. */
const OUTPUT_HIGH_WATER = 256 * 1024;

/** An IANA zone name (`Asia/Shanghai`, `America/Argentina/Buenos_Aires`, `UTC`). */
export const TIME_ZONE = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_+\\-/]+$' } as const;

export function zoneOf(tz: string | undefined): ExportZone {
  const zone = exportZone(tz);
  if (!zone) throw new WebError('BAD_REQUEST', `unknown time zone ${tz}`);
  return zone;
}

/** Sends `source` as a file: headers first, then pages as they are read. */
export async function streamExport(
  ctx: WebContext,
  reply: FastifyReply,
  options: {
    format: ExportFormat;
    source: ExportSource;
    sheet: string;
    zone: ExportZone;
    fileLabel: string | undefined;
  },
): Promise<FastifyReply> {
  const { format, source, sheet, zone, fileLabel } = options;
  const out = new PassThrough({ highWaterMark: OUTPUT_HIGH_WATER });
  // A client that goes away destroys the stream; the export notices at its next page.
  out.on('error', () => undefined);
  const writer = await tableWriter(format, out, source, sheet, zone);
  const name = exportFileName(sheet, fileLabel, writer.extension, new Date());
  reply
    .header('content-type', writer.contentType)
    .header('content-disposition', `attachment; filename="${name}"`)
    .header('cache-control', 'no-store');
  const started = Date.now();
  runExport(source, writer).then(
    (rows) => ctx.log.info({ sheet, format, device: fileLabel, rows, ms: Date.now() - started }, 'export finished'),
    (err: unknown) => {
      ctx.log.warn({ err, sheet, format, device: fileLabel }, 'export stopped');
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    },
  );
  return reply.send(out);
}

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
              ...SELECTION_QUERY,
              point: POINT_NAME,
              kind: PACKET_KIND,
              from: EPOCH_MS,
              to: EPOCH_MS,
              layout: { type: 'string', enum: [...DATA_LAYOUTS] },
              tz: TIME_ZONE,
              lang: { type: 'string', enum: ['en', 'zh'] },
            },
            ['format'],
          ),
        },
      },
      async (request, reply) => {
        const { table } = request.params;
        const q = request.query;
        const { format, device, point, kind, from, to } = q;
        if (point !== undefined && table !== 'data')
          throw new WebError('BAD_REQUEST', 'point applies to the data export only');
        if (kind !== undefined && table !== 'packets')
          throw new WebError('BAD_REQUEST', 'kind applies to the packets export only');
        if (
          table !== 'data' &&
          (q.devices ?? q.group ?? q.tag ?? q.profile ?? q.status ?? q.all ?? q.layout) !== undefined
        )
          throw new WebError(
            'BAD_REQUEST',
            'devices, group, tag, profile, status, all and layout apply to the data export only',
          );
        const zone = zoneOf(q.tz);
        const range = {
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          signal: clientGone(reply),
        };
        if (table !== 'data') {
          const filters = {
            ...(device !== undefined ? { device } : {}),
            ...(kind !== undefined ? { kind } : {}),
            ...range,
          };
          const source = exportSource(table, ctx.services.history, filters, zone);
          return streamExport(ctx, reply, { format, source, sheet: table, zone, fileLabel: device });
        }
        const selection = await selectDevices(ctx, q);
        const query = {
          devices: exportDevices(ctx, selection.devices, q.lang ?? 'en'),
          ...(point !== undefined ? { point } : {}),
          ...range,
          zone,
        };
        const reader = ctx.services.history;
        const source =
          q.layout === 'wide'
            ? wideDataSource(
                reader,
                query,
                ctx.services.fleet
                  .pointsOf(selection.devices)
                  .filter((p) => point === undefined || p.name === point)
                  .map((p) => ({ name: p.name, header: pointHeader(p, q.lang ?? 'en') })),
              )
            : longDataSource(reader, query);
        return streamExport(ctx, reply, { format, source, sheet: table, zone, fileLabel: selection.label });
      },
    );
  };
}
