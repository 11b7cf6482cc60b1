// The Modbus TCP channel against the simulator in Modbus TCP server mode: the example
// profile polled over MBAP and stored exactly as for a DTU, several requests in flight,
// writes from the API through the channel's queue, a peer that is down at start (backoff,
// then recovery), a peer that stops answering, and
// gateways that accept and drop or accept and stay silent (backed off, not hammered).
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startModbusTcpServer, type ModbusTcpServer } from '../../../src/simulator/index.js';
import { removeDir, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import {
  exampleProfile,
  expectBackoffGrowsDespiteConnects,
  expectChannelDevice,
  expectUserPointsStored,
  freePort,
} from '../../helpers/channels.js';
import { connectionRows, dataRows } from '../../helpers/db.js';
import { pinUserValues } from '../../helpers/user-example.js';
import { caller } from '../../helpers/web.js';

let h: Harness | null = null;
let sim: ModbusTcpServer | null = null;

afterEach(async () => {
  await h?.stop();
  if (h) removeDir(h.dir);
  h = null;
  await sim?.close();
  sim = null;
});

function channel(port: number, extra: Record<string, unknown> = {}) {
  return {
    name: 'meter',
    type: 'modbus-tcp',
    host: '127.0.0.1',
    port,
    device: 'METER-01',
    profile: 'th-station',
    backoff: { initial: '100ms', max: '800ms' },
    ...extra,
  };
}

describe('Modbus TCP channel', () => {
  it('stores the example points decoded through scale and byte order, as for a DTU', async () => {
    sim = await startModbusTcpServer({ id: 'METER-01', profile: exampleProfile() });
    pinUserValues(sim.model);
    h = await startApp({ server: (doc) => (doc.channels = [channel(sim!.port)]) });
    // Without rpm: it is polled on heartbeats, and a Modbus TCP device has none.
    await expectUserPointsStored(h, 'METER-01', false);
    expectChannelDevice(h, 'METER-01', 'meter', sim.port);
    expect(sim.counters.connections).toBe(1);
    expect(h.app.channels.get('meter').status()).toMatchObject({ state: 'connected', devices: ['METER-01'] });
  });

  it('writes from the API reach the device through the channel queue (fc 05/06/15/16), audited; exceptions come back', async () => {
    sim = await startModbusTcpServer({ id: 'METER-01', profile: exampleProfile() });
    h = await startApp({ server: (doc) => (doc.channels = [channel(sim!.port, { maxInFlight: 4 })]) });
    await waitFor(() => h!.app.channels.get('meter').state === 'connected', 10_000, 'connected');
    const operator = await caller(h, 'operator');
    const write = (device: string, body: unknown) =>
      fetch(`${h!.webUrl()}/api/devices/${device}/write`, {
        method: 'POST',
        headers: { cookie: operator.cookie, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const requestsBefore = sim.counters.requests;
    expect((await write('METER-01', { slave: 1, fn: 6, address: 2500, value: 4321 })).status).toBe(200);
    expect(sim.model.registers(1, 3, 2500, 1)).toEqual([4321]);
    expect((await write('METER-01', { slave: 1, fn: 16, address: 2510, values: [1, 2, 65535] })).status).toBe(200);
    expect(sim.model.registers(1, 3, 2510, 3)).toEqual([1, 2, 65535]);
    expect((await write('METER-01', { slave: 1, fn: 5, address: 3, value: true })).status).toBe(200);
    expect((await write('METER-01', { slave: 1, fn: 15, address: 8, values: [true, false, true] })).status).toBe(200);
    expect(sim.model.registers(1, 1, 0, 16)).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
    expect(sim.counters.requests - requestsBefore).toBeGreaterThanOrEqual(4);

    sim.setFaults({ exceptionCodes: { 1: 2 } });
    const refused = await write('METER-01', { slave: 1, fn: 6, address: 0, value: 1 });
    expect(refused.status).toBe(502);
    expect(await refused.json()).toMatchObject({ error: { code: 'MODBUS_EXCEPTION' } });
    sim.setFaults({ exceptionCodes: {} });

    // A device no channel or session reaches, and the channel's device once it is stopped.
    expect((await write('OTHER', { slave: 1, fn: 6, address: 0, value: 1 })).status).toBe(409);
    await h.app.channels.get('meter').stop();
    expect((await write('METER-01', { slave: 1, fn: 6, address: 0, value: 1 })).status).toBe(409);

    const admin = await caller(h, 'admin', 'auditor');
    const audit = (await (
      await fetch(`${h.webUrl()}/api/audit?action=write&order=asc`, { headers: { cookie: admin.cookie } })
    ).json()) as { items: Record<string, unknown>[] };
    expect(audit.items.map((r) => [r['device'], r['fn'], r['result']])).toEqual([
      ['METER-01', 6, 'ok'],
      ['METER-01', 16, 'ok'],
      ['METER-01', 5, 'ok'],
      ['METER-01', 15, 'ok'],
      ['METER-01', 6, 'exception 2'],
      ['OTHER', 6, 'not-online'],
      ['METER-01', 6, 'not-online'],
    ]);
  });

  it('keeps several requests in flight when maxInFlight allows it, one at a time otherwise', async () => {
    // Three interval blocks, each answered 300 ms after it is asked: pipelined they land
    // together; one at a time they land 300 ms apart.
    const spread = async (maxInFlight: number) => {
      sim = await startModbusTcpServer({ id: 'METER-01', profile: exampleProfile(), responseDelayMs: 300 });
      h = await startApp({
        server: (doc) => (doc.channels = [channel(sim!.port, { maxInFlight })]),
        points: (doc) => (doc.profiles['th-station'].timing.interRequestDelay = '0ms'),
      });
      // One point of each block: main-block, power, frequency.
      const firsts = ['temperature', 'voltage', 'frequency'];
      const times = await waitFor(
        () => {
          const r = dataRows(h!, 'METER-01');
          const at = firsts.map((p) => r.find((x) => x.point === p)?.at);
          return at.every((t) => t !== undefined) ? (at as number[]).sort((a, b) => a - b) : null;
        },
        10_000,
        'three blocks',
      );
      await h.stop();
      removeDir(h.dir);
      h = null;
      await sim.close();
      sim = null;
      return times[2]! - times[0]!;
    };
    expect(await spread(3)).toBeLessThan(150);
    expect(await spread(1)).toBeGreaterThanOrEqual(550);
  });

  it('retries a peer that is down at start and recovers when it listens', async () => {
    const port = await freePort();
    h = await startApp({ server: (doc) => (doc.channels = [channel(port)]) });
    const c = h.app.channels.get('meter');
    await waitFor(() => c.status().failures >= 3, 10_000, 'three failures');
    expect(c.status()).toMatchObject({ state: 'backing-off', devices: [] });
    expect(c.status().lastError).toMatch(/ECONNREFUSED/);
    sim = await startModbusTcpServer({ id: 'METER-01', profile: exampleProfile(), port });
    await waitFor(() => c.status().state === 'connected', 10_000, 'connected');
    await waitFor(() => dataRows(h!, 'METER-01').length > 0, 10_000, 'data');
    expect(c.status().failures).toBe(0);
  });

  it('drops and reconnects a peer whose socket stays open but which no longer answers', async () => {
    sim = await startModbusTcpServer({ id: 'METER-01', profile: exampleProfile() });
    h = await startApp({
      server: (doc) => (doc.channels = [channel(sim!.port)]),
      points: (doc) => {
        const profile = doc.profiles['th-station'];
        profile.timing = { ...profile.timing, responseTimeout: '200ms', retries: 0 };
        for (const task of profile.tasks) if (task.every) task.every = '300ms';
      },
    });
    const c = h.app.channels.get('meter');
    await waitFor(() => dataRows(h!, 'METER-01').length > 0, 10_000, 'data');
    sim.setFaults({ silentSlaves: [1] });
    await waitFor(() => c.status().counters.disconnects >= 1, 10_000, 'dropped');
    expect(c.status().lastError).toMatch(/3 requests in a row got no answer within 200 ms/);
    sim.setFaults({ silentSlaves: [] });
    const before = dataRows(h, 'METER-01').length;
    await waitFor(
      () => c.status().state === 'connected' && dataRows(h!, 'METER-01').length > before,
      10_000,
      'reconnected and polling',
    );
    expect(sim.counters.connections).toBeGreaterThanOrEqual(2);
    expect(connectionRows(h, 'METER-01').map((r) => r.event)).toEqual(['connect', 'disconnect', 'connect']);
  });

  it.each([
    ['accepts and drops at once (its connection slots are full)', (socket: Socket) => socket.destroy()],
    ['accepts and never answers (nothing behind it)', (socket: Socket) => socket.resume()],
  ])(
    'keeps backing off longer from a gateway that %s: only an answer restarts the backoff',
    async (_what, onAccept) => {
      const held: Socket[] = [];
      const gateway = createServer((socket) => {
        held.push(socket);
        onAccept(socket);
      });
      await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
      try {
        const { port } = gateway.address() as AddressInfo;
        h = await startApp({
          server: (doc) => (doc.channels = [channel(port)]),
          points: (doc) => {
            const profile = doc.profiles['th-station'];
            profile.timing = { ...profile.timing, responseTimeout: '100ms', retries: 0 };
          },
        });
        await expectBackoffGrowsDespiteConnects(h, 'meter', 'METER-01');
      } finally {
        for (const socket of held) socket.destroy();
        await new Promise<void>((r) => gateway.close(() => r()));
      }
    },
  );
});
