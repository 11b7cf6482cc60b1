// The config editor's API on a running app: an invalid edit is refused with file:line:field
// and nothing is written; a valid one is written (one line changed in the shipped file),
// versioned and audited; roll back restores the bytes; a test read decodes an unsaved
// point definition from a simulated DTU through its queue.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatewayTests, waitFor, type Harness } from '../../helpers/app-harness.js';
import { WEB_PROFILE, webProfile } from '../../helpers/web-profile.js';
import { caller, webOf, type Caller } from '../../helpers/web.js';

const { boot, dtu } = gatewayTests();
const SHIPPED_POINTS = readFileSync(new URL('../../../config/points.yml', import.meta.url), 'utf8');
const SCALE = ['profiles', 'th-station', 'points', 0, 'scale'];
const ADDRESS = ['profiles', 'th-station', 'points', 0, 'address'];

async function call(h: Harness, who: Caller, method: string, path: string, body?: unknown) {
  const res = await fetch(h.webUrl() + path, {
    method,
    headers: { authorization: who.bearer, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** The app running on the harness config, with the shipped points.yml text on disk to edit. */
async function withShippedPoints(): Promise<{ h: Harness; admin: Caller; path: string }> {
  const h = await boot();
  const path = join(h.dir, 'points.yml');
  writeFileSync(path, SHIPPED_POINTS);
  return { h, admin: await caller(h, 'admin', 'editor'), path };
}

describe('config editing API', () => {
  it('refuses an invalid edit with file:line:field, writes nothing and keeps no version', async () => {
    const { h, admin, path } = await withShippedPoints();
    const r = await call(h, admin, 'PUT', '/api/config/files/points.yml', {
      edits: [{ path: ADDRESS, value: 70000 }],
      comment: 'out of range',
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('CONFIG_INVALID');
    const issue = r.body.issues.find((i: any) => i.field === 'profiles.th-station.points[0].address');
    expect(issue).toMatchObject({ file: path });
    const lines = SHIPPED_POINTS.split('\n');
    const temperature = lines.findIndex((l) => l.includes('- name: temperature'));
    const addressLine = lines.findIndex((l, i) => i > temperature && /^\s+address: 2000\b/.test(l)) + 1;
    expect(issue.line).toBe(addressLine);
    expect(r.body.error.details.some((d: string) => d.startsWith(`${path}:${addressLine}`))).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(SHIPPED_POINTS);
    expect((await call(h, admin, 'GET', '/api/config/versions')).body.items).toEqual([]);
    const audit = await webOf(h).ctx.accounts.auditLog({ action: 'config.save' });
    expect(audit.map((a) => [a.actor, a.result])).toEqual([['token:editor-token', 'invalid']]);
  });

  it('writes a valid edit as one changed line, keeps the baseline and the save, and rolls back to the bytes', async () => {
    const { h, admin, path } = await withShippedPoints();
    const opened = await call(h, admin, 'GET', '/api/config/files/points.yml');
    expect(opened.body).toMatchObject({ file: 'points.yml', text: SHIPPED_POINTS });
    expect(opened.body.data.profiles['th-station'].points[0].scale).toBe(0.1);

    const saved = await call(h, admin, 'PUT', '/api/config/files/points.yml', {
      edits: [{ path: SCALE, value: 0.01 }],
      comment: 'finer temperature',
      baseSha256: opened.body.sha256,
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ result: 'saved', applies: 'live', reload: { ok: true } });
    expect(saved.body.version).toMatchObject({
      file: 'points.yml',
      action: 'save',
      actor: 'token:editor-token',
      comment: 'finer temperature',
    });
    const after = readFileSync(path, 'utf8');
    const before = SHIPPED_POINTS.split('\n');
    const changed = after.split('\n').filter((line, i) => line !== before[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/^\s+scale: 0\.01\s+# 精度 0\.1$/);

    // The form's base is stale now: a second save from it is refused.
    const stale = await call(h, admin, 'PUT', '/api/config/files/points.yml', {
      edits: [{ path: SCALE, value: 1 }],
      baseSha256: opened.body.sha256,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('CONFIG_CONFLICT');

    const versions = (await call(h, admin, 'GET', '/api/config/versions?file=points.yml')).body.items;
    expect(versions.map((v: any) => v.action)).toEqual(['save', 'baseline']);
    const baseline = versions[1];
    const detail = await call(h, admin, 'GET', `/api/config/versions/${baseline.id}`);
    expect(detail.body.content).toBe(SHIPPED_POINTS);
    expect(detail.body.current).toBe(false);
    expect(detail.body.diff.filter((l: any) => l.op !== ' ').map((l: any) => l.op)).toEqual(['-', '+']);

    const rolled = await call(h, admin, 'POST', `/api/config/versions/${baseline.id}/rollback`, { comment: 'undo' });
    expect(rolled.status).toBe(200);
    expect(rolled.body.version).toMatchObject({ action: 'rollback', rolledBackTo: baseline.id, comment: 'undo' });
    expect(readFileSync(path, 'utf8')).toBe(SHIPPED_POINTS);
    expect((await call(h, admin, 'GET', `/api/config/versions/${baseline.id}`)).body.current).toBe(true);

    const audit = await webOf(h).ctx.accounts.auditLog({ order: 'asc' });
    expect(audit.filter((a) => a.action.startsWith('config.')).map((a) => [a.action, a.result])).toEqual([
      ['config.save', 'ok'],
      ['config.save', 'error'],
      ['config.rollback', 'ok'],
    ]);
  });

  it('applies a save through the live config reload and answers what it did', async () => {
    const { h, admin } = await withShippedPoints();
    const live = await call(h, admin, 'PUT', '/api/config/files/points.yml', { edits: [{ path: SCALE, value: 0.5 }] });
    expect(live.body).toMatchObject({
      result: 'saved',
      applies: 'live',
      reload: { ok: true, trigger: 'ui', actor: 'token:editor-token' },
    });
    expect(live.body.reload.changes).toContainEqual(expect.objectContaining({ scope: 'profile', name: 'th-station' }));
    const temperature = h.app.config.points.profiles.get('th-station')!.points.find((p) => p.name === 'temperature');
    expect(temperature?.scale).toBe(0.5);
    const state = await call(h, admin, 'GET', '/api/config/reload');
    expect(state.body.last).toMatchObject({ ok: true, trigger: 'ui', actor: 'token:editor-token' });
  });

  it('takes the raw YAML view whole, and answers 403 to operators', async () => {
    const { h, admin, path } = await withShippedPoints();
    const operator = await caller(h, 'operator');
    expect((await call(h, operator, 'GET', '/api/config/files/points.yml')).status).toBe(403);
    expect((await call(h, operator, 'GET', '/api/config/versions')).status).toBe(403);
    const text = SHIPPED_POINTS.replace('pollOnConnect: true', 'pollOnConnect: false');
    expect(text).not.toBe(SHIPPED_POINTS);
    const broken = await call(h, admin, 'POST', '/api/config/files/points.yml/check', { text: 'profiles: [' });
    expect(broken.body.issues[0]).toMatchObject({ file: path, line: 1 });
    expect((await call(h, admin, 'POST', '/api/config/files/points.yml/check', { text })).body.issues).toEqual([]);
    const saved = await call(h, admin, 'PUT', '/api/config/files/points.yml', { text });
    expect(saved.body.result).toBe('saved');
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('reads an unsaved point definition once from an online DTU and decodes it', async () => {
    const rig = webProfile();
    // A patient queue: on a shared machine the rig's 150 ms timeout can lapse, and this
    // test is about decoding, not timing.
    const h = await boot({
      ...rig,
      points: (p) => {
        rig.points!(p);
        p.profiles[WEB_PROFILE].timing.responseTimeout = '2s';
      },
    });
    const admin = await caller(h, 'admin', 'editor');
    const sim = dtu(h, 'dtu', { id: 'DTU-TEST' }, WEB_PROFILE);
    sim.setRegisters(1, 3, 0, [0, 42]);
    await sim.start();
    await waitFor(() => h.app.latest.get('DTU-TEST', 'energy'), 5000, 'a first value');
    const before = readFileSync(join(h.dir, 'points.yml'), 'utf8');
    const points = ['profiles', WEB_PROFILE, 'points', 0];
    const r = await call(h, admin, 'POST', '/api/config/test', {
      device: 'DTU-TEST',
      profile: WEB_PROFILE,
      point: 'energy',
      edits: [{ path: [...points, 'scale'], value: 0.5 }],
    });
    expect(r.body.error).toBeUndefined();
    expect(r.body.blocks).toEqual([
      {
        slave: 1,
        fn: 3,
        address: 0,
        quantity: 2,
        result: 'ok',
        invalid: 0,
        values: [{ point: 'energy', value: 21, text: null, unit: 'kWh', raw: '0000002a' }],
      },
    ]);
    const task = await call(h, admin, 'POST', '/api/config/test', {
      device: 'DTU-TEST',
      profile: WEB_PROFILE,
      task: 'meter',
    });
    expect(task.body.blocks[0].values[0]).toMatchObject({ point: 'energy', value: 42 });
    expect(readFileSync(join(h.dir, 'points.yml'), 'utf8')).toBe(before);

    const offline = await call(h, admin, 'POST', '/api/config/test', {
      device: 'NOBODY',
      profile: WEB_PROFILE,
      point: 'energy',
    });
    expect(offline.body.error.code).toBe('DEVICE_NOT_ONLINE');
    const unknown = await call(h, admin, 'POST', '/api/config/test', {
      device: 'DTU-TEST',
      profile: WEB_PROFILE,
      point: 'nope',
    });
    expect(unknown.body.error.code).toBe('CONFIG_TEST_TARGET_NOT_FOUND');
    const audit = await webOf(h).ctx.accounts.auditLog({ action: 'config.test', order: 'asc' });
    expect(audit.map((a) => [a.device, a.result])).toEqual([
      ['DTU-TEST', 'ok'],
      ['DTU-TEST', 'ok'],
      ['NOBODY', 'not-online'],
    ]);
  });
});
