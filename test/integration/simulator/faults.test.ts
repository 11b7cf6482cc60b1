import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { hasValidCrc } from '../../../src/protocol/modbus/crc.js';
import { SimulatedDtu } from '../../../src/simulator/index.js';
import { profile, transparentLink } from '../../unit/simulator/config-fixtures.js';
import { FakeMaster, rtu } from './fake-master.js';
import { rig, type Rig } from './harness.js';

const T0 = Date.UTC(2025, 0, 1, 8);
let current: Rig | null = null;

afterEach(async () => {
  await current?.close();
  current = null;
});

const request = rtu('010307d00002');

describe('fault injection', () => {
  it('puts a heartbeat in the middle of a response', async () => {
    current = await rig({ heartbeatInsideResponse: true });
    const { conn, dtu } = current;
    dtu.freeze(T0);
    await conn.read(8);
    conn.write(request);
    const received = await conn.read(9 + 2);
    const expected = rtu(
      '010304' +
        dtu
          .registers(1, 3, 2000, 2, T0)
          .map((w) => w.toString(16).padStart(4, '0'))
          .join(''),
    );
    expect(received.subarray(4, 6).toString('latin1')).toBe('HB');
    expect(Buffer.concat([received.subarray(0, 4), received.subarray(6)]).toString('hex')).toBe(
      expected.toString('hex'),
    );
  });

  it('sends every packet byte by byte', async () => {
    current = await rig({ chunking: 'byte', chunkGapMs: 3 });
    const { conn, dtu } = current;
    dtu.freeze(T0);
    expect((await conn.read(8)).toString('latin1')).toBe('DTU01001');
    conn.write(request);
    const response = await conn.read(9);
    expect(hasValidCrc(response, 0, 9)).toBe(true);
    // Loopback may merge a few writes, but byte-wise sending yields many small segments.
    expect(conn.chunkSizes.length).toBeGreaterThanOrEqual(8);
    expect(Math.max(...conn.chunkSizes)).toBeLessThan(9);
  });

  it('sends packets in pieces of the given size, the registration whole', async () => {
    current = await rig({ chunking: 3, chunkGapMs: 10 });
    const { conn } = current;
    expect((await conn.read(8)).toString('latin1')).toBe('DTU01001');
    conn.write(request);
    expect(hasValidCrc(await conn.read(9), 0, 9)).toBe(true);
    expect(conn.chunkSizes).toEqual([8, 3, 3, 3]);
  });

  it('sends the registration and the first heartbeat in one write', async () => {
    current = await rig({ mergeRegistrationWith: 'heartbeat', heartbeatIntervalMs: 60_000 });
    const { conn } = current;
    expect((await conn.read(10)).toString('latin1')).toBe('DTU01001HB');
    expect(conn.chunkSizes[0]).toBe(10);
  });

  it('never answers for a silent slave', async () => {
    current = await rig({ silentSlaves: [1] });
    const { conn, dtu } = current;
    await conn.read(8);
    conn.write(request);
    await conn.expectSilence(200);
    expect(dtu.counters.ignored).toBe(1);
  });

  it('answers with the configured exception code for a slave', async () => {
    current = await rig({ exceptionCodes: { 1: 6 } });
    const { conn } = current;
    await conn.read(8);
    conn.write(request);
    expect((await conn.read(5)).toString('hex')).toBe(rtu('018306').toString('hex'));
  });

  it('delays each answer by the response delay', async () => {
    current = await rig({ responseDelayMs: 120 });
    const { conn } = current;
    await conn.read(8);
    const sent = Date.now();
    conn.write(request);
    await conn.read(9, 2000);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(110);
  });

  it('answers late even after the master has moved on to the next request', async () => {
    current = await rig({ lateResponseMs: 200, slaves: [1, 2] });
    const { conn, dtu } = current;
    dtu.setRegisters(1, 3, 0, [0x1111]);
    dtu.setRegisters(2, 3, 0, [0x2222]);
    await conn.read(8);
    conn.write(rtu('010300000001'));
    await new Promise((r) => setTimeout(r, 50));
    conn.write(rtu('020300000001'));
    await conn.expectSilence(100);
    expect((await conn.read(7, 1000)).toString('hex')).toBe(rtu('0103021111').toString('hex'));
    expect((await conn.read(7, 1000)).toString('hex')).toBe(rtu('0203022222').toString('hex'));
  });

  it('corrupts the CRC of the first response only when asked once', async () => {
    current = await rig({ corruptCrc: 'once' });
    const { conn } = current;
    await conn.read(8);
    conn.write(request);
    const first = await conn.read(9);
    conn.write(request);
    const second = await conn.read(9);
    expect(hasValidCrc(first, 0, 9)).toBe(false);
    expect(hasValidCrc(second, 0, 9)).toBe(true);
    expect(first.subarray(0, 7)).toEqual(second.subarray(0, 7));
  });

  it('corrupts about the given share of responses, the same way for the same seed', async () => {
    current = await rig({ corruptCrc: 0.5, seed: 42 });
    const { conn, dtu } = current;
    dtu.freeze(T0);
    await conn.read(8);
    const valid: boolean[] = [];
    for (let i = 0; i < 40; i++) {
      conn.write(request);
      const response = await conn.read(9);
      valid.push(hasValidCrc(response, 0, 9));
    }
    const bad = valid.filter((v) => !v).length;
    expect(bad).toBeGreaterThan(8);
    expect(bad).toBeLessThan(32);
  });

  it('can change faults while running', async () => {
    current = await rig();
    const { conn, dtu } = current;
    await conn.read(8);
    dtu.setFaults({ silentSlaves: [1] });
    conn.write(request);
    await conn.expectSilence(100);
    dtu.setFaults({ silentSlaves: [] });
    conn.write(request);
    expect((await conn.read(9)).subarray(0, 3).toString('hex')).toBe('010304');
  });
});

describe('reconnecting', () => {
  it('reconnects and registers again after the server drops the connection', async () => {
    current = await rig({ reconnect: true, reconnectDelayMs: 50 });
    const { conn, master, dtu } = current;
    await conn.read(8);
    conn.socket.destroy();
    const again = await master.connection(1, 2000);
    expect((await again.read(8)).toString('latin1')).toBe('DTU01001');
    await again.until(() => dtu.connected, 1000, 'connected state');
    expect(dtu.counters.reconnects).toBe(1);
    expect(dtu.counters.connects).toBe(2);
  });

  it('stays down after the connection drops when reconnect is off', async () => {
    current = await rig({ reconnect: false });
    const { conn, master, dtu } = current;
    await conn.read(8);
    conn.socket.destroy();
    await conn.until(() => dtu.state === 'stopped', 1000, 'stopped state');
    await new Promise((r) => setTimeout(r, 100));
    expect(master.connections).toHaveLength(1);
  });
});

describe('starting', () => {
  async function closedPort(): Promise<{ host: string; port: number }> {
    const master = await FakeMaster.start();
    const target = master.target;
    await master.close();
    return target;
  }

  it('rejects start() when nothing listens and reconnect is off', async () => {
    const dtu = new SimulatedDtu({
      id: 'DTU1',
      target: await closedPort(),
      link: transparentLink(),
      profile: profile(),
    });
    await expect(dtu.start()).rejects.toThrow(/ECONNREFUSED/);
    expect(dtu.state).toBe('stopped');
  });

  it('keeps trying until the server comes up when reconnect is on', async () => {
    const target = await closedPort();
    const dtu = new SimulatedDtu({
      id: 'DTU1',
      target,
      link: transparentLink(),
      reconnect: true,
      reconnectDelayMs: 30,
    });
    const started = dtu.start();
    await new Promise((r) => setTimeout(r, 100));
    const received: string[] = [];
    const late = createServer((socket) => socket.once('data', (d: Buffer) => received.push(d.toString('latin1'))));
    await new Promise<void>((resolve) => late.listen(target.port, '127.0.0.1', resolve));
    try {
      await started;
      expect(dtu.connected).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
      expect(received).toEqual(['DTU1']);
    } finally {
      await dtu.stop();
      await new Promise<void>((resolve) => late.close(() => resolve()));
    }
  });

  it('gives up retrying at once when stopped', async () => {
    const dtu = new SimulatedDtu({
      id: 'DTU1',
      target: await closedPort(),
      link: transparentLink(),
      reconnect: true,
      reconnectDelayMs: 10_000,
    });
    const started = dtu.start();
    await new Promise((r) => setTimeout(r, 50));
    const stopping = Date.now();
    await dtu.stop();
    await expect(started).rejects.toThrow(/stopped/);
    expect(Date.now() - stopping).toBeLessThan(500);
  });
});
