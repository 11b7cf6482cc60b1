// `type: mqtt` in server.yml `sinks:`, through the whole app: a simulated DTU polled over TCP,
// its samples published on a private Mosquitto in the documented schema, a write-back
// request carried out through the device's queue (the simulator's register changes) and
// answered on the response topic, a point off the allow-list refused with the documented
// reason, both in the audit log the API serves; then /api/sinks shows the sink and a live
// reload of its settings rebuilds it alone, announcing the devices already online.
import { Value } from '@sinclair/typebox/value';
import type { MqttClient } from 'mqtt';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_MESSAGE, STATUS_MESSAGE, WRITE_RESPONSE } from '../../../src/sinks/mqtt/message-schema.js';
import { gatewayTests, removeDir, waitFor, type Harness } from '../../helpers/app-harness.js';
import { startPrivateBroker, type PrivateBroker } from '../../helpers/mosquitto.js';
import { caller } from '../../helpers/web.js';
import { boilerProfile, expectSetpointWrittenRpmRefused, subscriber, type Received } from './mqtt-north-helpers.js';

const { boot, dtu } = gatewayTests();
const PROFILE = 'mqtt-app';

let broker: PrivateBroker | null = null;
let spillDir: string | null = null;
const clients: MqttClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync()));
  await broker?.dispose();
  broker = null;
  if (spillDir) removeDir(spillDir);
  spillDir = null;
});

/** The sink entry as an operator writes it in server.yml. */
function northSink(url: string, dir: string, prefix = 'north'): Record<string, unknown> {
  return {
    name: 'north',
    type: 'mqtt',
    queue: { flushInterval: '100ms' },
    spill: { dir, retryMin: '200ms', retryMax: '1s' },
    mqtt: {
      url,
      username: 'gateway',
      password: 'broker-secret',
      prefix,
      reconnect: '300ms',
      connectTimeout: '2s',
      writeBack: {
        enabled: true,
        allow: [{ devices: ['BOILER-*'], points: ['*_setpoint'] }],
      },
    },
  };
}

function json(m: Received): Record<string, any> {
  return JSON.parse(m.payload) as Record<string, any>;
}

async function get(h: Harness, cookie: string, path: string): Promise<Record<string, any>> {
  const res = await fetch(`${h.webUrl()}${path}`, { headers: { cookie } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as Record<string, any>;
}

describe('an mqtt sink configured in server.yml', () => {
  it(
    'publishes polled samples, carries out allowed write-backs, refuses the rest and audits both',
    { timeout: 90_000 },
    async () => {
      broker = await startPrivateBroker();
      const dir = (spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-mqtt-app-')));
      const h = await boot({
        server: (s) => {
          s.sinks = [northSink(broker!.url, dir)];
        },
        points: boilerProfile(PROFILE),
      });
      const north = await subscriber(broker.url, 'north/#');
      clients.push(north.client);
      const sim = dtu(h, 'dtu', { id: 'BOILER-1' }, PROFILE);
      await sim.start();

      // Samples of the polled DTU, in the documented schema, with the profile's units.
      const data = await waitFor(
        () => north.messages.find((m) => m.topic === 'north/BOILER-1/data'),
        15_000,
        'a sample message',
      );
      const message = json(data);
      expect(Value.Check(SAMPLE_MESSAGE, message), data.payload).toBe(true);
      expect(message).toMatchObject({ device: 'BOILER-1', profile: PROFILE, quality: 'good' });
      expect(Object.keys(message['points'] as object).sort()).toEqual(['rpm', 'temperature_setpoint']);
      expect(message['units']).toEqual({ temperature_setpoint: '°C' });
      const online = north.messages.find((m) => m.topic === 'north/status/BOILER-1')!;
      expect(Value.Check(STATUS_MESSAGE, json(online))).toBe(true);
      expect(json(online)).toMatchObject({ device: 'BOILER-1', status: 'online', profile: PROFILE });
      expect(north.messages.find((m) => m.topic === 'north/gateway/status')?.payload).toBe('online');

      // Write-back: the sink subscribes right after it connects; ask until an answer comes.
      const requester = (await subscriber(broker.url, 'unused/none')).client;
      clients.push(requester);
      const answer = async (id: string, body: Record<string, unknown>): Promise<Record<string, any>> => {
        await requester.publishAsync('north/write/request/BOILER-1', JSON.stringify({ id, ...body }), { qos: 1 });
        const found = await waitFor(
          () => north.messages.find((m) => m.topic === 'north/write/response/BOILER-1' && json(m)['id'] === id),
          10_000,
          `response ${id}`,
        );
        expect(Value.Check(WRITE_RESPONSE, json(found)), found.payload).toBe(true);
        return json(found);
      };
      await expectSetpointWrittenRpmRefused(answer, () => sim.registers(1, 3, 10, 1));
      // The next polls publish what the write left in the register.
      await waitFor(
        () =>
          north.messages.some(
            (m) => m.topic === 'north/BOILER-1/data' && json(m)['points']['temperature_setpoint'] === 55.5,
          ),
        10_000,
        'a sample with the written value',
      );

      // The audit log the API serves has both, with the sink as the actor.
      const admin = await caller(h, 'admin', 'auditor');
      const audit = await get(h, admin.cookie, '/api/audit?actor=mqtt:north&order=asc');
      const rows = (audit['items'] as Record<string, any>[]).map((r) => [
        r.action,
        r.device,
        r.result,
        r.fn,
        r.address,
        r.details,
      ]);
      expect(rows).toEqual([
        ['write', 'BOILER-1', 'ok', 6, 10, 'temperature_setpoint = 55.5; read back 55.5'],
        [
          'write',
          'BOILER-1',
          'refused',
          null,
          null,
          'point rpm of device BOILER-1 is not on the write-back allow-list',
        ],
      ]);

      // Supervision shows it, without its password.
      await waitFor(() => h.app.sinks.get('north').status().state === 'ok', 10_000, 'the sink ok');
      const sinks = await get(h, admin.cookie, '/api/sinks');
      expect(sinks['items']).toMatchObject([
        {
          name: 'north',
          type: 'mqtt',
          target: `${broker.url} (north, json, write-back)`,
          state: 'ok',
          counters: { dropped: 0, rejected: 0 },
        },
      ]);
      expect(JSON.stringify(sinks)).not.toContain('broker-secret');
      const sent = (sinks['items'] as Record<string, any>[])[0]!['counters']['sent'] as number;
      expect(sent).toBeGreaterThan(0);
    },
  );

  it(
    'is rebuilt alone by a live reload of its settings and publishes on the new prefix',
    { timeout: 60_000 },
    async () => {
      broker = await startPrivateBroker();
      const dir = (spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-mqtt-app-')));
      const h = await boot({
        server: (s) => (s.sinks = [northSink(broker!.url, dir)]),
        points: boilerProfile(PROFILE),
      });
      const watch = await subscriber(broker.url, '#');
      clients.push(watch.client);
      const sim = dtu(h, 'dtu', { id: 'DTU-R1' }, PROFILE);
      await sim.start();
      await waitFor(() => watch.messages.some((m) => m.topic === 'north/DTU-R1/data'), 15_000, 'a sample on north/');

      const file = join(h.dir, 'server.yml');
      const server = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
      server['sinks'] = [northSink(broker.url, dir, 'south')];
      writeFileSync(file, JSON.stringify(server, null, 2));
      const outcome = await h.app.configReload.reload('api', 'tester');
      expect(outcome).toMatchObject({ ok: true, needsRestart: [] });
      expect(outcome.ok && outcome.changes.map((c) => `${c.scope} ${c.name} ${c.action}`)).toEqual([
        'sink north changed',
      ]);
      // The rebuilt sink learns the device from the registry's view and its next samples.
      await waitFor(() => watch.messages.some((m) => m.topic === 'south/DTU-R1/data'), 15_000, 'a sample on south/');
      // Batches taken before the new connection was up were journaled; once replayed it is ok.
      await waitFor(() => h.app.sinks.get('north').status().state === 'ok', 10_000, 'the rebuilt sink ok');
      expect(h.app.sinks.get('north').status()).toMatchObject({
        type: 'mqtt',
        target: `${broker.url} (south, json, write-back)`,
        counters: { dropped: 0 },
      });
      // The device was online before the new sink existed: the sink announces it at its start.
      const status = watch.messages.find((m) => m.topic === 'south/status/DTU-R1');
      expect(status && Value.Check(STATUS_MESSAGE, json(status))).toBe(true);
      expect(json(status!)).toMatchObject({ device: 'DTU-R1', status: 'online', profile: PROFILE });
      // The old connection said goodbye on its own gateway topic; the new one is online on its.
      await waitFor(
        () =>
          watch.messages.some((m) => m.topic === 'north/gateway/status' && m.payload === 'offline') &&
          watch.messages.some((m) => m.topic === 'south/gateway/status' && m.payload === 'online'),
        10_000,
        'gateway status on both prefixes',
      );
    },
  );
});
