// Users and API tokens (admin only).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TokenRecord, UserRecord } from '../../storage/index.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords.js';
import { principalOf } from '../auth/request-guard.js';
import { actorName, type Role } from '../auth/roles.js';
import { newTokenSecret, tokenDigest } from '../auth/tokens.js';
import { WebError } from '../errors.js';
import { list, object, str, TOKEN, USER } from './response-schemas.js';
import type { WebContext } from '../web-context.js';
import { querySchema, ROLE, USERNAME } from './schemas.js';

const PASSWORD = { type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 } as const;
const DAY_MS = 86_400_000;
const admin = { role: 'admin' } as const;

function publicUser(u: UserRecord) {
  return { username: u.username, role: u.role, createdAt: u.createdAt, updatedAt: u.updatedAt };
}

function publicToken(t: TokenRecord) {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    createdBy: t.createdBy,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    expiresAt: t.expiresAt,
  };
}

export function userRoutes(ctx: WebContext) {
  const audit = (request: FastifyRequest, action: string, details: string, result = 'ok') =>
    ctx.audit.record({ actor: actorName(principalOf(request)), ip: request.ip, action, result, details });

  /** The last admin may not be removed or demoted: nobody could manage users any more. */
  async function keepsAnAdmin(user: UserRecord, newRole: Role | null): Promise<void> {
    if (user.role === 'admin' && newRole !== 'admin' && (await ctx.accounts.countAdmins()) <= 1)
      throw new WebError('LAST_ADMIN');
  }

  return async (app: FastifyInstance) => {
    app.get(
      '/api/users',
      { config: admin, schema: { querystring: querySchema({}), response: { 200: list(USER) } } },
      async () => ({
        items: (await ctx.accounts.users()).map(publicUser),
      }),
    );

    app.post<{ Body: { username: string; password: string; role: Role } }>(
      '/api/users',
      {
        config: admin,
        schema: {
          body: querySchema({ username: USERNAME, password: PASSWORD, role: ROLE }, ['username', 'password', 'role']),
          response: { 201: object({ user: USER }) },
        },
      },
      async (request, reply) => {
        const { username, password, role } = request.body;
        const now = Date.now();
        const user: UserRecord = {
          username,
          role,
          passwordHash: await hashPassword(password),
          createdAt: now,
          updatedAt: now,
        };
        if (!(await ctx.accounts.createUser(user))) throw new WebError('USER_EXISTS', `user ${username} exists`);
        await audit(request, 'user.create', `${username} (${role})`);
        return reply.code(201).send({ user: publicUser(user) });
      },
    );

    app.patch<{ Params: { username: string }; Body: { role?: Role; password?: string } }>(
      '/api/users/:username',
      {
        config: admin,
        schema: {
          params: querySchema({ username: USERNAME }, ['username']),
          body: { ...querySchema({ role: ROLE, password: PASSWORD }), minProperties: 1 },
          response: { 200: object({ user: USER }) },
        },
      },
      async (request) => {
        const { username } = request.params;
        const user = await ctx.accounts.user(username);
        if (!user) throw new WebError('USER_NOT_FOUND', `no user ${username}`);
        const { role, password } = request.body;
        if (role !== undefined) await keepsAnAdmin(user, role);
        const changes = {
          at: Date.now(),
          ...(role !== undefined ? { role } : {}),
          ...(password !== undefined ? { passwordHash: await hashPassword(password) } : {}),
        };
        await ctx.accounts.updateUser(username, changes);
        if (role !== undefined) ctx.sessions.setRole(username, role);
        await audit(
          request,
          'user.update',
          [role !== undefined ? `role ${role}` : '', password !== undefined ? 'password' : '']
            .filter(Boolean)
            .join(', '),
        );
        return { user: publicUser((await ctx.accounts.user(username))!) };
      },
    );

    app.delete<{ Params: { username: string } }>(
      '/api/users/:username',
      { config: admin, schema: { params: querySchema({ username: USERNAME }, ['username']) } },
      async (request, reply) => {
        const { username } = request.params;
        const user = await ctx.accounts.user(username);
        if (!user) throw new WebError('USER_NOT_FOUND', `no user ${username}`);
        await keepsAnAdmin(user, null);
        await ctx.accounts.deleteUser(username);
        ctx.sessions.deleteUser(username);
        await audit(request, 'user.delete', username);
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/tokens',
      { config: admin, schema: { querystring: querySchema({}), response: { 200: list(TOKEN) } } },
      async () => ({
        items: (await ctx.accounts.tokens()).map(publicToken),
      }),
    );

    app.post<{ Body: { name: string; role: Role; expiresInDays?: number } }>(
      '/api/tokens',
      {
        config: admin,
        schema: {
          body: querySchema(
            {
              name: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f\\u007f]+$' },
              role: ROLE,
              expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 },
            },
            ['name', 'role'],
          ),
          response: { 201: object({ token: TOKEN, secret: str }) },
        },
      },
      async (request, reply) => {
        const { name, role, expiresInDays } = request.body;
        const secret = newTokenSecret();
        const now = Date.now();
        const token = await ctx.accounts.createToken({
          name,
          role,
          digest: tokenDigest(secret),
          createdBy: actorName(principalOf(request)),
          at: now,
          expiresAt: expiresInDays ? now + expiresInDays * DAY_MS : null,
        });
        await audit(request, 'token.create', `${name} (${role})`);
        return reply.code(201).send({ token: publicToken(token), secret });
      },
    );

    app.delete<{ Params: { id: number } }>(
      '/api/tokens/:id',
      { config: admin, schema: { params: querySchema({ id: { type: 'integer', minimum: 1 } }, ['id']) } },
      async (request, reply) => {
        if (!(await ctx.accounts.deleteToken(request.params.id)))
          throw new WebError('TOKEN_NOT_FOUND', `no token ${request.params.id}`);
        await audit(request, 'token.delete', String(request.params.id));
        return reply.code(204).send();
      },
    );
  };
}
