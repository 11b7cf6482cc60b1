// Authentication over real HTTP on 127.0.0.1: the session cookie's attributes, logout,
// API tokens, brute-force lockout, the Origin check and user management rules.
import { afterEach, describe, expect, it } from 'vitest';
import {
  removeDir,
  startApp,
  TEST_ADMIN_PASSWORD,
  type Harness,
  type HarnessOptions,
} from '../../helpers/app-harness.js';

let h: Harness | null = null;

afterEach(async () => {
  await h?.stop();
  if (h) removeDir(h.dir);
  h = null;
});

async function boot(options: HarnessOptions = {}): Promise<Harness> {
  h = await startApp(options);
  return h;
}

function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function login(base: string, username: string, password: string): Promise<string> {
  const res = await post(base, '/api/login', { username, password });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

describe('web authentication', () => {
  it('logs in with an HttpOnly SameSite=Strict session cookie, and logs out', async () => {
    const base = (await boot()).webUrl();
    const res = await post(base, '/api/login', { username: 'admin', password: TEST_ADMIN_PASSWORD });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { username: 'admin', role: 'admin', mustChangePassword: false } });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^dtuhub_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure');
    const cookie = setCookie.split(';')[0]!;

    const me = await fetch(`${base}/api/me`, { headers: { cookie } });
    expect(await me.json()).toEqual({ username: 'admin', role: 'admin', via: 'session', mustChangePassword: false });

    const out = await fetch(`${base}/api/logout`, { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/dtuhub_session=;/);
    const after = await fetch(`${base}/api/me`, { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: { code: 'AUTH_REQUIRED' } });
  });

  it('refuses a wrong password, then locks the user and address out even for the right one', async () => {
    const base = (await boot({ server: (s) => (s.web.lockout = { maxFailures: 3, duration: '10m' }) })).webUrl();
    for (let i = 0; i < 2; i++) {
      const res = await post(base, '/api/login', { username: 'admin', password: 'wrong-password' });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'AUTH_INVALID_CREDENTIALS' } });
    }
    const third = await post(base, '/api/login', { username: 'admin', password: 'wrong-password' });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(590);
    const right = await post(base, '/api/login', { username: 'admin', password: TEST_ADMIN_PASSWORD });
    expect(right.status).toBe(429);
    expect(await right.json()).toMatchObject({ error: { code: 'AUTH_LOCKED_OUT' } });
    // Failed logins are audited.
    const rows = await h!.app.web!.ctx.accounts.auditLog({ action: 'login.failed' });
    expect(rows.map((r) => r.result)).toEqual(['locked', 'refused', 'refused']);
  });

  it('refuses a cross-site request by its Origin and accepts a same-origin one', async () => {
    const base = (await boot()).webUrl();
    const host = new URL(base).host;
    const evil = await post(
      base,
      '/api/login',
      { username: 'admin', password: TEST_ADMIN_PASSWORD },
      { origin: 'http://evil.example' },
    );
    expect(evil.status).toBe(403);
    expect(await evil.json()).toMatchObject({ error: { code: 'ORIGIN_REFUSED' } });
    const same = await post(
      base,
      '/api/login',
      { username: 'admin', password: TEST_ADMIN_PASSWORD },
      { origin: `http://${host}` },
    );
    expect(same.status).toBe(200);
  });

  it('lets an admin manage users and tokens, and never removes the last admin', async () => {
    const base = (await boot()).webUrl();
    const admin = await login(base, 'admin', TEST_ADMIN_PASSWORD);
    const created = await post(
      base,
      '/api/users',
      { username: 'op', password: 'operator-pass', role: 'operator' },
      { cookie: admin },
    );
    expect(created.status).toBe(201);
    const dup = await post(
      base,
      '/api/users',
      { username: 'op', password: 'operator-pass', role: 'viewer' },
      { cookie: admin },
    );
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ error: { code: 'USER_EXISTS' } });
    const short = await post(
      base,
      '/api/users',
      { username: 'x', password: 'short', role: 'viewer' },
      { cookie: admin },
    );
    expect(short.status).toBe(400);
    expect(await short.json()).toMatchObject({
      error: { code: 'BAD_REQUEST', details: [expect.stringContaining('password')] },
    });

    const op = await login(base, 'op', 'operator-pass');
    expect(await (await fetch(`${base}/api/me`, { headers: { cookie: op } })).json()).toMatchObject({
      role: 'operator',
    });
    // A role change applies to the open session at once.
    const demote = await fetch(`${base}/api/users/op`, {
      method: 'PATCH',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: '{"role":"viewer"}',
    });
    expect(demote.status).toBe(200);
    expect(await (await fetch(`${base}/api/me`, { headers: { cookie: op } })).json()).toMatchObject({ role: 'viewer' });

    const last = await fetch(`${base}/api/users/admin`, { method: 'DELETE', headers: { cookie: admin } });
    expect(last.status).toBe(409);
    expect(await last.json()).toMatchObject({ error: { code: 'LAST_ADMIN' } });

    const tokenRes = await post(
      base,
      '/api/tokens',
      { name: 'grafana', role: 'viewer', expiresInDays: 30 },
      { cookie: admin },
    );
    expect(tokenRes.status).toBe(201);
    const { token, secret } = (await tokenRes.json()) as { token: { id: number; role: string }; secret: string };
    expect(secret).toMatch(/^dth_/);
    const viaToken = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(await viaToken.json()).toEqual({
      username: 'grafana',
      role: 'viewer',
      via: 'token',
      mustChangePassword: false,
    });
    const listed = (await (await fetch(`${base}/api/tokens`, { headers: { cookie: admin } })).json()) as {
      items: Record<string, unknown>[];
    };
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed.items[0]).toMatchObject({
      id: token.id,
      name: 'grafana',
      createdBy: 'admin',
      lastUsedAt: expect.any(Number),
    });
    expect(
      (await fetch(`${base}/api/tokens/${token.id}`, { method: 'DELETE', headers: { cookie: admin } })).status,
    ).toBe(204);
    expect((await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);

    const deleted = await fetch(`${base}/api/users/op`, { method: 'DELETE', headers: { cookie: admin } });
    expect(deleted.status).toBe(204);
    expect((await fetch(`${base}/api/me`, { headers: { cookie: op } })).status).toBe(401);
    const actions = (await h!.app.web!.ctx.accounts.auditLog({ order: 'asc' })).map((r) => r.action);
    expect(actions).toEqual([
      'login',
      'user.create',
      'login',
      'user.update',
      'token.create',
      'token.delete',
      'user.delete',
    ]);
  });

  it('answers malformed JSON with BAD_REQUEST in the catalogue shape', async () => {
    const base = (await boot()).webUrl();
    const res = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
  });
});
