// Helpers for web API tests: users of each role with sessions and tokens, made through
// the running server's own stores (no scrypt per request), and request shortcuts.
import type { Harness } from './app-harness.js';
import { SESSION_COOKIE } from '../../src/web/auth/authenticator.js';
import type { Role } from '../../src/web/auth/roles.js';
import { hashPassword } from '../../src/web/auth/passwords.js';
import { newTokenSecret, tokenDigest } from '../../src/web/auth/tokens.js';
import type { WebServer } from '../../src/web/web-server.js';

export function webOf(h: Harness): WebServer {
  if (!h.app.web) throw new Error('web server disabled');
  return h.app.web;
}

export interface Caller {
  readonly role: Role;
  readonly username: string;
  readonly password: string;
  /** `cookie` header value of a logged-in session. */
  readonly cookie: string;
  /** `authorization` header value of an API token with this role. */
  readonly bearer: string;
}

/** Creates a user and a token of `role` and opens a session for the user. */
export async function caller(h: Harness, role: Role, username = `${role}-user`): Promise<Caller> {
  const { ctx } = webOf(h);
  const password = `${role}-password-123`;
  const now = Date.now();
  await ctx.accounts.createUser({
    username,
    role,
    passwordHash: await hashPassword(password),
    createdAt: now,
    updatedAt: now,
  });
  const secret = newTokenSecret();
  await ctx.accounts.createToken({
    name: `${username}-token`,
    digest: tokenDigest(secret),
    role,
    createdBy: 'test',
    at: now,
    expiresAt: null,
  });
  const session = ctx.sessions.create(username, role);
  return { role, username, password, cookie: `${SESSION_COOKIE}=${session.id}`, bearer: `Bearer ${secret}` };
}

export async function callers(h: Harness): Promise<Record<Role, Caller>> {
  return {
    viewer: await caller(h, 'viewer'),
    operator: await caller(h, 'operator'),
    admin: await caller(h, 'admin', 'second-admin'),
  };
}

/** GET /api/channels as `who`, the outbound channel named `name` (as the UI sees it). */
export async function channelStatus(h: Harness, who: Caller, name: string): Promise<Record<string, any>> {
  const res = await fetch(`${h.webUrl()}/api/channels`, { headers: { cookie: who.cookie } });
  if (res.status !== 200) throw new Error(`GET /api/channels: ${res.status}`);
  const channel = ((await res.json()) as { items: Record<string, any>[] }).items.find((c) => c.name === name);
  if (!channel) throw new Error(`no channel ${name} in GET /api/channels`);
  return channel;
}
