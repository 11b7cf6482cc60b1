// The device registry over HTTP against the running app: pre-register and edit with the
// audit log, points.yml's fields read-only, deletes only of history-less devices, and the
// device list exported as XLSX and CSV imports back unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import { callers, type Caller } from '../../helpers/web.js';
import { SimulatedDtu } from '../../../src/simulator/index.js';

let h: Harness;
let admin: Caller;
let sim: SimulatedDtu;

beforeAll(async () => {
  h = await startApp({
    points: (p) => (p.devices = [{ id: 'NAMED', profile: 'th-station', name: 'From YAML' }, { default: 'th-station' }]),
  });
  admin = (await callers(h)).admin;
  sim = new SimulatedDtu({
    id: 'ONLINE-1',
    target: { host: '127.0.0.1', port: h.port('dtu') },
    link: h.config.points.links.get('transparent')!,
    profile: h.config.points.profiles.get('th-station')!,
    heartbeatIntervalMs: 0,
  });
  await sim.start();
  await waitFor(() => h.app.gateway.registry.get('ONLINE-1')?.state === 'active', 10_000, 'ONLINE-1 online');
});

afterAll(async () => {
  await sim?.stop();
  await h?.stop();
  if (h) removeDir(h.dir);
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(h.webUrl() + path, {
    method,
    headers: { cookie: admin.cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as Record<string, any>) };
}

describe('device registry routes', () => {
  it('pre-registers and edits a device, audited, with points.yml fields marked', async () => {
    const created = await call('POST', '/api/devices', { registrationId: 'NAMED', name: 'Mine', group: 'g1' });
    expect(created.status).toBe(201);
    expect(created.body!['device']).toMatchObject({
      registrationId: 'NAMED',
      name: 'From YAML',
      group: 'g1',
      enabled: true,
      setByConfig: ['name', 'profileOverride'],
      firstSeen: null,
      status: 'offline',
    });
    expect((await call('POST', '/api/devices', { registrationId: 'NAMED' })).body!['error'].code).toBe('DEVICE_EXISTS');
    const bad = await call('PATCH', '/api/devices/NAMED', { profileOverride: 'nope' });
    expect([bad.status, bad.body!['error'].code]).toEqual([400, 'UNKNOWN_PROFILE']);
    const edited = await call('PATCH', '/api/devices/NAMED', { latitude: 31.23, longitude: 121.47, tags: ['x'] });
    expect(edited.body!['device']).toMatchObject({ latitude: 31.23, longitude: 121.47, tags: ['x'], group: 'g1' });
    const audit = (await call('GET', '/api/audit?device=NAMED&order=asc')).body!['items'] as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual(['device.create', 'device.update']);
  });

  it('deletes only a device that never connected and is offline', async () => {
    await call('POST', '/api/devices', { registrationId: 'TYPO' });
    expect((await call('DELETE', '/api/devices/ONLINE-1')).body!['error'].code).toBe('DEVICE_ONLINE');
    expect((await call('DELETE', '/api/devices/TYPO')).status).toBe(204);
    expect((await call('DELETE', '/api/devices/TYPO')).status).toBe(404);
    await sim.stop();
    await waitFor(() => !h.app.gateway.registry.get('ONLINE-1'), 10_000, 'ONLINE-1 offline');
    await h.app.writer.flush();
    const kept = await call('DELETE', '/api/devices/ONLINE-1');
    expect([kept.status, kept.body!['error'].code]).toEqual([409, 'DEVICE_HAS_HISTORY']);
  });

  it('imports its own XLSX and CSV exports back unchanged', async () => {
    await call('PATCH', '/api/devices/NAMED', { notes: '=SUM(A1) is text, not a formula', enabled: false });
    const before = h.app.fleetRegistry.entry('NAMED');
    for (const format of ['xlsx', 'csv'] as const) {
      const file = await fetch(`${h.webUrl()}/api/registry/export?format=${format}`, {
        headers: { cookie: admin.cookie },
      });
      expect(file.status).toBe(200);
      const bytes = Buffer.from(await file.arrayBuffer());
      const content = format === 'xlsx' ? bytes.toString('base64') : bytes.toString('utf8');
      const imported = await call('POST', '/api/registry/import', { format, content });
      expect(imported.body).toEqual({ created: 0, updated: h.app.fleetRegistry.size });
      expect(h.app.fleetRegistry.entry('NAMED')).toEqual({ ...before, updatedAt: expect.any(Number) });
    }
  });
});
