// Register writes through the API reach the simulated slave and land in the audit log;
// listeners can be stopped, started and restarted from the API.
import { describe, expect, it } from 'vitest';
import { gatewayTests, waitFor, type Harness } from '../../helpers/app-harness.js';
import { WEB_PROFILE, webProfile } from '../../helpers/web-profile.js';
import { caller } from '../../helpers/web.js';

const { boot, dtu } = gatewayTests();

function post(h: Harness, path: string, headers: Record<string, string>, body?: unknown) {
  return fetch(h.webUrl() + path, {
    method: 'POST',
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

describe('register writes', () => {
  it('writes registers and coils to the slave for an operator and audits each attempt', async () => {
    const h = await boot(webProfile());
    const sim = dtu(h, 'dtu', { id: 'DTU-WR' }, WEB_PROFILE);
    await sim.start();
    await waitFor(() => h.app.gateway.registry.get('DTU-WR')?.state === 'active', 5000, 'registration');
    const op = await caller(h, 'operator');

    const fc16 = await post(
      h,
      '/api/devices/DTU-WR/write',
      { cookie: op.cookie },
      { slave: 1, fn: 16, address: 20, values: [1, 2, 65535] },
    );
    expect(fc16.status).toBe(200);
    expect(await fc16.json()).toEqual({ result: 'ok', at: expect.any(Number) });
    expect(sim.registers(1, 3, 20, 3)).toEqual([1, 2, 65535]);
    expect(
      (await post(h, '/api/devices/DTU-WR/write', { cookie: op.cookie }, { slave: 1, fn: 6, address: 10, value: 4660 }))
        .status,
    ).toBe(200);
    expect(sim.registers(1, 3, 10, 1)).toEqual([4660]);
    expect(
      (
        await post(
          h,
          '/api/devices/DTU-WR/write',
          { authorization: op.bearer },
          { slave: 1, fn: 5, address: 3, value: true },
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await post(
          h,
          '/api/devices/DTU-WR/write',
          { cookie: op.cookie },
          { slave: 1, fn: 15, address: 8, values: [true, false, true] },
        )
      ).status,
    ).toBe(200);
    const coils = await h.app.gateway.read('DTU-WR', 1, 1, 0, 16);
    if (coils.kind !== 'ok') throw new Error(coils.kind);
    expect([...coils.buf.subarray(coils.dataOffset, coils.dataOffset + 2)]).toEqual([0b00001000, 0b00000101]);

    const offline = await post(
      h,
      '/api/devices/NOBODY/write',
      { cookie: op.cookie },
      { slave: 1, fn: 6, address: 0, value: 1 },
    );
    expect(offline.status).toBe(409);
    expect(await offline.json()).toMatchObject({ error: { code: 'DEVICE_NOT_ONLINE' } });
    const bad = await post(
      h,
      '/api/devices/DTU-WR/write',
      { cookie: op.cookie },
      { slave: 1, fn: 6, address: 0, value: 70000 },
    );
    expect(bad.status).toBe(400);

    sim.setFaults({ exceptionCodes: { 1: 2 } });
    const refused = await post(
      h,
      '/api/devices/DTU-WR/write',
      { cookie: op.cookie },
      { slave: 1, fn: 6, address: 0, value: 1 },
    );
    expect(refused.status).toBe(502);
    expect(await refused.json()).toMatchObject({
      error: { code: 'MODBUS_EXCEPTION', message: expect.stringContaining('exception 2') },
    });

    sim.setFaults({ silentSlaves: [1] });
    const silent = await post(
      h,
      '/api/devices/DTU-WR/write',
      { cookie: op.cookie },
      { slave: 1, fn: 6, address: 0, value: 1 },
    );
    expect(silent.status).toBe(504);

    const admin = await caller(h, 'admin', 'auditor');
    const audit = (await (
      await fetch(`${h.webUrl()}/api/audit?action=write&order=asc`, { headers: { cookie: admin.cookie } })
    ).json()) as { items: Record<string, unknown>[] };
    expect(audit.items.map((r) => [r['actor'], r['device'], r['fn'], r['address'], r['values'], r['result']])).toEqual([
      ['operator-user', 'DTU-WR', 16, 20, [1, 2, 65535], 'ok'],
      ['operator-user', 'DTU-WR', 6, 10, [4660], 'ok'],
      ['token:operator-user-token', 'DTU-WR', 5, 3, [true], 'ok'],
      ['operator-user', 'DTU-WR', 15, 8, [true, false, true], 'ok'],
      ['operator-user', 'NOBODY', 6, 0, [1], 'not-online'],
      ['operator-user', 'DTU-WR', 6, 0, [1], 'exception 2'],
      ['operator-user', 'DTU-WR', 6, 0, [1], 'timeout'],
    ]);
    expect(audit.items[0]).toMatchObject({ slave: 1, ip: '127.0.0.1', at: expect.any(Number) });
  });
});

describe('listener supervision', () => {
  it('stops, starts and restarts a listener, closing its sessions and counting restarts', async () => {
    const h = await boot(webProfile());
    const sim = dtu(h, 'dtu', { id: 'DTU-CH' }, WEB_PROFILE);
    await sim.start();
    await waitFor(() => h.app.gateway.registry.get('DTU-CH')?.state === 'active', 5000, 'registration');
    const admin = await caller(h, 'admin', 'ops-admin');
    const headers = { cookie: admin.cookie };
    const list = (await (await fetch(`${h.webUrl()}/api/listeners`, { headers })).json()) as {
      process: Record<string, number>;
      items: Record<string, unknown>[];
    };
    expect(list.process).toMatchObject({
      pid: process.pid,
      rssBytes: expect.any(Number),
      cpuPercent: expect.any(Number),
    });
    expect(list.items.find((c) => c['name'] === 'dtu')).toMatchObject({
      state: 'running',
      protocol: 'tcp',
      connections: 1,
      online: 1,
      restarts: 0,
      link: 'transparent',
      links: ['transparent', 'typed'],
      registrationFailures: 0,
      lastError: null,
    });

    const stopped = await post(h, '/api/listeners/dtu/stop', headers);
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toMatchObject({
      listener: { name: 'dtu', state: 'stopped', connections: 0, online: 0 },
    });
    expect(h.app.gateway.registry.get('DTU-CH')).toBeUndefined();

    const started = await post(h, '/api/listeners/dtu/start', headers);
    expect(await started.json()).toMatchObject({ listener: { state: 'running', restarts: 1 } });
    const restarted = await post(h, '/api/listeners/dtu/restart', headers);
    expect(await restarted.json()).toMatchObject({ listener: { state: 'running', restarts: 2 } });

    const unknown = await post(h, '/api/listeners/nope/stop', headers);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'LISTENER_NOT_FOUND' } });
    // An outbound channel's name is not a listener's, and the other way round.
    expect(await (await post(h, '/api/channels/dtu/stop', headers)).json()).toMatchObject({
      error: { code: 'CHANNEL_NOT_FOUND' },
    });
    const audit = await h.app.web!.ctx.accounts.auditLog({ order: 'asc' });
    expect(audit.map((r) => `${r.action}:${r.result}`)).toEqual([
      'listener.stop:ok',
      'listener.start:ok',
      'listener.restart:ok',
    ]);
  });

  it('reports a listener that cannot bind as error with its last error', async () => {
    const { createServer } = await import('node:net');
    const listen = (server: ReturnType<typeof createServer>, port: number) =>
      new Promise<number>((resolve) =>
        server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
      );
    const close = (server: ReturnType<typeof createServer>) =>
      new Promise<void>((resolve) => server.close(() => resolve()));
    // A port that was free a moment ago, for the typed listener.
    const probe = createServer();
    const port = await listen(probe, 0);
    await close(probe);
    const h = await boot(
      webProfile((s) => (s.listeners.find((l: { name: string }) => l.name === 'typed').port = port)),
    );
    const admin = await caller(h, 'admin', 'ops-admin');
    await post(h, '/api/listeners/typed/stop', { cookie: admin.cookie });
    const blocker = createServer();
    await listen(blocker, port);
    try {
      const res = await post(h, '/api/listeners/typed/start', { cookie: admin.cookie });
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({
        error: { code: 'LISTENER_FAILED', message: expect.stringContaining('EADDRINUSE') },
      });
      expect(h.app.gateway.listeners().find((c) => c.name === 'typed')).toMatchObject({
        state: 'error',
        lastError: expect.stringContaining('EADDRINUSE'),
      });
    } finally {
      await close(blocker);
    }
  });
});

describe('server status and config', () => {
  it('shows connections, rates, the store and the process, and masks secrets in the config', async () => {
    const h = await boot(webProfile());
    const sim = dtu(h, 'dtu', { id: 'DTU-ST' }, WEB_PROFILE);
    await sim.start();
    await waitFor(() => h.app.gateway.registry.get('DTU-ST')?.state === 'active', 5000, 'registration');
    await waitFor(() => h.app.latest.get('DTU-ST', 'energy'), 5000, 'a value');
    const op = await caller(h, 'operator');
    const status = (await (
      await fetch(`${h.webUrl()}/api/status`, { headers: { cookie: op.cookie } })
    ).json()) as Record<string, any>;
    expect(status.today.points).toBeGreaterThan(0);
    expect(status).toMatchObject({
      connections: { open: 1, online: 1 },
      store: { driver: 'sqlite', state: 'ok' },
      buffer: { rows: expect.any(Number) },
      process: { pid: process.pid },
      rates: { transactionsPerSec: expect.any(Number), pointsPerSec: expect.any(Number) },
      today: { points: expect.any(Number), heartbeats: 0 },
      counters: { requestsSent: expect.any(Number) },
    });
    const config = (await (
      await fetch(`${h.webUrl()}/api/config`, { headers: { cookie: op.cookie } })
    ).json()) as Record<string, any>;
    expect(config.server.web.admin).toEqual({ username: 'admin', password: '***' });
    expect(JSON.stringify(config)).not.toContain('test-admin-password');
    expect(config.points.profiles[WEB_PROFILE].points[0]).toMatchObject({ name: 'energy', unit: 'kWh' });
  });
});
