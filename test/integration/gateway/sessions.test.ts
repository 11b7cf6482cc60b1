// Session rules on real sockets: heartbeat timeouts, duplicate IDs, unknown IDs, every
// registration/heartbeat/framing mode, and a stop that flushes what was accepted.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedDtuOptions } from '../../../src/simulator/index.js';
import { gatewayTests, waitFor, type HarnessOptions } from '../../helpers/app-harness.js';
import { connectionRows, countRows, dataRows, deviceRow, storedEvents } from '../../helpers/db.js';

const { boot, dtu: simulated } = gatewayTests();
const sockets: Socket[] = [];

afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', reject);
    s.resume(); // read (and ignore) what the server sends, so its close is seen
    sockets.push(s);
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.on('close', () => resolve());
  });
}

/** Adds links for every registration/heartbeat/framing mode, each on its own listener. */
const allModes: HarnessOptions = {
  points: (p) => {
    p.links['hex-id'] = {
      framing: 'transparent',
      registration: { type: 'hex', length: 6, prefix: 'AA55' },
      heartbeat: { hex: 'FE01' },
    };
    p.links['data-carry'] = {
      framing: 'transparent',
      registration: { type: 'ascii', length: 8, mode: 'every-packet' },
      heartbeat: { ascii: 'PING', reply: { ascii: 'PONG' } },
    };
    p.links['regex-id'] = {
      framing: 'transparent',
      registration: { type: 'ascii', pattern: '^REG:([A-Z0-9]+);' },
      heartbeat: { ascii: 'HB' },
    };
    p.links['unsolicited'] = {
      framing: 'unsolicited',
      registration: { type: 'ascii', terminator: '\r\n' },
      heartbeat: { ascii: 'HB' },
    };
  },
  server: (s) => {
    for (const name of ['hex-id', 'data-carry', 'regex-id', 'unsolicited'])
      s.listeners.push({ name, host: '127.0.0.1', port: 0, link: name });
  },
};

describe('registration, heartbeat and framing modes', () => {
  const cases: { listener: string; id: string; extra?: Partial<SimulatedDtuOptions> }[] = [
    {
      listener: 'dtu',
      id: 'DTU02002',
      extra: { chunking: 'byte', heartbeatInsideResponse: true, heartbeatIntervalMs: 200 },
    },
    { listener: 'dtu', id: 'DTU02003', extra: { mergeRegistrationWith: 'heartbeat', heartbeatIntervalMs: 300 } },
    { listener: 'typed', id: '7002', extra: { heartbeatIntervalMs: 200 } },
    { listener: 'hex-id', id: 'A1B2C3D4E5F6', extra: { heartbeatIntervalMs: 200 } },
    { listener: 'data-carry', id: 'DTU03003', extra: { heartbeatIntervalMs: 200 } },
    { listener: 'regex-id', id: 'R77', extra: { registration: Buffer.from('REG:R77;'), heartbeatIntervalMs: 200 } },
    { listener: 'unsolicited', id: 'PUSH01', extra: { pushIntervalMs: 100, heartbeatIntervalMs: 200 } },
  ];

  it.each(cases)(
    '$listener DTU $id registers, heartbeats and delivers decoded data',
    async ({ listener, id, extra }) => {
      const h = await boot(allModes);
      const sim = simulated(h, listener, { id, ...extra });
      sim.setRegisters(1, 3, 2000, [253]);
      await sim.start();
      const row = await waitFor(
        () => dataRows(h, id).find((r) => r.point === 'temperature'),
        10_000,
        `${id} temperature`,
      );
      expect(row.value).toBe(25.3);
      await waitFor(() => countRows(h, 'heartbeat_log', id) > 0, 5000, `${id} heartbeat`);
      expect(deviceRow(h, id)).toMatchObject({ status: 'online' });
      const counters = h.app.gateway.counters;
      expect(counters.badCrc).toBe(0);
      if (extra?.heartbeatInsideResponse) expect(counters.heartbeatsInsideResponse).toBeGreaterThan(0);
      if (listener === 'data-carry') expect(sim.counters.heartbeatReplies).toBeGreaterThan(0);
    },
  );
});

describe('heartbeat supervision', () => {
  it('closes a DTU after 3 missed heartbeats and records heartbeat_timeout', async () => {
    const h = await boot({ server: (s) => (s.sessions.heartbeatInterval = '150ms') });
    // timerResolution auto: 5 % of the shortest period, here the 150 ms heartbeat interval.
    expect(h.app.gateway.timerResolutionMs).toBe(7);
    const sim = simulated(h, 'dtu', { id: 'DTU-QUIET', heartbeatIntervalMs: 50 });
    await sim.start();
    await waitFor(() => countRows(h, 'heartbeat_log', 'DTU-QUIET') > 0, 5000, 'first heartbeat');
    sim.stopHeartbeats();
    const started = Date.now();
    const row = await waitFor(
      () => connectionRows(h, 'DTU-QUIET').find((r) => r.event === 'heartbeat_timeout'),
      5000,
      'heartbeat_timeout row',
    );
    // 3 intervals of 150 ms without a heartbeat (the first may be partly used up).
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(row.details).toContain('3 heartbeats missed');
    expect(deviceRow(h, 'DTU-QUIET')).toMatchObject({ status: 'offline' });
  });
});

describe('the scheduler step', () => {
  it('takes sessions.timerResolution and still closes a silent DTU after 3 missed heartbeats', async () => {
    const h = await boot({
      server: (s) => {
        s.sessions.heartbeatInterval = '150ms';
        s.sessions.timerResolution = '60ms';
      },
    });
    expect(h.app.gateway.timerResolutionMs).toBe(60);
    const sim = simulated(h, 'dtu', { id: 'DTU-COARSE', heartbeatIntervalMs: 50 });
    await sim.start();
    await waitFor(() => countRows(h, 'heartbeat_log', 'DTU-COARSE') > 0, 5000, 'first heartbeat');
    sim.stopHeartbeats();
    const row = await waitFor(
      () => connectionRows(h, 'DTU-COARSE').find((r) => r.event === 'heartbeat_timeout'),
      5000,
      'heartbeat_timeout row',
    );
    expect(row.details).toContain('3 heartbeats missed');
  });
});

describe('a DTU that drops its link', () => {
  it('records a reset connection as the peer closing it, with the reset in the details', async () => {
    const h = await boot();
    const socket = await rawSocket(h.port('dtu'));
    socket.write('DTU-RST');
    await waitFor(() => h.app.gateway.registry.get('DTU-RST'), 5000, 'registration');
    socket.resetAndDestroy();
    const row = await waitFor(
      () => connectionRows(h, 'DTU-RST').find((r) => r.event !== 'connect'),
      5000,
      'disconnect row',
    );
    expect(row).toMatchObject({ event: 'disconnect' });
    expect(row.details).toContain('ECONNRESET');
    expect(deviceRow(h, 'DTU-RST')).toMatchObject({ status: 'offline' });
    const offline = await waitFor(
      () => storedEvents(h, 'device.offline').find((e) => e.deviceId === 'DTU-RST'),
      5000,
      'device.offline event',
    );
    expect(offline.payload).toMatchObject({ reason: 'closed' });
  });
});

describe('duplicate and unknown IDs', () => {
  it('lets the newest connection replace the old one under the replace policy', async () => {
    const h = await boot();
    const first = await rawSocket(h.port('dtu'));
    first.write('DTU-DUP');
    await waitFor(() => h.app.gateway.registry.get('DTU-DUP'), 5000, 'first registration');
    const second = await rawSocket(h.port('dtu'));
    second.write('DTU-DUP');
    await closed(first);
    const rows = await waitFor(
      () => {
        const r = connectionRows(h, 'DTU-DUP');
        return r.some((x) => x.event === 'replaced') && r.filter((x) => x.event === 'connect').length === 2 ? r : null;
      },
      5000,
      'replaced row',
    );
    expect(rows.map((r) => r.event)).toEqual(['connect', 'replaced', 'connect']);
    expect(second.destroyed).toBe(false);
  });

  it('refuses the newcomer under the reject policy', async () => {
    const h = await boot({ points: (p) => (p.links.transparent.duplicateIds = 'reject') });
    const first = await rawSocket(h.port('dtu'));
    first.write('DTU-ONE');
    await waitFor(() => h.app.gateway.registry.get('DTU-ONE'), 5000, 'first registration');
    const second = await rawSocket(h.port('dtu'));
    second.write('DTU-ONE');
    await closed(second);
    const rows = await waitFor(
      () => connectionRows(h, 'DTU-ONE').find((r) => r.event === 'rejected'),
      5000,
      'rejected row',
    );
    expect(rows.details).toContain('duplicate');
    expect(first.destroyed).toBe(false);
  });

  it('rejects an unlisted ID when unknown IDs are refused', async () => {
    const h = await boot({
      points: (p) => {
        p.links.transparent.unknownIds = 'reject';
        p.devices = [{ id: 'DTU-KNOWN', profile: 'th-station' }];
      },
    });
    const stranger = await rawSocket(h.port('dtu'));
    stranger.write('DTU-STRANGER');
    await closed(stranger);
    const known = await rawSocket(h.port('dtu'));
    known.write('DTU-KNOWN');
    await waitFor(() => h.app.gateway.registry.get('DTU-KNOWN'), 5000, 'known device');
    await waitFor(() => connectionRows(h, 'DTU-STRANGER').find((r) => r.event === 'rejected'), 5000, 'rejected row');
  });
});

describe('bad input', () => {
  it('closes a connection that sends garbage before registering, and stores nothing', async () => {
    const h = await boot();
    const s = await rawSocket(h.port('dtu'));
    s.write(Buffer.from([0x00, 0xff, 0x13, 0x37]));
    await closed(s);
    expect(h.app.gateway.counters.registrationFailures).toBe(1);
    expect(countRows(h, 'device_data')).toBe(0);
    expect(countRows(h, 'devices')).toBe(0);
  });

  it('closes an oversized registration', async () => {
    const h = await boot();
    const s = await rawSocket(h.port('dtu'));
    s.write('X'.repeat(200));
    await closed(s);
    expect(h.app.gateway.counters.registrationFailures).toBe(1);
  });

  it('closes a slow drip that never completes a registration', async () => {
    const h = await boot({ server: (s) => (s.sessions.registrationTimeout = '300ms') });
    const s = await rawSocket(h.port('dtu'));
    s.write(Buffer.from([0x01]));
    const drip = setInterval(() => s.writable && s.write(Buffer.from([0x03])), 20);
    await closed(s);
    clearInterval(drip);
    // 0x01 is not printable: the registration fails at once, or the timeout closes the drip.
    expect(h.app.gateway.counters.registrationFailures + h.app.gateway.counters.registrationTimeouts).toBe(1);
  });

  it('discards random bytes after registration without storing or crashing, and keeps polling', async () => {
    const h = await boot();
    const sim = simulated(h, 'dtu', { id: 'DTU-NOISY' });
    sim.setRegisters(1, 3, 2000, [253]);
    await sim.start();
    await waitFor(() => dataRows(h, 'DTU-NOISY').length > 0, 10_000, 'first data');
    const noise = await rawSocket(h.port('dtu'));
    noise.write('DTU-NOISE2');
    await waitFor(() => h.app.gateway.registry.get('DTU-NOISE2'), 5000, 'noise registered');
    let seed = 12345;
    for (let i = 0; i < 50; i++) {
      const chunk = Buffer.alloc(64);
      for (let j = 0; j < chunk.length; j++) chunk[j] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
      noise.write(chunk);
    }
    await waitFor(
      () => h.app.gateway.counters.garbageBytes + h.app.gateway.counters.overflows > 0,
      5000,
      'garbage counted',
    );
    expect(dataRows(h, 'DTU-NOISE2')).toEqual([]);
    // The well-behaved DTU on the same port keeps being served.
    const before = dataRows(h, 'DTU-NOISY').length;
    sim.sendHeartbeat();
    await waitFor(() => dataRows(h, 'DTU-NOISY').length > before, 5000, 'polling continues');
  });
});

describe('shutdown', () => {
  it('flushes every accepted sample to SQLite when the server stops', async () => {
    const h = await boot({
      server: (s) => (s.writeBuffer = { maxRows: 100000, flushInterval: '1h', idleFlushDelay: '1h' }),
    });
    let accepted = 0;
    h.app.bus.on('data', (e) => (accepted += e.samples.length));
    const sim = simulated(h, 'dtu', { id: 'DTU-FLUSH' });
    await sim.start();
    for (let i = 0; i < 5; i++) {
      sim.sendHeartbeat();
      await new Promise((r) => setTimeout(r, 60));
    }
    await waitFor(() => h.app.gateway.sessions()[0]?.lastDataAt, 5000, 'data accepted');
    await new Promise((r) => setTimeout(r, 200));
    expect(accepted).toBeGreaterThan(0);
    expect(countRows(h, 'device_data')).toBe(0); // nothing flushed yet: interval is 1 h
    await h.stop();
    expect(countRows(h, 'device_data')).toBe(accepted);
    const rows = connectionRows(h, 'DTU-FLUSH');
    expect(rows.at(-1)).toMatchObject({ event: 'disconnect' });
  });
});
