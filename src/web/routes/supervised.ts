// Start/stop/restart of a listener, an outbound channel or a sink, recorded in the audit log: the
// outcome whatever it is, except for a name that does not exist (nothing was attempted).
import type { FastifyRequest } from 'fastify';
import { ServiceError, type SupervisionAction } from '../../services/index.js';
import { principalOf } from '../auth/request-guard.js';
import { actorName } from '../auth/roles.js';
import type { WebContext } from '../web-context.js';

export function supervised<T>(
  ctx: WebContext,
  kind: 'listener' | 'channel' | 'sink',
  run: (name: string, action: SupervisionAction) => Promise<T>,
) {
  return async (request: FastifyRequest, name: string, action: SupervisionAction): Promise<T> => {
    const audit = (result: string, details: string) =>
      ctx.audit.record({
        actor: actorName(principalOf(request)),
        ip: request.ip,
        action: `${kind}.${action}`,
        result,
        details,
      });
    let status: T;
    try {
      status = await run(name, action);
    } catch (err) {
      if (err instanceof ServiceError && err.code.endsWith('_FAILED')) await audit('failed', `${name}: ${err.message}`);
      throw err;
    }
    await audit('ok', name);
    ctx.log.info({ [kind]: name, action }, `${kind} control`);
    return status;
  };
}
