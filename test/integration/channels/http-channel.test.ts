// The HTTP polling channel against a local server: values mapped and stored like DTU data,
// request shape (method, headers, body), a peer that goes away and comes back (backoff,
// recovery, status in the API, channel events), and responses that cannot be read. The
// device's points and units come from the channel config in the API.
import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import { channelEvents as eventTypes, dataRows, deviceRow } from '../../helpers/db.js';
import { startJsonServer, type JsonServer } from '../../helpers/json-server.js';
import { caller, channelStatus } from '../../helpers/web.js';

let h: Harness | null = null;
let peer: JsonServer | null = null;

afterEach(async () => {
  await h?.stop();
  if (h) removeDir(h.dir);
  h = null;
  await peer?.stop().catch(() => undefined);
  peer = null;
});

function channel(url: string, extra: Record<string, unknown> = {}) {
  return {
    name: 'weather',
    type: 'http',
    url,
    every: '100ms',
    timeout: '500ms',
    device: 'WX-01',
    backoff: { initial: '100ms', max: '400ms' },
    timestamp: 'ts',
    points: [
      { name: 'temperature', path: 'data.t', scale: 0.1, decimals: 1, unit: '°C' },
      { name: 'humidity', path: 'data.h[1]' },
      { name: 'pump_on', path: 'data.pump' },
      { name: 'status_text', path: 'data.status' },
      { name: 'pressure', path: 'data.p', offset: -1000, decimals: 2 },
    ],
    ...extra,
  };
}

describe('HTTP polling channel', () => {
  it('stores mapped values with scale, offset, decimals, booleans and text, at the document time', async () => {
    peer = await startJsonServer();
    const ts = Date.UTC(2026, 10, 22, 8, 0, 0);
    peer.answer = {
      kind: 'json',
      doc: {
        ts: new Date(ts).toISOString(),
        data: { t: 253, h: [10, 55.5], pump: true, status: 'running', p: '1013.257' },
      },
    };
    h = await startApp({
      server: (doc) => (doc.channels = [channel(peer!.url(), { headers: { authorization: 'Bearer abc' } })]),
    });
    const rows = await waitFor(() => {
      const r = dataRows(h!, 'WX-01');
      return r.length >= 5 ? r : null;
    });
    const byPoint = Object.fromEntries(rows.filter((r) => r.at === ts).map((r) => [r.point, r]));
    expect(byPoint['temperature']).toMatchObject({
      value: 25.3,
      text: null,
      raw: '253',
      slave: 0,
      address: 0,
      quality: 'good',
    });
    expect(byPoint['humidity']).toMatchObject({ value: 55.5, raw: '55.5' });
    expect(byPoint['pump_on']).toMatchObject({ value: 1, raw: 'true' });
    expect(byPoint['status_text']).toMatchObject({ value: null, text: 'running', raw: '"running"' });
    expect(byPoint['pressure']).toMatchObject({ value: 13.26, raw: '"1013.257"' });
    expect(peer.requests[0]).toMatchObject({ method: 'GET', path: '/data' });
    expect(peer.requests[0]!.headers['authorization']).toBe('Bearer abc');
    // The device is known, with the channel as its listener and the peer as its remote.
    expect(deviceRow(h, 'WX-01')).toMatchObject({
      profile: 'http',
      status: 'online',
      last_ip: '127.0.0.1',
      last_port: peer.port,
      listener: 'weather',
    });
    expect(h.app.latest.get('WX-01', 'temperature')?.value).toBe(25.3);
    // The API describes the device's points from the channel config, units included.
    const viewer = await caller(h, 'viewer');
    const get = async (path: string) =>
      (await fetch(`${h!.webUrl()}${path}`, { headers: { cookie: viewer.cookie } })).json() as Promise<
        Record<string, any>
      >;
    const { device } = await get('/api/devices/WX-01');
    expect(device['points'].map((p: Record<string, unknown>) => [p['name'], p['type'], p['unit']])).toEqual([
      ['temperature', 'mapped', '°C'],
      ['humidity', 'mapped', null],
      ['pump_on', 'mapped', null],
      ['status_text', 'mapped', null],
      ['pressure', 'mapped', null],
    ]);
    const latest = await get('/api/devices/WX-01/latest');
    expect(latest['items'].find((s: Record<string, unknown>) => s['point'] === 'temperature')).toMatchObject({
      value: 25.3,
      unit: '°C',
    });
    const series = await get(`/api/devices/WX-01/series?points=temperature&from=${ts - 1000}&to=${ts + 1000}`);
    expect(series['series']).toEqual([expect.objectContaining({ point: 'temperature', unit: '°C' })]);
  });

  it('sends POST bodies and polls on schedule', async () => {
    peer = await startJsonServer();
    peer.answer = { kind: 'json', doc: { data: { t: 1, h: [0, 1], pump: false, status: 'x', p: 0 } } };
    h = await startApp({
      server: (doc) =>
        (doc.channels = [
          channel(peer!.url('/api/query'), {
            method: 'POST',
            body: '{"want":"all"}',
            headers: { 'content-type': 'application/json' },
          }),
        ]),
    });
    await waitFor(() => peer!.requests.length >= 4, 5000, 'four requests');
    const [a, b] = peer.requests;
    expect(a).toMatchObject({ method: 'POST', path: '/api/query', body: '{"want":"all"}' });
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(60);
  });

  it('backs off while the peer is away, shows it in the API and as events, and recovers by itself', async () => {
    peer = await startJsonServer();
    peer.answer = { kind: 'json', doc: { data: { t: 200, h: [0, 40], pump: false, status: 'ok', p: 1000 } } };
    h = await startApp({ server: (doc) => (doc.channels = [channel(peer!.url())]) });
    await waitFor(() => dataRows(h!, 'WX-01').length > 0);
    const admin = await caller(h, 'admin');
    const api = () => channelStatus(h!, admin, 'weather');
    expect(await api()).toMatchObject({ type: 'http', state: 'connected', devices: ['WX-01'], lastError: null });

    await peer.stop();
    const away = await waitFor(
      async () => {
        const c = await api();
        return c.state === 'backing-off' && c.failures >= 3 ? c : null;
      },
      10_000,
      'three failed attempts',
    );
    expect(away.lastError).toMatch(/ECONNREFUSED/);
    expect(away.devices).toEqual([]);
    expect(deviceRow(h, 'WX-01')).toMatchObject({ status: 'offline' });

    const before = dataRows(h, 'WX-01').length;
    await peer.restart();
    await waitFor(async () => (await api()).state === 'connected', 10_000, 'reconnect');
    await waitFor(() => dataRows(h!, 'WX-01').length > before, 5000, 'new rows');
    expect((await api()).failures).toBe(0);

    await h.app.storeDrained();
    await waitFor(
      () =>
        eventTypes(h!).some(
          (e) =>
            e.type === 'channel.connected' && eventTypes(h!).filter((x) => x.type === 'channel.connected').length >= 2,
        ),
      5000,
      'events',
    );
    const events = eventTypes(h);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('channel.connected');
    expect(types).toContain('channel.disconnected');
    expect(types).toContain('channel.failed');
    const retries = events.filter((e) => e.type === 'channel.backoff').map((e) => e.payload['retryInMs']);
    // 100 ms doubling, capped at 400 ms (the test's backoff), then back to 100 ms after the recovery.
    expect(retries.slice(0, 4)).toEqual([100, 200, 400, 400].slice(0, Math.min(4, retries.length)));
    expect(events.at(-1)).toMatchObject({
      type: 'channel.connected',
      payload: { channel: 'weather', channelType: 'http' },
    });
  });

  it('counts a response it cannot read and keeps polling; an HTTP error is a failure', async () => {
    peer = await startJsonServer();
    peer.answer = { kind: 'text', text: '<html>maintenance</html>' };
    h = await startApp({ server: (doc) => (doc.channels = [channel(peer!.url())]) });
    const c = h.app.channels.get('weather');
    await waitFor(() => c.status().counters.collectErrors >= 2, 5000, 'collect errors');
    expect(c.status()).toMatchObject({ state: 'connected', lastError: 'response is not JSON (24 bytes)' });
    expect(dataRows(h, 'WX-01')).toEqual([]);

    peer.answer = { kind: 'json', doc: { data: { t: 5 } } };
    await waitFor(() => dataRows(h!, 'WX-01').length > 0, 5000, 'partial document stored');
    expect(new Set(dataRows(h, 'WX-01').map((r) => r.point))).toEqual(new Set(['temperature']));
    expect(c.status().lastError).toMatch(/^missing: humidity, pump_on, status_text, pressure$/);

    peer.answer = { kind: 'status', status: 503 };
    await waitFor(() => c.status().state === 'backing-off', 5000, 'backing off');
    expect(c.status().lastError).toBe('HTTP 503 Service Unavailable');
  });

  it('stop and start from the supervision API (admin)', async () => {
    peer = await startJsonServer();
    peer.answer = { kind: 'json', doc: { data: { t: 1 } } };
    h = await startApp({ server: (doc) => (doc.channels = [channel(peer!.url())]) });
    const admin = await caller(h, 'admin');
    const viewer = await caller(h, 'viewer');
    const post = (who: string, action: string) =>
      fetch(`${h!.webUrl()}/api/channels/weather/${action}`, { method: 'POST', headers: { cookie: who } });
    expect((await post(viewer.cookie, 'stop')).status).toBe(403);
    const stopped = await post(admin.cookie, 'stop');
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toMatchObject({ channel: { name: 'weather', state: 'stopped' } });
    const seen = peer.requests.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(peer.requests.length).toBe(seen);
    const started = await post(admin.cookie, 'start');
    expect(((await started.json()) as { channel: { state: string } }).channel.state).toMatch(/connecting|connected/);
    await waitFor(() => peer!.requests.length > seen, 5000, 'polling again');
    expect((await post(admin.cookie, 'nope')).status).toBe(404);
    expect(
      (await fetch(`${h.webUrl()}/api/channels/missing/stop`, { method: 'POST', headers: { cookie: admin.cookie } }))
        .status,
    ).toBe(404);
  });
});
