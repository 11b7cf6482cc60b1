// The device registry (docs/API.md, "Device registry"): pre-register, edit and delete
// devices (operators edit, admins delete and import), and the device list as CSV or XLSX.
// Every change is in the audit log.
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RegistryChanges, RegistryService } from '../../services/index.js';
import { REGISTRY_COLUMNS } from '../../services/index.js';
import type { DeviceSummary, Served } from '../api-types.js';
import { principalOf } from '../auth/request-guard.js';
import { actorName } from '../auth/roles.js';
import { WebError } from '../errors.js';
import type { Cell } from '../export/cells.js';
import { readCsv, readXlsx } from '../export/read-table.js';
import { exportFileName, runExport, tableWriter, type ExportFormat } from '../export/run-export.js';
import type { WebContext } from '../web-context.js';
import { DEVICE_SUMMARY, object } from './response-schemas.js';
import { DEVICE_ID, DEVICE_PARAMS, querySchema } from './schemas.js';

const text = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;
const coordinate = (limit: number) => ({ type: ['number', 'null'], minimum: -limit, maximum: limit }) as const;
const REGISTRY_BODY = {
  name: text(255),
  description: text(4000),
  location: text(255),
  latitude: coordinate(90),
  longitude: coordinate(180),
  tags: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 64 } },
  group: text(128),
  profileOverride: text(128),
  enabled: { type: 'boolean' },
  notes: text(4000),
} as const;
/** A device list of 10,000 rows as base64 XLSX fits with room to spare. */
const IMPORT_BODY_LIMIT = 16 * 1024 * 1024;
const DEVICE_RESPONSE = object({ device: DEVICE_SUMMARY });

export function registryRoutes(ctx: WebContext) {
  const { devices, registry } = ctx.services;
  const audit = (request: FastifyRequest, action: string, device: string | null, details: string, result = 'ok') =>
    ctx.audit.record({ actor: actorName(principalOf(request)), ip: request.ip, action, device, result, details });

  async function summary(id: string): Promise<Served<DeviceSummary>> {
    const device = await devices.get(id);
    if (!device) throw new WebError('DEVICE_NOT_FOUND', `device ${id} is unknown`);
    return device;
  }

  return async (fastify: FastifyInstance) => {
    fastify.post<{ Body: RegistryChanges & { registrationId: string } }>(
      '/api/devices',
      {
        config: { role: 'operator' },
        schema: {
          body: querySchema({ registrationId: DEVICE_ID, ...REGISTRY_BODY }, ['registrationId']),
          response: { 201: DEVICE_RESPONSE },
        },
      },
      async (request, reply): Promise<Served<{ device: DeviceSummary }>> => {
        const { registrationId, ...fields } = request.body;
        await registry.create(registrationId, fields);
        await audit(request, 'device.create', registrationId, JSON.stringify(fields));
        return reply.code(201).send({ device: await summary(registrationId) });
      },
    );

    fastify.patch<{ Params: { id: string }; Body: RegistryChanges }>(
      '/api/devices/:id',
      {
        config: { role: 'operator' },
        schema: { params: DEVICE_PARAMS, body: querySchema(REGISTRY_BODY), response: { 200: DEVICE_RESPONSE } },
      },
      async (request): Promise<Served<{ device: DeviceSummary }>> => {
        const { id } = request.params;
        await registry.update(id, request.body);
        await audit(request, 'device.update', id, JSON.stringify(request.body));
        return { device: await summary(id) };
      },
    );

    fastify.delete<{ Params: { id: string } }>(
      '/api/devices/:id',
      { config: { role: 'admin' }, schema: { params: DEVICE_PARAMS } },
      async (request, reply) => {
        const { id } = request.params;
        await registry.remove(id);
        await audit(request, 'device.delete', id, 'deleted');
        return reply.code(204).send();
      },
    );

    fastify.get<{ Querystring: { format: ExportFormat } }>(
      '/api/registry/export',
      {
        config: { role: 'viewer' },
        schema: { querystring: querySchema({ format: { type: 'string', enum: ['csv', 'xlsx'] } }, ['format']) },
      },
      async (request, reply) => {
        const source = registrySource(registry);
        const out = new PassThrough();
        out.on('error', () => undefined);
        const writer = await tableWriter(request.query.format, out, source, 'devices');
        reply
          .header('content-type', writer.contentType)
          .header(
            'content-disposition',
            `attachment; filename="${exportFileName('devices', undefined, writer.extension, new Date())}"`,
          )
          .header('cache-control', 'no-store');
        runExport(source, writer).catch((err: unknown) =>
          out.destroy(err instanceof Error ? err : new Error(String(err))),
        );
        return reply.send(out);
      },
    );

    fastify.post<{ Body: { format: ExportFormat; content: string } }>(
      '/api/registry/import',
      {
        config: { role: 'admin' },
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          body: querySchema(
            {
              format: { type: 'string', enum: ['csv', 'xlsx'] },
              content: { type: 'string', maxLength: IMPORT_BODY_LIMIT },
            },
            ['format', 'content'],
          ),
          response: { 200: object({ created: { type: 'integer' } as never, updated: { type: 'integer' } as never }) },
        },
      },
      async (request) => {
        const { format, content } = request.body;
        const lines = format === 'csv' ? readCsv(content) : await readTable(content);
        const outcome = await registry.import(lines);
        if (!outcome.ok) {
          await audit(request, 'registry.import', null, `${outcome.errors.length} bad rows`, 'rejected');
          const details = outcome.errors.map((e) => `line ${e.line}: ${e.reason}`);
          throw new WebError(
            'IMPORT_INVALID',
            `${outcome.errors.length} rows are invalid; nothing was imported`,
            {},
            details,
          );
        }
        await audit(request, 'registry.import', null, `created ${outcome.created}, updated ${outcome.updated}`);
        return { created: outcome.created, updated: outcome.updated };
      },
    );
  };
}

async function readTable(base64: string) {
  try {
    return await readXlsx(Buffer.from(base64, 'base64'));
  } catch (err) {
    throw new WebError('BAD_REQUEST', `the file is not a readable XLSX workbook: ${(err as Error).message}`);
  }
}

/** The registry's own values (not points.yml's), so an export imports back unchanged. */
function registrySource(registry: RegistryService) {
  const columns = REGISTRY_COLUMNS.map((header) => ({
    header,
    width: header === 'registrationId' || header === 'name' ? 24 : 16,
    kind: header === 'latitude' || header === 'longitude' ? ('number' as const) : ('text' as const),
  }));
  async function* pages(): AsyncGenerator<Cell[][]> {
    const rows: Cell[][] = registry
      .entries()
      .map((e) => [
        e.registrationId,
        e.name,
        e.description,
        e.location,
        e.latitude,
        e.longitude,
        e.tags.join(', '),
        e.group,
        e.profileOverride,
        e.enabled ? 'true' : 'false',
        e.notes,
      ]);
    for (let i = 0; i < rows.length; i += 1000) yield rows.slice(i, i + 1000);
  }
  return { columns, pages };
}
