// The RTU-over-TCP channel against the simulator's raw RTU server: as a serial device
// server (device and profile preset) the example points are stored exactly as for a DTU;
// as a fixed-IP DTU it registers and heartbeats, and when its heartbeats stop dtuhub drops
// the link after the configured misses, connects to its address again and polls on; a
// peer that is down at start is retried with backoff, visible in the API and the events,
// and one that accepts and drops at once is not hammered; a DTU online through a listener is
// never replaced by the channel's link to it.
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedDtu, startRtuOverTcpServer, type RtuOverTcpServer } from '../../../src/simulator/index.js';
import { removeDir, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import {
  exampleConfig,
  exampleProfile,
  expectBackoffGrowsDespiteConnects,
  expectChannelDevice,
  expectUserPointsStored,
  freePort,
} from '../../helpers/channels.js';
import { channelEvents, connectionRows, dataRows, deviceRow, storedEvents } from '../../helpers/db.js';
import { pinUserValues } from '../../helpers/user-example.js';
import { caller, channelStatus } from '../../helpers/web.js';

let h: Harness | null = null;
let sim: RtuOverTcpServer | null = null;

afterEach(async () => {
  await h?.stop();
  if (h) removeDir(h.dir);
  h = null;
  await sim?.close();
  sim = null;
});

const BACKOFF = { initial: '100ms', max: '800ms' };

/** A serial device server: the device and its profile are configured, nothing registers. */
function serialServer(port: number) {
  return {
    name: 'rs485-gw',
    type: 'rtu-over-tcp',
    host: '127.0.0.1',
    port,
    device: 'RTU-01',
    profile: 'th-station',
    backoff: BACKOFF,
  };
}

/** A fixed-IP DTU in server mode on the example's transparent link: it says who it is. */
function fixedIpDtu(port: number) {
  return { name: 'field-dtu', type: 'rtu-over-tcp', host: '127.0.0.1', port, link: 'transparent', backoff: BACKOFF };
}

describe('RTU-over-TCP channel', () => {
  it('polls a serial device server with the preset profile and stores values exactly as for a DTU', async () => {
    sim = await startRtuOverTcpServer({ id: 'RTU-01', profile: exampleProfile() });
    pinUserValues(sim.model);
    h = await startApp({ server: (doc) => (doc.channels = [serialServer(sim!.port)]) });
    // Without rpm: it is polled on heartbeats, and a serial device server sends none.
    await expectUserPointsStored(h, 'RTU-01', false);
    expectChannelDevice(h, 'RTU-01', 'rs485-gw', sim.port);
    expect(h.app.channels.get('rs485-gw').status()).toMatchObject({
      state: 'connected',
      devices: ['RTU-01'],
      failures: 0,
    });
    // The link is a gateway session: supervision lists it under the channel, writes reach it.
    expect(h.app.gateway.sessions()).toEqual([
      expect.objectContaining({
        deviceId: 'RTU-01',
        state: 'active',
        remote: expect.objectContaining({ listener: 'rs485-gw' }),
      }),
    ]);
    const operator = await caller(h, 'operator');
    const api = (path: string, body?: unknown) =>
      fetch(`${h!.webUrl()}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { cookie: operator.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const write = await api('/api/devices/RTU-01/write', { slave: 1, fn: 6, address: 2500, value: 4321 });
    expect(write.status).toBe(200);
    expect(sim.model.registers(1, 3, 2500, 1)).toEqual([4321]);
    // The device page: reached via the channel, with the session's slave health.
    const { device } = (await (await api('/api/devices/RTU-01')).json()) as { device: Record<string, any> };
    expect(device).toMatchObject({
      status: 'online',
      listener: 'rs485-gw',
      via: { kind: 'channel', channel: 'rs485-gw', type: 'rtu-over-tcp' },
    });
    expect(device['slaves']).toEqual([expect.objectContaining({ slave: 1, name: 'main' })]);
    // One online event, raised by the channel, not a second one by the session.
    await h.app.storeDrained();
    const deviceEvents = await waitFor(
      () => {
        const e = storedEvents(h!, 'device.');
        return e.length >= 2 ? e : null;
      },
      5000,
      'device events',
    );
    expect(deviceEvents.map((e) => e.type)).toEqual(['device.registered', 'device.online']);
    expect(deviceEvents[1]!.payload).toMatchObject({ listener: 'rs485-gw', profile: 'th-station' });
  });

  it('a fixed-IP DTU: registers itself, is dropped after the configured heartbeat misses, reconnected to its address, and polled again', async () => {
    const config = exampleConfig();
    sim = await startRtuOverTcpServer({
      id: 'DTU-FIX-01',
      profile: config.profile(),
      link: config.link('transparent'),
      heartbeatIntervalMs: 100,
    });
    pinUserValues(sim.model);
    h = await startApp({
      server: (doc) => {
        doc.sessions.heartbeatInterval = '300ms';
        doc.sessions.heartbeatMaxMisses = 3;
        doc.channels = [fixedIpDtu(sim!.port)];
      },
    });
    const c = h.app.channels.get('field-dtu');
    // Registration names the device; points.yml's device rules give it th-station; rpm is
    // polled on its heartbeats, as for a DTU that connects in.
    await expectUserPointsStored(h, 'DTU-FIX-01', true);
    expect(deviceRow(h, 'DTU-FIX-01')).toMatchObject({
      profile: 'th-station',
      status: 'online',
      listener: 'field-dtu',
    });
    expect(c.status()).toMatchObject({ state: 'connected', devices: ['DTU-FIX-01'] });
    expect(sim.counters.connections).toBe(1);

    const stoppedAt = Date.now();
    sim.stopHeartbeats();
    const history = await waitFor(
      () => {
        const r = connectionRows(h!, 'DTU-FIX-01');
        return r.some((x) => x.event === 'heartbeat_timeout') ? r : null;
      },
      10_000,
      'heartbeat timeout',
    );
    sim.resumeHeartbeats();
    const timeout = history.find((r) => r.event === 'heartbeat_timeout')!;
    expect(timeout.details).toBe('heartbeat_timeout: 3 heartbeats missed');
    // Three checks 300 ms apart without a heartbeat: not before 600 ms (the first check may
    // come right after the stop), and well before the test's patience runs out.
    expect(timeout.at - stoppedAt).toBeGreaterThanOrEqual(600);
    expect(c.status().lastError).toBe('3 heartbeats missed');

    // dtuhub connects to the DTU again: the simulator sees a new connection, the DTU
    // registers again and polling resumes.
    await waitFor(() => sim!.counters.connections >= 2 && c.status().state === 'connected', 10_000, 'reconnected');
    await waitFor(() => dataRows(h!, 'DTU-FIX-01').some((r) => r.at > timeout.at), 10_000, 'rows after the reconnect');
    expect(connectionRows(h, 'DTU-FIX-01').map((r) => r.event)).toEqual(['connect', 'heartbeat_timeout', 'connect']);
    expect(c.status()).toMatchObject({ devices: ['DTU-FIX-01'], failures: 0 });
    expect(c.status().counters).toMatchObject({ connects: 2, disconnects: 1 });

    // Each presence change is one event, with the reason the session gave.
    await h.app.storeDrained();
    const events = await waitFor(
      () => {
        const e = storedEvents(h!, 'device.');
        return e.filter((x) => x.type === 'device.online').length >= 2 ? e : null;
      },
      5000,
      'device events',
    );
    expect(events.map((e) => e.type)).toEqual([
      'device.registered',
      'device.online',
      'device.offline',
      'device.online',
    ]);
    expect(events[2]!.payload).toMatchObject({ reason: 'heartbeat_timeout', listener: 'field-dtu' });
    expect(storedEvents(h, 'heartbeat.missed').length).toBeGreaterThanOrEqual(3);
  });

  it('backs off while the peer is down at start, shows it in the API and as events, and recovers when it listens', async () => {
    const port = await freePort();
    h = await startApp({ server: (doc) => (doc.channels = [serialServer(port)]) });
    const admin = await caller(h, 'admin');
    const api = () => channelStatus(h!, admin, 'rs485-gw');
    const away = await waitFor(
      async () => {
        const c = await api();
        return c.state === 'backing-off' && c.failures >= 3 ? c : null;
      },
      10_000,
      'three failed attempts',
    );
    expect(away).toMatchObject({ type: 'rtu-over-tcp', target: `127.0.0.1:${port}`, devices: [] });
    expect(away.lastError).toMatch(/ECONNREFUSED/);

    sim = await startRtuOverTcpServer({ id: 'RTU-01', profile: exampleProfile(), port });
    await waitFor(() => dataRows(h!, 'RTU-01').length > 0, 10_000, 'data once the peer listens');
    expect(await api()).toMatchObject({ state: 'connected', devices: ['RTU-01'], failures: 0 });

    await h.app.storeDrained();
    const events = await waitFor(
      () => {
        const e = channelEvents(h!);
        return e.some((x) => x.type === 'channel.connected') ? e : null;
      },
      5000,
      'channel events',
    );
    const types = events.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['channel.failed', 'channel.backoff']);
    expect(types.at(-1)).toBe('channel.connected');
    const retries = events.filter((e) => e.type === 'channel.backoff').map((e) => e.payload['retryInMs']);
    // 100 ms doubling (the test's backoff).
    expect(retries.slice(0, 3)).toEqual([100, 200, 400]);
    expect(events[0]!.payload).toMatchObject({ channel: 'rs485-gw', channelType: 'rtu-over-tcp' });
  });

  it('keeps backing off longer from a peer that accepts and closes at once (the backoff restarts only once it answers)', async () => {
    const dropper = createServer((socket) => socket.destroy());
    await new Promise<void>((r) => dropper.listen(0, '127.0.0.1', () => r()));
    try {
      const { port } = dropper.address() as AddressInfo;
      h = await startApp({ server: (doc) => (doc.channels = [serialServer(port)]) });
      await expectBackoffGrowsDespiteConnects(h, 'rs485-gw', 'RTU-01');
    } finally {
      await new Promise<void>((r) => dropper.close(() => r()));
    }
  });

  it('never replaces a DTU online through a listener: the channel backs off until that connection is gone, then takes over', async () => {
    const config = exampleConfig();
    sim = await startRtuOverTcpServer({ id: 'DTU-BOTH', profile: config.profile(), link: config.link('transparent') });
    h = await startApp({
      server: (doc) => (doc.channels = [{ ...fixedIpDtu(sim!.port), enabled: false }]),
      // Even where the listener's link refuses duplicates, the DTU's own connection comes first.
      points: (doc) => (doc.links.transparent.duplicateIds = 'reject'),
    });
    // The same DTU is also connected in, through the example listener (its client-mode link).
    const dtuLink = () =>
      new SimulatedDtu({
        target: { host: '127.0.0.1', port: h!.port('dtu') },
        link: config.link('transparent'),
        profile: config.profile(),
        id: 'DTU-BOTH',
        heartbeatIntervalMs: 0,
      });
    let inbound = dtuLink();
    try {
      await inbound.start();
      await waitFor(() => h!.app.gateway.registry.get('DTU-BOTH')?.state === 'active', 5000, 'inbound registration');
      const c = h.app.channels.get('field-dtu');
      c.start();
      await waitFor(() => c.status().counters.disconnects >= 3, 10_000, 'three refused links');
      // The listener's session is untouched; the channel's waits grow as for a peer that proves nothing.
      const holder = h.app.gateway.registry.get('DTU-BOTH')!;
      expect(holder).toMatchObject({ isOutbound: false, state: 'active' });
      expect(c.status().lastError).toBe('duplicate registration ID: online through listener dtu');
      await h.app.storeDrained();
      const retries = storedEvents(h, 'channel.backoff').map((e) => e.payload['retryInMs']);
      expect(retries.slice(0, 3)).toEqual([100, 200, 400]);
      expect(connectionRows(h, 'DTU-BOTH').filter((r) => r.event === 'replaced')).toEqual([]);

      // The DTU's own connection goes: the channel brings the device back by itself.
      await inbound.stop();
      await waitFor(
        () => c.status().state === 'connected' && c.status().devices.includes('DTU-BOTH'),
        10_000,
        'channel takes over',
      );
      expect(h.app.gateway.registry.get('DTU-BOTH')).toMatchObject({ isOutbound: true, state: 'active' });

      // The DTU connects in again: its connection replaces the channel's link, which backs off again.
      const disconnects = c.status().counters.disconnects;
      inbound = dtuLink();
      await inbound.start();
      await waitFor(() => h!.app.gateway.registry.get('DTU-BOTH')?.isOutbound === false, 5000, 'inbound again');
      await waitFor(
        () => c.status().counters.disconnects > disconnects && c.status().state !== 'connected',
        5000,
        'channel link replaced',
      );
      await h.app.storeDrained();
      const rows = await waitFor(
        () => {
          const r = connectionRows(h!, 'DTU-BOTH');
          return r.some((x) => x.event === 'replaced') ? r : null;
        },
        5000,
        'the replaced link recorded',
      );
      expect(rows.at(-1)).toMatchObject({ event: 'connect' });
    } finally {
      await inbound.stop();
    }
  });
});
