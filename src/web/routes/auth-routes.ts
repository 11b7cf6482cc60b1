// Health (public), login, logout, "who am I" and changing one's own password.
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../auth/authenticator.js';
import { removeInitialPassword } from '../auth/initial-password.js';
import { hashPassword, MIN_PASSWORD_LENGTH, UNUSABLE_HASH, verifyPassword } from '../auth/passwords.js';
import { principalOf } from '../auth/request-guard.js';
import { actorName } from '../auth/roles.js';
import { WebError } from '../errors.js';
import { bool, int, object, str } from './response-schemas.js';
import type { WebContext } from '../web-context.js';
import { querySchema } from './schemas.js';

interface LoginBody {
  username: string;
  password: string;
}

export function authRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/health',
      {
        config: { role: 'public' },
        schema: {
          querystring: querySchema({}),
          response: { 200: object({ status: str, uptimeMs: int, version: str }) },
        },
      },
      async () => ({
        status: 'ok',
        uptimeMs: Date.now() - ctx.startedAt,
        version: ctx.version,
      }),
    );

    app.post<{ Body: LoginBody }>(
      '/api/login',
      {
        config: { role: 'public' },
        schema: {
          body: querySchema(
            {
              username: { type: 'string', minLength: 1, maxLength: 64 },
              password: { type: 'string', minLength: 1, maxLength: 1024 },
            },
            ['username', 'password'],
          ),
          response: { 200: object({ user: object({ username: str, role: str, mustChangePassword: bool }) }) },
        },
      },
      async (request, reply) => {
        const { username, password } = request.body;
        const ip = request.ip;
        const waitMs = ctx.lockout.retryAfterMs(username, ip);
        if (waitMs > 0) throw lockedOut(waitMs);
        // A database that is not ready answers 503 here, before anything counts as a failed login.
        await ctx.accountsReady();
        const user = await ctx.accounts.user(username);
        // Verify against a dummy hash for unknown users: the answer takes as long either way.
        const ok = await verifyPassword(password, user?.passwordHash ?? UNUSABLE_HASH);
        if (!user || !ok) {
          const locked = ctx.lockout.fail(username, ip);
          await ctx.audit.record({
            actor: username,
            ip,
            action: 'login.failed',
            result: locked ? 'locked' : 'refused',
          });
          if (locked) throw lockedOut(ctx.lockout.retryAfterMs(username, ip));
          throw new WebError('AUTH_INVALID_CREDENTIALS');
        }
        ctx.lockout.succeed(username, ip);
        const mustChangePassword = user.mustChangePassword === true;
        const session = ctx.sessions.create(user.username, user.role, mustChangePassword);
        await ctx.audit.record({ actor: user.username, ip, action: 'login', result: 'ok' });
        reply.setCookie(SESSION_COOKIE, session.id, {
          httpOnly: true,
          sameSite: 'strict',
          secure: ctx.web.secureCookies,
          path: '/',
          maxAge: Math.floor(ctx.web.sessionTtlMs / 1000),
        });
        return { user: { username: user.username, role: user.role, mustChangePassword } };
      },
    );

    app.post(
      '/api/logout',
      { config: { role: 'public' }, schema: { querystring: querySchema({}) } },
      async (request, reply) => {
        if (request.principal?.via === 'session') ctx.sessions.delete(request.principal.credentialId);
        reply.clearCookie(SESSION_COOKIE, {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure: ctx.web.secureCookies,
        });
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/me',
      {
        config: { role: 'viewer', beforePasswordChange: true },
        schema: {
          querystring: querySchema({}),
          response: { 200: object({ username: str, role: str, via: str, mustChangePassword: bool }) },
        },
      },
      async (request) => {
        const p = request.principal!;
        return { username: p.username, role: p.role, via: p.via, mustChangePassword: p.mustChangePassword === true };
      },
    );

    // One's own password, with the current one as proof (a session left open on a shared
    // screen must not be enough). Tokens have no password: a session only.
    app.post<{ Body: { currentPassword: string; newPassword: string } }>(
      '/api/me/password',
      {
        config: { role: 'viewer', beforePasswordChange: true },
        schema: {
          body: querySchema(
            {
              currentPassword: { type: 'string', minLength: 1, maxLength: 1024 },
              newPassword: { type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 },
            },
            ['currentPassword', 'newPassword'],
          ),
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        if (principal.via !== 'session') throw new WebError('FORBIDDEN', 'an API token has no password to change');
        const { currentPassword, newPassword } = request.body;
        const { username } = principal;
        const ip = request.ip;
        const waitMs = ctx.lockout.retryAfterMs(username, ip);
        if (waitMs > 0) throw lockedOut(waitMs);
        const user = await ctx.accounts.user(username);
        if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) {
          // Counts like a failed login: guessing through an open session is no easier.
          ctx.lockout.fail(username, ip);
          await ctx.audit.record({ actor: username, ip, action: 'password.change', result: 'refused' });
          throw new WebError('WRONG_PASSWORD');
        }
        if (newPassword === currentPassword)
          throw new WebError('BAD_REQUEST', 'newPassword: must differ from the current password');
        const hash = await hashPassword(newPassword);
        await ctx.accounts.updateUser(username, { passwordHash: hash, mustChangePassword: false, at: Date.now() });
        ctx.sessions.passwordChanged(username, principal.credentialId);
        // The generated password in the file is no longer valid: delete the file.
        if (user.mustChangePassword) removeInitialPassword(ctx.initialPasswordFile);
        await ctx.audit.record({ actor: actorName(principal), ip, action: 'password.change', result: 'ok' });
        return reply.code(204).send();
      },
    );
  };
}

function lockedOut(waitMs: number): WebError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new WebError('AUTH_LOCKED_OUT', `too many failed logins; try again in ${seconds} s`, {
    'retry-after': String(seconds),
  });
}
