// Every route × every role through fastify inject against the running app: 401 without
// credentials, 403 for a role too low, and success for the role the route needs (by
// session cookie and by API token).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { removeDir, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import { callers, webOf, type Caller } from '../../helpers/web.js';
import { SimulatedDtu } from '../../../src/simulator/index.js';
import type { Role } from '../../../src/web/auth/roles.js';
import { startReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { endpoint } from '../events/rules-fixture.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RouteCase {
  method: Method;
  url: string | (() => string);
  role: Role;
  body?: () => unknown;
  ok: number;
  /** The registered path, where `url` is generated. */
  route?: string;
}

const DEVICE = 'DTU-ROLES';
const spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-route-roles-'));
let userSeq = 0;
let h: Harness;
let sim: SimulatedDtu;
let who: Record<Role, Caller>;
/** Always answers 500, so the online event's delivery becomes a dead letter to replay. */
let failing: WebhookReceiver;
let deadLetter = '';

/** Each successful DELETE needs a fresh victim, made just before the call. */
const victims: string[] = [];
const tokens: number[] = [];
const devices: string[] = [];

const ROUTES: RouteCase[] = [
  { method: 'GET', url: '/api/me', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/devices', role: 'viewer', ok: 200 },
  { method: 'GET', url: `/api/devices/${DEVICE}`, role: 'viewer', ok: 200 },
  { method: 'GET', url: `/api/devices/${DEVICE}/latest`, role: 'viewer', ok: 200 },
  { method: 'GET', url: `/api/devices/${DEVICE}/data`, role: 'viewer', ok: 200 },
  {
    method: 'GET',
    url: `/api/devices/${DEVICE}/series?points=temperature&from=0&to=${Date.now() + 60_000}`,
    role: 'viewer',
    ok: 200,
  },
  { method: 'GET', url: '/api/connections', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/heartbeats', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/packets', role: 'viewer', ok: 200 },
  { method: 'GET', url: `/api/export/data?format=csv&device=${DEVICE}`, role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/export/connections?format=xlsx', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/export/packets?format=csv', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/fleet/latest?profile=th-station', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/fleet/export?format=csv&profile=th-station', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/status', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/listeners', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/channels', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/config', role: 'operator', ok: 200 },
  { method: 'GET', url: '/api/config/reload', role: 'viewer', ok: 200 },
  { method: 'POST', url: '/api/config/reload', role: 'admin', ok: 200 },
  {
    method: 'POST',
    url: `/api/devices/${DEVICE}/write`,
    role: 'operator',
    body: () => ({ slave: 1, fn: 6, address: 100, value: 7 }),
    ok: 200,
  },
  { method: 'GET', url: `/api/devices/${DEVICE}/writable-points`, role: 'operator', ok: 200 },
  {
    method: 'POST',
    url: `/api/devices/${DEVICE}/points/temperature/write`,
    route: '/api/devices/:id/points/:point/write',
    role: 'operator',
    body: () => ({ value: 25.5, dryRun: true }),
    ok: 200,
  },
  {
    method: 'POST',
    url: '/api/devices',
    role: 'operator',
    body: () => ({ registrationId: `PRE-${++userSeq}`, name: 'Pre-registered' }),
    ok: 201,
  },
  { method: 'PATCH', url: `/api/devices/${DEVICE}`, role: 'operator', body: () => ({ group: 'roles' }), ok: 200 },
  { method: 'DELETE', url: () => `/api/devices/${devices.shift()}`, role: 'admin', ok: 204 },
  { method: 'GET', url: '/api/registry/export?format=csv', role: 'viewer', ok: 200 },
  {
    method: 'POST',
    url: '/api/registry/import',
    role: 'admin',
    body: () => ({ format: 'csv', content: 'registrationId,group\r\nIMPORTED-1,imported\r\n' }),
    ok: 200,
  },
  { method: 'GET', url: '/api/audit', role: 'admin', ok: 200 },
  { method: 'GET', url: '/api/users', role: 'admin', ok: 200 },
  {
    method: 'POST',
    url: '/api/users',
    role: 'admin',
    body: () => ({ username: `made-${++userSeq}`, password: 'a-long-password', role: 'viewer' }),
    ok: 201,
  },
  { method: 'PATCH', url: '/api/users/viewer-user', role: 'admin', body: () => ({ role: 'viewer' }), ok: 200 },
  { method: 'DELETE', url: () => `/api/users/${victims.shift()}`, role: 'admin', ok: 204 },
  { method: 'GET', url: '/api/tokens', role: 'admin', ok: 200 },
  { method: 'POST', url: '/api/tokens', role: 'admin', body: () => ({ name: 'script', role: 'viewer' }), ok: 201 },
  { method: 'DELETE', url: () => `/api/tokens/${tokens.shift()}`, role: 'admin', ok: 204 },
  { method: 'POST', url: '/api/listeners/typed/stop', role: 'admin', ok: 200 },
  { method: 'POST', url: '/api/listeners/typed/start', role: 'admin', ok: 200 },
  { method: 'POST', url: '/api/listeners/typed/restart', role: 'admin', ok: 200 },
  { method: 'POST', url: '/api/channels/idle/start', role: 'admin', ok: 200 },
  { method: 'POST', url: '/api/channels/idle/restart', role: 'admin', ok: 200 },
  { method: 'POST', url: '/api/channels/idle/stop', role: 'admin', ok: 200 },
  { method: 'GET', url: '/api/events', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/rules', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/webhooks', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/webhooks/deliveries', role: 'operator', ok: 200 },
  { method: 'GET', url: '/api/webhooks/dead-letters', role: 'operator', ok: 200 },
  {
    method: 'POST',
    url: () => `/api/webhooks/deliveries/${deadLetter}/retry`,
    route: '/api/webhooks/deliveries/:id/retry',
    role: 'operator',
    ok: 200,
  },
  { method: 'POST', url: '/api/webhooks/ops/test', role: 'operator', ok: 200 },
  { method: 'GET', url: '/api/notifiers', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/sinks', role: 'viewer', ok: 200 },
  { method: 'POST', url: '/api/sinks/idle-sink/start', route: '/api/sinks/:name/start', role: 'admin', ok: 200 },
  { method: 'POST', url: '/api/sinks/idle-sink/restart', route: '/api/sinks/:name/restart', role: 'admin', ok: 200 },
  { method: 'POST', url: '/api/sinks/idle-sink/stop', route: '/api/sinks/:name/stop', role: 'admin', ok: 200 },
  { method: 'GET', url: '/api/alarms', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/alarms/open', role: 'viewer', ok: 200 },
  { method: 'GET', url: '/api/alarms/summary', role: 'viewer', ok: 200 },
  {
    method: 'POST',
    url: '/api/alarms/acknowledge',
    role: 'operator',
    body: () => ({ ids: ['no-such-alarm'], comment: 'roles test' }),
    ok: 200,
  },
  { method: 'GET', url: '/api/config/files/points.yml', route: '/api/config/files/:file', role: 'admin', ok: 200 },
  {
    method: 'POST',
    url: '/api/config/files/points.yml/check',
    route: '/api/config/files/:file/check',
    role: 'admin',
    body: () => ({ edits: [{ path: ['version'], value: 1 }] }),
    ok: 200,
  },
  {
    method: 'PUT',
    url: '/api/config/files/points.yml',
    route: '/api/config/files/:file',
    role: 'admin',
    body: () => ({ edits: [{ path: ['profiles', 'th-station', 'description'], value: `edit ${++userSeq}` }] }),
    ok: 200,
  },
  { method: 'GET', url: '/api/config/versions', role: 'admin', ok: 200 },
  { method: 'GET', url: '/api/config/versions/1', route: '/api/config/versions/:id', role: 'admin', ok: 200 },
  {
    method: 'POST',
    url: '/api/config/versions/1/rollback',
    route: '/api/config/versions/:id/rollback',
    role: 'admin',
    body: () => ({}),
    ok: 200,
  },
  {
    method: 'POST',
    url: '/api/config/test',
    role: 'admin',
    body: () => ({ device: DEVICE, profile: 'th-station', point: 'temperature' }),
    ok: 200,
  },
];

const BELOW: Record<Role, Role[]> = { viewer: [], operator: ['viewer'], admin: ['viewer', 'operator'] };

beforeAll(async () => {
  failing = await startReceiver(() => 500);
  h = await startApp({
    // An outbound channel for the supervision routes; disabled, so it runs only when started.
    server: (doc) => {
      // A disabled sink for the sink supervision routes.
      doc.sinks = [
        {
          name: 'idle-sink',
          type: 'influxdb',
          enabled: false,
          spill: { dir: spillDir },
          influxdb: { url: 'http://127.0.0.1:9/base', org: 'plant', bucket: 'dtu', token: 'roles-token' },
        },
      ];
      doc.channels = [
        {
          name: 'idle',
          type: 'http',
          url: 'http://127.0.0.1:9/data',
          every: '1h',
          enabled: false,
          device: 'IDLE-01',
          points: [{ name: 'temperature', path: 't' }],
        },
      ];
    },
    rules: {
      version: 1,
      webhooks: { ops: endpoint(failing.url, { retry: { maxAttempts: 1 } }) },
      rules: [{ name: 'online', on: 'device.online', actions: [{ webhook: 'ops' }] }],
    },
  });
  who = await callers(h);
  sim = new SimulatedDtu({
    id: DEVICE,
    target: { host: '127.0.0.1', port: h.port('dtu') },
    link: h.config.points.links.get('transparent')!,
    profile: h.config.points.profiles.get('th-station')!,
    heartbeatIntervalMs: 0,
  });
  await sim.start();
  await waitFor(() => h.app.gateway.registry.get(DEVICE)?.state === 'active', 10_000, 'registration');
  await waitFor(async () => (await h.app.reader.device(DEVICE)) !== null, 10_000, 'device row');
  deadLetter = (await waitFor(async () => (await h.app.webhooks.deadLetters())[0], 10_000, 'a dead letter')).id;
});

afterAll(async () => {
  await sim?.stop();
  await h?.stop();
  if (h) removeDir(h.dir);
  removeDir(spillDir);
  await failing?.close();
});

async function call(route: RouteCase, headers: Record<string, string>) {
  const url = typeof route.url === 'function' ? route.url() : route.url;
  return webOf(h).server.inject({
    method: route.method,
    url,
    headers,
    ...(route.body ? { payload: route.body() as object } : {}),
  });
}

async function prepare(route: RouteCase): Promise<void> {
  if (route.method === 'DELETE' && String(route.url).includes('users')) {
    const name = `victim-${++userSeq}`;
    await webOf(h).ctx.accounts.createUser({
      username: name,
      role: 'viewer',
      passwordHash: 'x',
      createdAt: 0,
      updatedAt: 0,
    });
    victims.push(name);
  }
  if (route.method === 'DELETE' && String(route.url).includes('devices')) {
    const id = `GONE-${++userSeq}`;
    await h.app.fleetRegistry.create(id, {}, Date.now());
    devices.push(id);
  }
  if (route.method === 'DELETE' && String(route.url).includes('tokens')) {
    const token = await webOf(h).ctx.accounts.createToken({
      name: 'victim',
      digest: `d${++userSeq}`.padEnd(64, '0'),
      role: 'viewer',
      createdBy: 'test',
      at: 0,
      expiresAt: null,
    });
    tokens.push(token.id);
  }
}

describe('every route and role', () => {
  it.each(
    ROUTES.map((r) => [`${r.method} ${typeof r.url === 'string' ? r.url.split('?')[0] : '(generated)'}`, r] as const),
  )('%s: 401 without credentials, 403 below its role, success with it', async (_name, route) => {
    await prepare(route);
    const anonymous = await call(route, {});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ error: { code: 'AUTH_REQUIRED', message: expect.any(String) } });

    for (const low of BELOW[route.role]) {
      await prepare(route);
      const refused = await call(route, { cookie: who[low].cookie });
      expect(refused.statusCode, `${low} via cookie`).toBe(403);
      expect(refused.json().error.code).toBe('FORBIDDEN');
      const refusedToken = await call(route, { authorization: who[low].bearer });
      expect(refusedToken.statusCode, `${low} via token`).toBe(403);
    }

    await prepare(route);
    const bySession = await call(route, { cookie: who[route.role].cookie });
    expect(bySession.statusCode, bySession.body.slice(0, 300)).toBe(route.ok);
    await prepare(route);
    const byToken = await call(route, { authorization: who[route.role].bearer });
    expect(byToken.statusCode, byToken.body.slice(0, 300)).toBe(route.ok);
  });

  it('covers every registered route, each with the role it declares', () => {
    const pattern = (url: string) =>
      url
        .split('?')[0]!
        .replace(/DTU-ROLES/g, ':id')
        .replace(/\/users\/[^/]+$/, '/users/:username')
        .replace(/\/tokens\/\d+$/, '/tokens/:id')
        .replace(/listeners\/typed/, 'listeners/:name')
        .replace(/channels\/idle/, 'channels/:name')
        .replace(/webhooks\/ops\/test$/, 'webhooks/:name/test');
    const tested = new Set(
      ROUTES.map(
        (r) =>
          `${r.method} ${r.route ?? (typeof r.url === 'string' ? pattern(r.url) : r.method === 'DELETE' ? '(delete)' : '')} ${r.role}`,
      ),
    );
    const registered = webOf(h)
      .routes()
      .filter((r) => r.role !== 'public' && r.url !== '/api/live')
      .map(
        (r) =>
          `${r.method} ${r.method === 'DELETE' ? '(delete)' : r.url.replace('/api/export/:table', '/api/export/data')} ${r.role}`,
      );
    for (const route of registered) {
      if (route.startsWith('GET /api/export/data')) continue;
      // A session's own password: no token has one (tested below).
      if (route === 'POST /api/me/password viewer') continue;
      expect(tested, route).toContain(route);
    }
    expect(registered.filter((r) => r.startsWith('DELETE'))).toHaveLength(3);
  });

  it('changes only a session’s own password: 401 without credentials, 403 for a token', async () => {
    const url = '/api/me/password';
    const payload = { currentPassword: who.viewer.password, newPassword: 'a-new-viewer-pw' };
    const anonymous = await webOf(h).server.inject({ method: 'POST', url, payload });
    expect(anonymous.statusCode).toBe(401);
    const byToken = await webOf(h).server.inject({
      method: 'POST',
      url,
      payload,
      headers: { authorization: who.viewer.bearer },
    });
    expect([byToken.statusCode, byToken.json().error.code]).toEqual([403, 'FORBIDDEN']);
    const bySession = await webOf(h).server.inject({
      method: 'POST',
      url,
      payload,
      headers: { cookie: who.viewer.cookie },
    });
    expect(bySession.statusCode).toBe(204);
  });

  it('answers the public routes without credentials', async () => {
    const health = await webOf(h).server.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', version: expect.any(String) });
    const logout = await webOf(h).server.inject({ method: 'POST', url: '/api/logout' });
    expect(logout.statusCode).toBe(204);
  });

  it('answers an unknown route with NOT_FOUND in the catalogue shape', async () => {
    const res = await webOf(h).server.inject({
      method: 'GET',
      url: '/api/nothing-here',
      headers: { cookie: who.viewer.cookie },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });
});
