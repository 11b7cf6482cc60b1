// GET /api/sinks and start/stop/restart over real HTTP: what a viewer sees, what only an
// admin may do, the audit log, and an unknown name.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gatewayTests, removeDir, type Harness } from '../../helpers/app-harness.js';
import { callers, type Caller } from '../../helpers/web.js';

const { boot } = gatewayTests();
const spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-sink-routes-'));
afterAll(() => removeDir(spillDir));

async function call(h: Harness, who: Caller, method: 'GET' | 'POST', path: string) {
  const res = await fetch(`${h.webUrl()}${path}`, { method, headers: { cookie: who.cookie } });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

describe('sink routes', () => {
  it('lists sinks to a viewer and lets only an admin stop and start one, audited', { timeout: 60_000 }, async () => {
    const h = await boot({
      server: (s) => {
        s.sinks = [
          {
            name: 'influx',
            type: 'influxdb',
            spill: { dir: spillDir },
            influxdb: { url: 'http://127.0.0.1:9/base', org: 'plant', bucket: 'dtu', token: 'secret-token' },
          },
        ];
      },
    });
    const who = await callers(h);
    const listed = await call(h, who.viewer, 'GET', '/api/sinks');
    expect(listed.status).toBe(200);
    expect(listed.json['items']).toMatchObject([
      {
        name: 'influx',
        type: 'influxdb',
        target: 'http://127.0.0.1:9/base (v2 plant/dtu)',
        enabled: true,
        samples: 'all',
        state: 'ok',
        lagMs: null,
        counters: { accepted: 0, sent: 0, spilled: 0, replayed: 0, dropped: 0, rejected: 0 },
      },
    ]);
    expect(JSON.stringify(listed.json)).not.toContain('secret-token');

    expect((await call(h, who.operator, 'POST', '/api/sinks/influx/stop')).status).toBe(403);
    const stopped = await call(h, who.admin, 'POST', '/api/sinks/influx/stop');
    expect(stopped.json['sink']).toMatchObject({ name: 'influx', state: 'stopped', startedAt: null });
    const restarted = await call(h, who.admin, 'POST', '/api/sinks/influx/restart');
    expect(restarted.json['sink']).toMatchObject({ state: 'ok', restarts: 1 });
    const missing = await call(h, who.admin, 'POST', '/api/sinks/nope/start');
    expect(missing.status).toBe(404);
    expect(missing.json['error']).toMatchObject({ code: 'SINK_NOT_FOUND' });

    const audit = await call(h, who.admin, 'GET', '/api/audit?limit=10');
    const actions = (audit.json['items'] as { action: string; result: string }[]).map((r) => `${r.action} ${r.result}`);
    expect(actions).toEqual(expect.arrayContaining(['sink.stop ok', 'sink.restart ok']));
  });
});
