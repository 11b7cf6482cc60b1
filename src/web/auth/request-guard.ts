// The one place that decides whether a request may proceed: the Origin check for requests
// that change state (and WebSocket upgrades), then authentication and the route's role.
// Every route declares `config.role`; a route that forgets is treated as admin-only.
import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { WebError } from '../errors.js';
import type { Authenticator } from './authenticator.js';
import { SESSION_COOKIE } from './authenticator.js';
import { roleAllows, type Principal, type Role } from './roles.js';

export type RouteRole = Role | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    role?: RouteRole;
    /** Open to a session that must change its generated password first (me, logout, the change). */
    beforePasswordChange?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Cross-site requests carry an Origin whose host differs from the Host they were sent to. */
export function originMatchesHost(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

export function requestGuard(auth: Authenticator) {
  return async (request: FastifyRequest): Promise<void> => {
    const upgrade = (request.headers.upgrade ?? '').toLowerCase() === 'websocket';
    if (
      (upgrade || !SAFE_METHODS.has(request.method)) &&
      !originMatchesHost(request.headers.origin, request.headers.host)
    ) {
      throw new WebError('ORIGIN_REFUSED');
    }
    if (request.is404) return;
    const needed = request.routeOptions.config.role ?? 'admin';
    request.principal = await auth.principal({
      authorization: request.headers.authorization,
      sessionId: request.cookies[SESSION_COOKIE],
    });
    if (needed === 'public') return;
    if (!request.principal) throw new WebError('AUTH_REQUIRED');
    if (request.principal.mustChangePassword && !request.routeOptions.config.beforePasswordChange)
      throw new WebError('PASSWORD_CHANGE_REQUIRED');
    if (!roleAllows(request.principal.role, needed)) throw new WebError('FORBIDDEN', `this needs the ${needed} role`);
  };
}

/** The authenticated caller of a route that is not public. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new WebError('AUTH_REQUIRED');
  return request.principal;
}
