import { afterEach, describe, expect, it } from 'vitest';
import { startFleet, type SimulatorFleet } from '../../../src/simulator/index.js';
import { profile, transparentLink } from '../../unit/simulator/config-fixtures.js';
import { FakeMaster, rtu } from './fake-master.js';

let fleet: SimulatorFleet | null = null;
let master: FakeMaster | null = null;

afterEach(async () => {
  await fleet?.stop();
  await master?.close();
  fleet = null;
  master = null;
});

describe('SimulatorFleet', () => {
  it('connects and registers 200 DTUs, each with its own ID', async () => {
    master = await FakeMaster.start();
    fleet = await startFleet({
      count: 200,
      target: master.target,
      link: transparentLink(),
      profile: profile(),
      idFor: (i) => `DTU${String(1001 + i).padStart(5, '0')}`,
      heartbeatIntervalMs: 200,
      connectRate: 2000,
    });
    const m = master;
    const registered = async (): Promise<string[]> =>
      Promise.all(m.connections.map(async (c) => (await c.read(8)).toString('latin1')));
    await m.connections[0]!.until(() => m.connections.length === 200, 3000, '200 connections');
    const ids = await registered();
    expect(new Set(ids).size).toBe(200);
    expect(ids).toContain('DTU01001');
    expect(ids).toContain('DTU01200');
    const stats = fleet.stats();
    expect(stats.devices).toBe(200);
    expect(stats.connected).toBe(200);
    expect(stats.failed).toBe(0);
    // The shared wheel drives every DTU's heartbeat.
    await m.connections[0]!.until(() => fleet!.stats().heartbeats >= 200, 3000, 'a heartbeat from each DTU');
    expect(fleet.dtus.every((dtu) => dtu.counters.heartbeats >= 1)).toBe(true);
  });

  it('opens connections no faster than the connect rate', async () => {
    master = await FakeMaster.start();
    const began = Date.now();
    fleet = await startFleet({
      count: 30,
      target: master.target,
      link: transparentLink(),
      idFor: (i) => `D${i}`,
      heartbeatIntervalMs: 0,
      connectRate: 100,
    });
    // 30 connections at 100/s take about 0.3 s.
    expect(Date.now() - began).toBeGreaterThanOrEqual(250);
    expect(fleet.stats().connected).toBe(30);
  });

  it('gives per-DTU overrides to the DTUs that ask for them', async () => {
    master = await FakeMaster.start();
    fleet = await startFleet({
      count: 2,
      target: master.target,
      link: transparentLink(),
      profile: profile(),
      idFor: (i) => `D${i}`,
      heartbeatIntervalMs: 0,
      optionsFor: (i) => (i === 1 ? { silentSlaves: [1] } : undefined),
    });
    const m = master;
    await m.connections[0]!.until(() => m.connections.length === 2, 2000, 'two connections');
    for (const conn of m.connections) {
      await conn.read(2);
      conn.write(rtu('010307d00001'));
    }
    const talkative = fleet.get('D0')!;
    const silent = fleet.get('D1')!;
    await m.connections[0]!.until(() => talkative.counters.responses === 1, 1000, 'answer from D0');
    expect(silent.counters.responses).toBe(0);
    expect(fleet.stats().responses).toBe(1);
  });

  it('counts DTUs that cannot connect as failed instead of throwing', async () => {
    const down = await FakeMaster.start();
    const target = down.target;
    await down.close();
    fleet = await startFleet({ count: 3, target, link: transparentLink(), idFor: (i) => `D${i}` });
    expect(fleet.stats()).toMatchObject({ devices: 3, connected: 0, failed: 3 });
  });
});
