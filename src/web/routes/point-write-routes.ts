// Writes by point name in engineering units (issue 19), beside the raw register write:
//   GET  /api/devices/:id/writable-points      the points and whether each can be written by name
//   POST /api/devices/:id/points/:point/write  {value, dryRun?} → registers, sent, read back
// A dry run only checks and encodes (the UI's confirm dialog shows the registers); a real
// write is audited like a raw one, with the point, value and read-back in the details.
import type { FastifyInstance } from 'fastify';
import type { PointWriteOutcome, WriteOutcome } from '../../services/index.js';
import { principalOf } from '../auth/request-guard.js';
import { actorName } from '../auth/roles.js';
import { WebError } from '../errors.js';
import type { WebContext } from '../web-context.js';
import { POINT_WRITE_RESULT, WRITABLE_POINT } from './point-write-schemas.js';
import { list } from './response-schemas.js';
import { DEVICE_PARAMS } from './schemas.js';
import { verdict } from './write-routes.js';

const BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['value'],
  properties: { value: { anyOf: [{ type: 'number' }, { type: 'boolean' }] }, dryRun: { type: 'boolean' } },
} as const;

const PARAMS = {
  type: 'object',
  required: ['id', 'point'],
  properties: { ...DEVICE_PARAMS.properties, point: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

function details(outcome: Exclude<PointWriteOutcome<WriteOutcome>, { kind: 'refused' }>): string {
  const unit = outcome.unit ? ` ${outcome.unit}` : '';
  const plc = outcome.plc ? `; ${outcome.plc.address} (${outcome.plc.type}) ← ${String(outcome.plc.value)}` : '';
  const asked = `${outcome.point} = ${String(outcome.value)}${unit}${plc}`;
  if (outcome.kind !== 'written') return asked;
  const back = 'error' in outcome.readBack ? outcome.readBack.error : `${outcome.readBack.value}${unit}`;
  return `${asked}; read back ${back}`;
}

export function pointWriteRoutes(ctx: WebContext) {
  return async (fastify: FastifyInstance) => {
    fastify.get<{ Params: { id: string } }>(
      '/api/devices/:id/writable-points',
      { config: { role: 'operator' }, schema: { params: DEVICE_PARAMS, response: { 200: list(WRITABLE_POINT) } } },
      async (request) => ({ items: await ctx.services.writes.points(request.params.id) }),
    );

    fastify.post<{ Params: { id: string; point: string }; Body: { value: number | boolean; dryRun?: boolean } }>(
      '/api/devices/:id/points/:point/write',
      { config: { role: 'operator' }, schema: { params: PARAMS, body: BODY, response: { 200: POINT_WRITE_RESULT } } },
      async (request) => {
        const { id: deviceId, point } = request.params;
        const { value, dryRun } = request.body;
        const outcome = await ctx.services.writes.writePoint(deviceId, { point, value, dryRun: dryRun === true });
        if (outcome.kind === 'refused') throw new WebError('WRITE_REFUSED', outcome.problem.message);
        const { command, registers, plc } = outcome;
        const reply = {
          point: outcome.point,
          unit: outcome.unit,
          value: outcome.value,
          stored: outcome.stored,
          ...(command ? { slave: command.slave, fn: command.fn, address: command.address } : {}),
          registers: [...registers],
          ...(plc ? { plc } : {}),
        };
        if (outcome.kind === 'planned') return { result: 'planned' as const, ...reply };
        const failure = outcome.kind === 'failed' ? verdict(outcome.failure, deviceId) : null;
        await ctx.audit.record({
          actor: actorName(principalOf(request)),
          ip: request.ip,
          action: 'write',
          device: deviceId,
          ...(command
            ? {
                slave: command.slave,
                fn: command.fn,
                address: command.address,
                values: 'values' in command ? [...command.values] : [command.value],
              }
            : { values: plc ? [plc.value] : [] }),
          result: failure?.result ?? 'ok',
          details: details(outcome),
        });
        if (outcome.kind === 'failed') throw failure?.error ?? new WebError('INTERNAL');
        return { result: 'ok' as const, ...reply, at: outcome.at, readBack: outcome.readBack };
      },
    );
  };
}
