// POST /api/devices/:id/write — one Modbus write (fc 05/06/15/16) through the device's
// request queue (a DTU session's or a Modbus TCP channel's), for operators, recorded in
// the audit log whatever the outcome.
import type { FastifyInstance } from 'fastify';
import type { WriteCommand, WriteOutcome } from '../../services/index.js';
import { principalOf } from '../auth/request-guard.js';
import { actorName } from '../auth/roles.js';
import { WebError } from '../errors.js';
import { int, object, str } from './response-schemas.js';
import type { WebContext } from '../web-context.js';
import { DEVICE_PARAMS } from './schemas.js';
import { explainWrite, WRITE_BODY_SCHEMA, type WriteBody } from './write-body.js';

/** A refused body as one line per wrong field; ajv's own errors when the explanation finds none. */
function refusedBody(body: unknown, fallback: Error): WebError {
  const problems = explainWrite(body);
  if (problems.length === 0) return new WebError('BAD_REQUEST', fallback.message);
  const lines = problems.map((p) => `${p.field}: ${p.message}`);
  return new WebError('BAD_REQUEST', lines.join('; '), {}, lines);
}

function toCommand(body: WriteBody): WriteCommand {
  return body.fn === 5 || body.fn === 6
    ? ({ fn: body.fn, slave: body.slave, address: body.address, value: body.value } as WriteCommand)
    : ({ fn: body.fn, slave: body.slave, address: body.address, values: body.values } as WriteCommand);
}

/** The audit result and, for failures, the error the caller gets. */
export function verdict(outcome: WriteOutcome, deviceId: string): { result: string; error: WebError | null } {
  switch (outcome.kind) {
    case 'ok':
      return { result: 'ok', error: null };
    case 'not-online':
      return { result: 'not-online', error: new WebError('DEVICE_NOT_ONLINE', `device ${deviceId} is not online`) };
    case 'exception':
      return {
        result: `exception ${outcome.code}`,
        error: new WebError('MODBUS_EXCEPTION', `the slave answered exception ${outcome.code} (${outcome.name})`),
      };
    case 'timeout':
      return {
        result: 'timeout',
        error: new WebError('MODBUS_TIMEOUT', `no answer after ${outcome.attempts} attempt(s)`),
      };
    case 'bad-response':
      return { result: 'bad-response', error: new WebError('MODBUS_FAILED', 'the answer did not match the request') };
    case 'closed':
      return { result: 'closed', error: new WebError('MODBUS_FAILED', 'the device disconnected before answering') };
    case 'refused':
      return { result: 'refused', error: new WebError('DEVICE_REFUSED', outcome.message) };
  }
}

export function writeRoutes(ctx: WebContext) {
  return async (fastify: FastifyInstance) => {
    fastify.post<{ Params: { id: string }; Body: WriteBody }>(
      '/api/devices/:id/write',
      {
        config: { role: 'operator' },
        attachValidation: true,
        schema: { params: DEVICE_PARAMS, body: WRITE_BODY_SCHEMA, response: { 200: object({ result: str, at: int }) } },
      },
      async (request) => {
        const invalid = request.validationError;
        if (invalid) throw invalid.validationContext === 'body' ? refusedBody(request.body, invalid) : invalid;
        const { id: deviceId } = request.params;
        const body = request.body;
        const entry = {
          actor: actorName(principalOf(request)),
          ip: request.ip,
          action: 'write',
          device: deviceId,
          slave: body.slave,
          fn: body.fn,
          address: body.address,
          values: 'values' in body ? body.values : [body.value],
        };
        const outcome = await ctx.services.writes.write(deviceId, toCommand(body));
        const { result, error } = verdict(outcome, deviceId);
        await ctx.audit.record({ ...entry, result });
        if (outcome.kind === 'ok') return { result: 'ok', at: outcome.at };
        throw error ?? new WebError('INTERNAL');
      },
    );
  };
}
