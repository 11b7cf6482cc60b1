// Live configuration with a fleet online: 200 simulated DTUs on two listeners and two Modbus
// TCP channels, then a profile edit, a rule edit, a device rename, a listener port change
// and a channel change applied by reloads, and a broken file rejected. No session drops
// (connection_history has no disconnect), the edited profile's polls run on the new plan
// within one cycle, and untouched rules and channels keep their state.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import {
  startFleet,
  startModbusTcpServer,
  type ModbusTcpServer,
  type SimulatorFleet,
} from '../../../src/simulator/index.js';
import { accepts, exampleProfile, freePort } from '../../helpers/channels.js';
import { disposeApp, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import { caller } from '../../helpers/web.js';

const FLEET = 200;
/** Devices A-000 … A-099 poll with profile `a`, B-000 … B-099 with `b`; B-090 … B-099 use the `south` listener. */
const idFor = (i: number) => (i < 100 ? `A-${String(i).padStart(3, '0')}` : `B-${String(i - 100).padStart(3, '0')}`);
const SOUTH_FROM = 190;

let h: Harness | null = null;
let fleet: SimulatorFleet | null = null;
let plc: ModbusTcpServer | null = null;

afterEach(async () => {
  await fleet?.stop();
  h = await disposeApp(h);
  await plc?.close();
  fleet = null;
  plc = null;
});

function profile(scale: number) {
  return {
    slaves: [{ id: 1 }],
    timing: { responseTimeout: '2s', retries: 0, interRequestDelay: '0ms' },
    pollOnConnect: true,
    tasks: [{ name: 'all', points: 'all', every: '1s' }],
    points: [{ name: 'temperature', address: 2000, type: 'int16', scale }],
  };
}

function channel(name: string, port: number, initial = '100ms') {
  return {
    name,
    type: 'modbus-tcp',
    host: '127.0.0.1',
    port,
    device: name.toUpperCase(),
    profile: 'b',
    backoff: { initial, max: '1s' },
  };
}

const RULES = (threshold: number) => `version: 1
rules:
  - name: warm-a
    point: temperature
    when: { '>': ${threshold} }
    devices: { profiles: [a] }
    actions: [{ log: info }]
  - name: warm-b
    point: temperature
    when: { '>': -100000 }
    devices: { profiles: [b] }
    actions: [{ log: info }]
`;

/** The signed 16-bit register a sample was decoded from. */
function register(sample: Sample): number {
  const n = parseInt(sample.raw, 16);
  return n >= 0x8000 ? n - 0x10000 : n;
}

describe('live configuration', () => {
  it(`applies profile, rule, device, listener and channel edits to ${FLEET} online DTUs without dropping a session`, async () => {
    plc = await startModbusTcpServer({ id: 'PLC', profile: exampleProfile() });
    const plcPort = plc.port;
    h = await startApp({
      server: (s) => {
        s.listeners = [
          { name: 'north', host: '127.0.0.1', port: 0, link: 'transparent' },
          { name: 'south', host: '127.0.0.1', port: 0, link: 'transparent' },
        ];
        s.channels = [channel('plc1', plcPort), channel('plc2', plcPort)];
      },
      points: (p) => {
        p.profiles = { a: profile(1), b: profile(1) };
        p.devices = [{ id: 'A-000', profile: 'a', name: 'Pump' }, { pattern: '^A-', profile: 'a' }, { default: 'b' }];
      },
      rules: RULES(-100000),
    });
    const app = h.app;
    const dir = h.dir;
    const ports = { north: h.port('north'), south: h.port('south') };
    fleet = await startFleet({
      count: FLEET,
      target: { host: '127.0.0.1', port: ports.north },
      optionsFor: (i) => (i >= SOUTH_FROM ? { target: { host: '127.0.0.1', port: ports.south } } : undefined),
      link: h.config.points.links.get('transparent')!,
      profile: h.config.points.profiles.get('a')!,
      idFor,
      heartbeatIntervalMs: 0,
      connectRate: 2000,
    });
    const latest = new Map<string, Sample>();
    /** When the reload gave each device its new plan, and every poll sent after that (with the scale it was decoded with). */
    const replannedAt = new Map<string, number>();
    const after: { device: string; polledAt: number; scale: number }[] = [];
    app.bus.on('device.reconfigured', (e) => replannedAt.set(e.deviceId, e.at));
    app.bus.on('data', (e) => {
      for (const s of e.samples) latest.set(s.deviceId, s);
      const s = e.samples[0]!;
      const since = replannedAt.get(e.deviceId);
      if (since !== undefined && e.polledAt >= since) {
        after.push({ device: e.deviceId, polledAt: e.polledAt, scale: s.value! / register(s) });
      }
    });
    await waitFor(
      () => app.gateway.sessions().filter((s) => s.state === 'active').length === FLEET,
      20_000,
      'fleet online',
    );
    await waitFor(() => app.channels.list().every((c) => c.state === 'connected'), 10_000, 'channels connected');
    const fired = (rule: string) => app.events.rules().find((r) => r.name === rule)?.counters.fired ?? 0;
    // warm-b: the B devices and the two channels' devices (profile b too).
    await waitFor(() => fired('warm-b') === 102 && fired('warm-a') === 100, 10_000, 'both rules fired');
    const plc2Before = app.channels.get('plc2').status();

    // One edit of each kind, in one reload.
    const southPort = await freePort();
    const edit = (file: string, change: (text: string) => string) =>
      writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
    edit('points.yml', (t) => {
      const points = JSON.parse(t) as Record<string, any>;
      points.profiles.a.points[0].scale = 10;
      points.devices[0].name = 'Pump house';
      return JSON.stringify(points, null, 2);
    });
    edit('server.yml', (t) => {
      const server = JSON.parse(t) as Record<string, any>;
      server.listeners[1].port = southPort;
      server.channels[0].backoff.initial = '200ms';
      return JSON.stringify(server, null, 2);
    });
    writeFileSync(join(dir, 'rules.yml'), RULES(-99999));
    const reloadedAt = Date.now();
    const outcome = await app.configReload.reload('api', 'tester');
    expect(outcome).toMatchObject({ ok: true, trigger: 'api', actor: 'tester', needsRestart: [] });
    expect(outcome.ok && outcome.changes.map((c) => `${c.scope} ${c.name} ${c.action}`)).toEqual([
      'channel plc1 changed',
      'device A-000 changed',
      'listener south changed',
      'profile a changed',
      'rule warm-a changed',
    ]);

    // Profile a's polls run on the new plan within one cycle (1 s), and no poll of the old
    // plan is sent after the reload (0 s registers give no scale: those samples are skipped).
    const profileA = fleet.dtus.slice(0, 100).map((d) => d.id);
    const firstNew = new Map<string, number>();
    await waitFor(
      () => {
        for (const a of after) if (a.scale === 10 && !firstNew.has(a.device)) firstNew.set(a.device, a.polledAt);
        return profileA.every((id) => firstNew.has(id));
      },
      10_000,
      'every profile-a device polled on the new plan',
    );
    // One cycle, plus what a loaded machine adds to a timer (the shared scheduler's tick included).
    expect([...replannedAt.keys()].sort()).toEqual(profileA);
    const lateness = Math.max(...profileA.map((id) => firstNew.get(id)! - replannedAt.get(id)!));
    expect(lateness).toBeLessThan(1000 + 500);
    const oldPlanAfter = after.filter((a) => profileA.includes(a.device) && Number.isFinite(a.scale) && a.scale !== 10);
    expect(oldPlanAfter).toEqual([]);
    const untouched = fleet.dtus.slice(100).map((d) => latest.get(d.id)!);
    expect(untouched.every((s) => s.value === register(s))).toBe(true);

    // The renamed device, in the session and in the device list the API and UI show (points.yml's
    // name laid over the registry's).
    expect(app.gateway.sessions().find((s) => s.deviceId === 'A-000')?.name).toBe('Pump house');
    const viewer = await caller(h, 'viewer');
    const listed = await fetch(`${h.webUrl()}/api/devices/A-000`, { headers: { cookie: viewer.cookie } });
    expect(((await listed.json()) as { device: { name: string | null } }).device.name).toBe('Pump house');

    // The edited rule starts afresh (fires again for every profile-a device); the other keeps its state.
    await waitFor(() => fired('warm-a') === 100, 5000, 'warm-a again');
    expect(fired('warm-b')).toBe(102);

    // The south listener moved: the new port accepts, the old one is closed; its sessions stayed.
    expect(app.gateway.ports()['south']).toBe(southPort);
    await expect(accepts(ports.south)).resolves.toBe(false);
    await expect(accepts(southPort)).resolves.toBe(true);

    // plc1 restarted alone; plc2 kept its connection and counters.
    await waitFor(() => app.channels.get('plc1').state === 'connected', 5000, 'plc1 back');
    expect(app.channels.get('plc1').status().startedAt).toBeGreaterThanOrEqual(reloadedAt);
    const plc2 = app.channels.get('plc2').status();
    expect(plc2).toMatchObject({
      state: 'connected',
      startedAt: plc2Before.startedAt,
      connectedAt: plc2Before.connectedAt,
    });
    expect(plc2.counters.connects).toBe(1);
    expect(plc2.counters.collects).toBeGreaterThan(plc2Before.counters.collects);

    // A broken file: rejected with file:line through the API, audited, and nothing changes.
    writeFileSync(join(dir, 'points.yml'), 'version: 1\nprofiles:\n  a: [unclosed\n');
    const admin = await caller(h, 'admin');
    const response = await fetch(`${h.webUrl()}/api/config/reload`, {
      method: 'POST',
      headers: { cookie: admin.cookie },
    });
    expect(response.status).toBe(200);
    const { outcome: rejected } = (await response.json()) as { outcome: Record<string, any> };
    expect(rejected).toMatchObject({ ok: false, trigger: 'api', actor: 'admin-user' });
    expect(rejected['issues'][0]).toMatchObject({ file: join(dir, 'points.yml') });
    expect(rejected['issues'][0].line).toBeGreaterThanOrEqual(3);
    const last = (await (
      await fetch(`${h.webUrl()}/api/config/reload`, { headers: { cookie: admin.cookie } })
    ).json()) as {
      last: Record<string, unknown>;
    };
    expect(last.last).toEqual(rejected);
    const audit = (await (
      await fetch(`${h.webUrl()}/api/audit?action=config.reload`, { headers: { cookie: admin.cookie } })
    ).json()) as {
      items: Record<string, unknown>[];
    };
    expect(audit.items[0]).toMatchObject({ action: 'config.reload', result: 'rejected', actor: 'admin-user' });
    const rejectedAt = Date.now();
    await waitFor(() => fleet!.dtus.every((d) => (latest.get(d.id)?.ts ?? 0) > rejectedAt), 2000, 'polls going on');
    expect(latest.get('A-001')!.value).toBe(register(latest.get('A-001')!) * 10);
    expect(app.gateway.sessions().filter((s) => s.state === 'active')).toHaveLength(FLEET);

    // Both outcomes are catalogue events.
    await app.storeDrained();
    const events = await app.events.list({});
    const config = events.filter((e) => e.type.startsWith('config.')).reverse();
    expect(config.map((e) => e.type)).toEqual(['config.reloaded', 'config.rejected']);
    expect(config[0]!.payload).toMatchObject({ trigger: 'api', actor: 'tester', needsRestart: [] });
    expect(config[1]!.payload['issues']).toEqual(rejected['issues']);

    // Not one disconnect in the fleet's history (plc1's device reconnected: its channel was changed).
    await h.stop();
    const db = new Database(join(dir, 'dtuhub.db'), { readonly: true });
    try {
      const rows = db
        .prepare(`SELECT registration_id AS id, event FROM connection_history WHERE at < ? AND event != 'connect'`)
        .all(rejectedAt) as { id: string; event: string }[];
      expect(rows.filter((r) => r.id !== 'PLC1')).toEqual([]);
      const online = db
        .prepare(
          `SELECT COUNT(DISTINCT registration_id) AS n FROM connection_history WHERE event = 'connect' AND registration_id LIKE '%-%'`,
        )
        .get() as { n: number };
      expect(online.n).toBe(FLEET);
    } finally {
      db.close();
    }
  }, 90_000);
});
