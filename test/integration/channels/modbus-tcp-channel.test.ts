// The Modbus TCP channel against the simulator in Modbus TCP server mode: the example
// profile polled over MBAP and stored exactly as for a DTU, several requests in flight,
// a peer that is down at start (backoff, then recovery), a peer that stops answering.
import { afterEach, describe, expect, it } from 'vitest';
import { startModbusTcpServer, type ModbusTcpServer } from '../../../src/simulator/index.js';
import { removeDir, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import { exampleProfile, expectChannelDevice, expectUserPointsStored, freePort } from '../../helpers/channels.js';
import { connectionRows, dataRows } from '../../helpers/db.js';
import { pinUserValues } from '../../helpers/user-example.js';

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
  return { name: 'meter', type: 'modbus-tcp', host: '127.0.0.1', port, device: 'METER-01', profile: 'th-station', backoff: { initial: '100ms', max: '800ms' }, ...extra };
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
      const times = await waitFor(() => {
        const r = dataRows(h!, 'METER-01');
        const at = firsts.map((p) => r.find((x) => x.point === p)?.at);
        return at.every((t) => t !== undefined) ? (at as number[]).sort((a, b) => a - b) : null;
      }, 10_000, 'three blocks');
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
    await waitFor(() => c.status().state === 'connected' && dataRows(h!, 'METER-01').length > before, 10_000, 'reconnected and polling');
    expect(sim.counters.connections).toBeGreaterThanOrEqual(2);
    expect(connectionRows(h, 'METER-01').map((r) => r.event)).toEqual(['connect', 'disconnect', 'connect']);
  });
});
