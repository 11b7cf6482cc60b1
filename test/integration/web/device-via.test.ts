// How a device is connected, as the device API, the live feed and the status counts show it: a DTU on a
// listener, or a peer an outbound channel collects from (online while the channel lists it).
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { gatewayTests, waitFor, type Harness } from '../../helpers/app-harness.js';
import { startJsonServer, type JsonServer } from '../../helpers/json-server.js';
import { caller, type Caller } from '../../helpers/web.js';
import { WEB_PROFILE, webProfile } from '../../helpers/web-profile.js';

const { boot, dtu } = gatewayTests();
let peer: JsonServer | null = null;

afterEach(async () => {
  await peer?.stop().catch(() => undefined);
  peer = null;
});

function weatherChannel(url: string) {
  return {
    name: 'weather',
    type: 'http',
    url,
    every: '100ms',
    timeout: '500ms',
    device: 'WX-01',
    backoff: { initial: '100ms', max: '400ms' },
    points: [{ name: 'temperature', path: 't' }],
  };
}

async function getJson<T>(h: Harness, who: Caller, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${h.webUrl()}${path}`, { ...init, headers: { cookie: who.cookie } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

interface Summary {
  registrationId: string;
  status: string;
  listener: string;
  via: unknown;
  connectedAt: number | null;
  lastDataAt: number | null;
}

describe('devices fed by outbound channels', () => {
  it('shows via=channel with the channel type, online from the channel, counted in /api/status, and offline once the channel stops', async () => {
    peer = await startJsonServer();
    peer.answer = { kind: 'json', doc: { t: 21.5 } };
    const h = await boot(webProfile((doc) => (doc.channels = [weatherChannel(peer!.url())])));
    await dtu(h, 'dtu', { id: 'DTU-77' }, WEB_PROFILE).start();
    await waitFor(
      () => h.app.gateway.registry.online === 1 && h.app.channels.get('weather').status().devices.length === 1,
      10_000,
      'DTU and channel device online',
    );
    const viewer = await caller(h, 'viewer');
    const admin = await caller(h, 'admin');

    const list = await getJson<{ counts: { online: number; offline: number }; items: Summary[] }>(
      h,
      viewer,
      '/api/devices',
    );
    const byId = Object.fromEntries(list.items.map((d) => [d.registrationId, d]));
    expect(byId['WX-01']).toMatchObject({
      status: 'online',
      listener: 'weather',
      via: { kind: 'channel', channel: 'weather', type: 'http' },
    });
    expect(byId['WX-01']!.connectedAt).toEqual(expect.any(Number));
    expect(byId['WX-01']!.lastDataAt).toEqual(expect.any(Number));
    expect(byId['DTU-77']).toMatchObject({ status: 'online', listener: 'dtu', via: { kind: 'dtu', listener: 'dtu' } });
    expect(list.counts).toEqual({ online: 2, offline: 0 });

    const one = await getJson<{ device: Summary }>(h, viewer, '/api/devices/WX-01');
    expect(one.device).toMatchObject({ status: 'online', via: { kind: 'channel', channel: 'weather', type: 'http' } });
    const status = await getJson<{
      devices: { known: number; online: number; offline: number };
      connections: { online: number };
    }>(h, viewer, '/api/status');
    expect(status.devices).toMatchObject({ online: 2, offline: 0 });
    expect(status.connections.online).toBe(1);
    const online = await getJson<{ items: Summary[] }>(h, viewer, '/api/devices?status=online');
    expect(online.items.map((d) => d.registrationId)).toEqual(['DTU-77', 'WX-01']);

    await getJson(h, admin, '/api/channels/weather/stop', { method: 'POST' });
    const stopped = await getJson<{ device: Summary }>(h, viewer, '/api/devices/WX-01');
    expect(stopped.device).toMatchObject({
      status: 'offline',
      listener: 'weather',
      via: { kind: 'channel', channel: 'weather', type: 'http' },
      connectedAt: null,
    });
    const after = await getJson<{ devices: { known: number; online: number; offline: number } }>(
      h,
      viewer,
      '/api/status',
    );
    expect(after.devices).toMatchObject({ known: 2, online: 1, offline: 1 });

    await getJson(h, admin, '/api/channels/weather/start', { method: 'POST' });
    await waitFor(
      async () => (await getJson<{ device: Summary }>(h, viewer, '/api/devices/WX-01')).device.status === 'online',
      10_000,
      'online again',
    );
  });

  it('puts a channel-fed device in the live feed snapshots, fleet and device', async () => {
    peer = await startJsonServer();
    peer.answer = { kind: 'json', doc: { t: 7 } };
    const h = await boot(webProfile((doc) => (doc.channels = [weatherChannel(peer!.url())])));
    await waitFor(() => h.app.latest.get('WX-01', 'temperature'), 10_000, 'a first value');
    const { cookie } = await caller(h, 'viewer');
    const ws = new WebSocket(`${h.webUrl().replace('http', 'ws')}/api/live?subscribe=fleet,device:WX-01`, {
      headers: { cookie },
    });
    const frames: { type: string; topic?: string; [key: string]: unknown }[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as (typeof frames)[number]));
    try {
      const snapshots = await waitFor(
        () => {
          const found = frames.filter((f) => f.type === 'snapshot');
          return found.length >= 2 ? found : null;
        },
        10_000,
        'two snapshots',
      );
      const via = { kind: 'channel', channel: 'weather', type: 'http' };
      expect(snapshots.find((f) => f.topic === 'fleet')).toMatchObject({
        online: 1,
        devices: [{ registrationId: 'WX-01', status: 'online', listener: 'weather', via }],
      });
      expect(snapshots.find((f) => f.topic === 'device:WX-01')).toMatchObject({
        device: { registrationId: 'WX-01', status: 'online', via },
        values: [{ point: 'temperature', value: 7 }],
      });
    } finally {
      ws.close();
    }
  });

  it('lists no device for a channel that has never fed one', async () => {
    peer = await startJsonServer();
    const port = peer.port;
    await peer.stop();
    peer = null;
    const h = await boot(webProfile((doc) => (doc.channels = [weatherChannel(`http://127.0.0.1:${port}/data`)])));
    await waitFor(() => h.app.channels.get('weather').status().failures >= 1, 10_000, 'a failed attempt');
    const viewer = await caller(h, 'viewer');
    // Not known yet: the device has never been fed, so it is not listed and has no page.
    const list = await getJson<{ items: Summary[] }>(h, viewer, '/api/devices');
    expect(list.items.map((d) => d.registrationId)).not.toContain('WX-01');
    const res = await fetch(`${h.webUrl()}/api/devices/WX-01`, { headers: { cookie: viewer.cookie } });
    expect(res.status).toBe(404);
  });
});
