// The MQTT subscribe channel against the real Mosquitto on 127.0.0.1:1883 (no broker: these
// tests fail): wildcard filters, device IDs from a topic level and from the payload, values
// stored like DTU data, bad messages counted and never stored, a persistent QoS 1 session
// that delivers what was published while the channel (or dtuhub) was stopped, a connection
// that goes silent behind a proxy (keepalive); and against a private broker process that is
// killed and restarted (backoff, status in the API, events, recovery) or refuses the login.
import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import { channelEvents, dataRows, deviceRow } from '../../helpers/db.js';
import { startPrivateBroker, type PrivateBroker } from '../../helpers/mosquitto.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';
import { caller, channelStatus, type Caller } from '../../helpers/web.js';

const BROKER = 'mqtt://127.0.0.1:1883';

let h: Harness | null = null;
let publisher: MqttClient | null = null;
let broker: PrivateBroker | null = null;
let proxy: TcpProxy | null = null;
/** Client IDs whose persistent sessions are cleared on the shared broker after the test. */
const sessions: string[] = [];

afterEach(async () => {
  await h?.stop();
  if (h) removeDir(h.dir);
  h = null;
  await publisher?.endAsync();
  publisher = null;
  await broker?.dispose();
  broker = null;
  await proxy?.close();
  proxy = null;
  // A clean connect ends the session the broker kept for the channel (and its queued messages).
  for (const clientId of sessions.splice(0)) {
    const c = await connectAsync(BROKER, { clientId, clean: true, reconnectPeriod: 0, connectTimeout: 5000 });
    await c.endAsync();
  }
});

/** A topic prefix and client ID of this test alone: the broker is shared. */
function unique(): { prefix: string; clientId: string } {
  const id = randomBytes(6).toString('hex');
  sessions.push(`dtuhub-it-${id}`);
  return { prefix: `dtuhub-test/${id}`, clientId: `dtuhub-it-${id}` };
}

function channel(url: string, prefix: string, clientId: string, extra: Record<string, unknown> = {}) {
  return {
    name: 'plant',
    type: 'mqtt',
    url,
    clientId,
    backoff: { initial: '100ms', max: '400ms' },
    maxPayload: '1KiB',
    subscriptions: [
      // dtuhub-test/<id>/site/<device>/telemetry: the device is level 3.
      {
        topic: `${prefix}/site/+/telemetry`,
        device: 'topic:3',
        timestamp: 'ts',
        points: [
          { name: 'temperature', path: 'data.t', scale: 0.1, decimals: 1, unit: '°C' },
          { name: 'pump_on', path: 'data.pump' },
          { name: 'status_text', path: 'data.status' },
          { name: 'pressure', path: 'data.p', offset: -1000, decimals: 2 },
        ],
      },
      {
        topic: `${prefix}/meters/#`,
        device: 'json:meta.id',
        timestamp: 'ts',
        points: [{ name: 'energy', path: 'e.kwh', scale: 0.01, decimals: 2 }],
      },
      // Covers both filters above: messages they map are still stored once, by them.
      { topic: `${prefix}/#`, device: 'CATCH-ALL', points: [{ name: 'n', path: 'n' }] },
    ],
    ...extra,
  };
}

async function publish(topic: string, payload: unknown, url = BROKER): Promise<void> {
  publisher ??= await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000 });
  await publisher.publishAsync(
    topic,
    typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
    { qos: 1 },
  );
}

/** POST /api/channels/plant/{action} as an admin. */
async function channelAction(harness: Harness, admin: Caller, action: string): Promise<void> {
  const res = await fetch(`${harness.webUrl()}/api/channels/plant/${action}`, {
    method: 'POST',
    headers: { cookie: admin.cookie },
  });
  expect(res.status).toBe(200);
}

function connected(harness: Harness): Promise<unknown> {
  return waitFor(() => harness.app.channels.get('plant').status().state === 'connected', 10_000, 'channel connected');
}

describe('MQTT subscribe channel', () => {
  it('maps wildcard topics to devices from a topic level and from the payload, stored like DTU data, once per message', async () => {
    const { prefix, clientId } = unique();
    h = await startApp({ server: (doc) => (doc.channels = [channel(BROKER, prefix, clientId)]) });
    await connected(h);
    const ts = Date.UTC(2026, 10, 22, 8, 0, 0);
    await publish(`${prefix}/site/PUMP-1/telemetry`, {
      ts: new Date(ts).toISOString(),
      data: { t: 253, pump: true, status: 'running', p: '1013.257' },
    });
    await publish(`${prefix}/site/PUMP-2/telemetry`, {
      ts: ts / 1000,
      data: { t: -12, pump: false, status: 'idle', p: 990 },
    });
    await publish(`${prefix}/meters/hall/a`, { meta: { id: 'METER-9' }, e: { kwh: 123456 } });
    await publish(`${prefix}/misc`, { n: 7 });

    await waitFor(
      () =>
        dataRows(h!, 'PUMP-1').length >= 4 &&
        dataRows(h!, 'PUMP-2').length >= 4 &&
        dataRows(h!, 'METER-9').length >= 1 &&
        dataRows(h!, 'CATCH-ALL').length >= 1,
      10_000,
      'rows',
    );
    const byPoint = (id: string) => Object.fromEntries(dataRows(h!, id).map((r) => [r.point, r]));
    const p1 = byPoint('PUMP-1');
    expect(p1['temperature']).toMatchObject({
      value: 25.3,
      text: null,
      raw: '253',
      slave: 0,
      address: 0,
      quality: 'good',
      at: ts,
    });
    expect(p1['pump_on']).toMatchObject({ value: 1, raw: 'true' });
    expect(p1['status_text']).toMatchObject({ value: null, text: 'running', raw: '"running"' });
    expect(p1['pressure']).toMatchObject({ value: 13.26, raw: '"1013.257"' });
    expect(byPoint('PUMP-2')).toMatchObject({
      temperature: { value: -1.2, at: ts },
      pump_on: { value: 0 },
      status_text: { text: 'idle' },
      pressure: { value: -10 },
    });
    expect(byPoint('METER-9')['energy']).toMatchObject({ value: 1234.56, raw: '123456' });
    expect(byPoint('CATCH-ALL')['n']).toMatchObject({ value: 7 });

    // Stored once: each message went to its first matching subscription only.
    await h.app.storeDrained();
    expect(dataRows(h, 'PUMP-1')).toHaveLength(4);
    expect(dataRows(h, 'METER-9')).toHaveLength(1);
    expect(dataRows(h, 'CATCH-ALL')).toHaveLength(1);
    expect(deviceRow(h, 'PUMP-1')).toMatchObject({
      profile: 'mqtt',
      status: 'online',
      last_ip: '127.0.0.1',
      last_port: 1883,
      listener: 'plant',
    });
    expect(h.app.latest.get('METER-9', 'energy')?.value).toBe(1234.56);

    const admin = await caller(h, 'admin');
    const status = await channelStatus(h, admin, 'plant');
    expect(status).toMatchObject({
      type: 'mqtt',
      state: 'connected',
      target: `${BROKER}`,
      lastError: null,
      counters: { collects: 4, collectErrors: 0, samples: 10 },
    });
    expect([...status.devices].sort()).toEqual(['CATCH-ALL', 'METER-9', 'PUMP-1', 'PUMP-2']);
  });

  it('counts messages it cannot read (not JSON, too big, no device ID) and stores none of them', async () => {
    const { prefix, clientId } = unique();
    h = await startApp({ server: (doc) => (doc.channels = [channel(BROKER, prefix, clientId)]) });
    await connected(h);
    const c = h.app.channels.get('plant');
    await publish(`${prefix}/site/PUMP-1/telemetry`, 'temperature=25');
    await publish(`${prefix}/site/PUMP-1/telemetry`, JSON.stringify({ data: { t: 1, status: 'x'.repeat(2000) } }));
    await publish(`${prefix}/meters/a`, { e: { kwh: 5 } });
    await waitFor(() => c.status().counters.collectErrors >= 3, 10_000, 'three collect errors');
    expect(c.status().lastError).toBe(`message on ${prefix}/meters/a: no device ID at meta.id`);

    // A message with some points missing stores the rest and is counted too.
    await publish(`${prefix}/site/PUMP-1/telemetry`, { data: { t: 200 } });
    await waitFor(() => dataRows(h!, 'PUMP-1').length > 0, 10_000, 'partial message stored');
    await h.app.storeDrained();
    expect(dataRows(h, 'PUMP-1').map((r) => [r.point, r.value])).toEqual([['temperature', 20]]);
    expect(c.status()).toMatchObject({ state: 'connected', counters: { collectErrors: 4, collects: 1 } });
    expect(c.status().lastError).toBe(
      `message on ${prefix}/site/PUMP-1/telemetry: missing: pump_on, status_text, pressure`,
    );
    expect(deviceRow(h, 'METER-9')).toBeUndefined();
  });

  it('receives QoS 1 messages published while the channel was stopped (persistent session)', async () => {
    const { prefix, clientId } = unique();
    h = await startApp({ server: (doc) => (doc.channels = [channel(BROKER, prefix, clientId)]) });
    await connected(h);
    const admin = await caller(h, 'admin');
    const post = (action: string) => channelAction(h!, admin, action);
    await post('stop');
    expect(await channelStatus(h, admin, 'plant')).toMatchObject({ state: 'stopped' });

    // The meter's own timestamps: a backlog arrives within a millisecond or two, and the
    // history keeps one value per point and millisecond.
    const t0 = Date.UTC(2026, 11, 1);
    for (let i = 1; i <= 5; i++)
      await publish(`${prefix}/meters/m`, { meta: { id: 'METER-Q' }, ts: t0 + i * 1000, e: { kwh: i * 100 } });
    await h.app.storeDrained();
    expect(dataRows(h, 'METER-Q')).toEqual([]);

    await post('start');
    await waitFor(() => dataRows(h!, 'METER-Q').length >= 5, 10_000, 'queued messages stored');
    expect(dataRows(h, 'METER-Q').map((r) => [r.at - t0, r.value])).toEqual([
      [1000, 1],
      [2000, 2],
      [3000, 3],
      [4000, 4],
      [5000, 5],
    ]);
    expect(await channelStatus(h, admin, 'plant')).toMatchObject({ state: 'connected', devices: ['METER-Q'] });

    // The same across a restart of dtuhub itself.
    await h.stop();
    await publish(`${prefix}/meters/m`, { meta: { id: 'METER-Q' }, ts: t0 + 6000, e: { kwh: 600 } });
    h = await h.restart();
    await waitFor(() => dataRows(h!, 'METER-Q').length >= 6, 10_000, 'message queued across a restart');
    expect(dataRows(h, 'METER-Q').at(-1)).toMatchObject({ at: t0 + 6000, value: 6 });
  });

  it('loses no message of a stream when the channel is stopped and started in the middle of it', async () => {
    const { prefix, clientId } = unique();
    h = await startApp({ server: (doc) => (doc.channels = [channel(BROKER, prefix, clientId)]) });
    await connected(h);
    const admin = await caller(h, 'admin');
    const t0 = Date.UTC(2026, 11, 3);
    const total = 300;
    // Bursts of 50 not waiting for the broker (under its 1000-message queue), the channel
    // stopped while a burst is being delivered to it and started during a later one.
    for (let burst = 0; burst < total / 50; burst++) {
      const sent = Array.from({ length: 50 }, (_, k) => {
        const i = burst * 50 + k + 1;
        return publish(`${prefix}/meters/m`, { meta: { id: 'METER-S' }, ts: t0 + i, e: { kwh: i } });
      });
      if (burst === 2) await channelAction(h, admin, 'stop');
      if (burst === 4) await channelAction(h, admin, 'start');
      await Promise.all(sent);
    }
    await waitFor(() => dataRows(h!, 'METER-S').length >= total, 15_000, 'every message stored');
    const offsets = dataRows(h, 'METER-S').map((r) => r.at - t0);
    expect(offsets).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('backs off while the broker is down, shows it in the API and as events, and recovers by itself', async () => {
    const { prefix, clientId } = unique();
    broker = await startPrivateBroker();
    h = await startApp({ server: (doc) => (doc.channels = [channel(broker!.url, prefix, clientId)]) });
    await connected(h);
    const admin = await caller(h, 'admin');
    const api = () => channelStatus(h!, admin, 'plant');
    await publish(
      `${prefix}/site/PUMP-7/telemetry`,
      { data: { t: 100, pump: true, status: 'a', p: 1000 } },
      broker.url,
    );
    await waitFor(() => dataRows(h!, 'PUMP-7').length >= 4, 10_000, 'first rows');
    expect(await api()).toMatchObject({ state: 'connected', devices: ['PUMP-7'], target: `${broker.url}` });
    await publisher!.endAsync(true);
    publisher = null;

    await broker.stop();
    const away = await waitFor(
      async () => {
        const c = await api();
        return c.state === 'backing-off' && c.failures >= 4 ? c : null;
      },
      10_000,
      'four failed attempts',
    );
    expect(away.lastError).toMatch(/ECONNREFUSED/);
    expect(away.devices).toEqual([]);
    expect(away.counters.disconnects).toBe(1);
    expect(deviceRow(h, 'PUMP-7')).toMatchObject({ status: 'offline' });

    await broker.restart();
    await waitFor(async () => (await api()).state === 'connected', 10_000, 'reconnect');
    expect((await api()).failures).toBe(0);
    // The private broker kept no session: the channel subscribed again on its own.
    await publish(
      `${prefix}/site/PUMP-7/telemetry`,
      { data: { t: 150, pump: false, status: 'b', p: 1000 } },
      broker.url,
    );
    await waitFor(() => dataRows(h!, 'PUMP-7').length >= 8, 10_000, 'rows after recovery');
    expect(h.app.latest.get('PUMP-7', 'temperature')?.value).toBe(15);

    await h.app.storeDrained();
    await waitFor(() => channelEvents(h!).filter((e) => e.type === 'channel.connected').length >= 2, 5000, 'events');
    const events = channelEvents(h);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('channel.connected');
    expect(types).toContain('channel.disconnected');
    expect(types).toContain('channel.failed');
    const retries = events.filter((e) => e.type === 'channel.backoff').map((e) => e.payload['retryInMs']);
    // 100 ms doubling, capped at 400 ms (the test's backoff).
    expect(retries.slice(0, 4)).toEqual([100, 200, 400, 400]);
    expect(events.at(-1)).toMatchObject({
      type: 'channel.connected',
      payload: { channel: 'plant', channelType: 'mqtt' },
    });
  });

  it('retries a broker that refuses the login with the channel backoff', async () => {
    const { prefix, clientId } = unique();
    broker = await startPrivateBroker({ anonymous: false });
    h = await startApp({
      server: (doc) =>
        (doc.channels = [channel(broker!.url, prefix, clientId, { username: 'dtuhub', password: 'wrong' })]),
    });
    const c = h.app.channels.get('plant');
    await waitFor(() => c.status().failures >= 2, 10_000, 'two refused logins');
    expect(c.status()).toMatchObject({
      state: expect.stringMatching(/backing-off|connecting/),
      lastError: 'Connection refused: Not authorized',
      counters: { connects: 0 },
    });
    expect(c.status().counters.connectFailures).toBeGreaterThanOrEqual(2);
  });

  it('drops a connection that goes silent (keepalive), and the session delivers what was published meanwhile', async () => {
    const { prefix, clientId } = unique();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 1883 });
    const url = `mqtt://127.0.0.1:${proxy.port}`;
    h = await startApp({
      server: (doc) => (doc.channels = [channel(url, prefix, clientId, { keepalive: '1s', connectTimeout: '1s' })]),
    });
    await connected(h);
    const c = h.app.channels.get('plant');

    proxy.blackhole();
    await waitFor(() => c.status().counters.disconnects === 1, 10_000, 'keepalive timeout');
    // Published to the broker directly while the channel cannot reach it.
    const t0 = Date.UTC(2026, 11, 2);
    for (let i = 1; i <= 3; i++)
      await publish(`${prefix}/meters/m`, { meta: { id: 'METER-K' }, ts: t0 + i * 1000, e: { kwh: i * 100 } });
    await waitFor(() => c.status().counters.connectFailures >= 1, 10_000, 'a connect into the silence failing');
    expect(c.status().lastError).toMatch(/no CONNACK|connack timeout/i);

    proxy.restore();
    await waitFor(() => dataRows(h!, 'METER-K').length >= 3, 15_000, 'queued messages after recovery');
    expect(dataRows(h, 'METER-K').map((r) => [r.at - t0, r.value])).toEqual([
      [1000, 1],
      [2000, 2],
      [3000, 3],
    ]);
    expect(c.status().state).toBe('connected');
  });
});
