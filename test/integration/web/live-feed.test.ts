// The WebSocket live feed with a real `ws` client against the app and simulated DTUs:
// the last frame first, live samples, the unreachable frame, keep-alives, one data source
// for many viewers, fleet deltas and budgets, the slow-viewer drop, and the Origin and auth
// checks.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { gatewayTests, waitFor, type Harness } from '../../helpers/app-harness.js';
import { WEB_PROFILE, webProfile } from '../../helpers/web-profile.js';
import { caller, webOf } from '../../helpers/web.js';

const { boot, dtu } = gatewayTests();

interface Frame {
  type: string;
  [key: string]: unknown;
}

/** A client that records every frame it gets. */
function viewer(h: Harness, headers: Record<string, string>, query = '') {
  const url = `${h.webUrl().replace('http', 'ws')}/api/live${query}`;
  const ws = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, opened };
}

/** The HTTP status the server refused an upgrade with. */
function refusal(h: Harness, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${h.webUrl().replace('http', 'ws')}/api/live`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('upgrade was accepted')));
    ws.on('error', () => undefined);
  });
}

describe('live feed', () => {
  it('sends the last frame to a new viewer, then every new sample', async () => {
    const h = await boot(webProfile());
    const sim = dtu(h, 'dtu', { id: 'DTU-LIVE' }, WEB_PROFILE);
    sim.setRegisters(1, 3, 0, [0, 42]);
    await sim.start();
    await waitFor(() => h.app.latest.get('DTU-LIVE', 'energy'), 5000, 'a first value');
    const { cookie } = await caller(h, 'viewer');
    const v = viewer(h, { cookie }, '?subscribe=device:DTU-LIVE');
    await v.opened;
    await waitFor(() => v.frames.filter((f) => f.type === 'data').length >= 2, 5000, 'two data frames');
    expect(v.frames[0]).toMatchObject({ type: 'hello', user: 'viewer-user', role: 'viewer' });
    expect(v.frames[1]).toMatchObject({
      type: 'snapshot',
      topic: 'device:DTU-LIVE',
      device: { registrationId: 'DTU-LIVE', status: 'online', profile: WEB_PROFILE },
      values: [{ deviceId: 'DTU-LIVE', point: 'energy', value: 42 }],
      unreachable: false,
    });
    sim.setRegisters(1, 3, 0, [0, 43]);
    await waitFor(
      () => v.frames.some((f) => f.type === 'data' && (f['samples'] as { value: number }[])[0]!.value === 43),
      5000,
      'the new value',
    );
    v.ws.close();
  });

  it('sends an unreachable frame after three failed polls, and tells the fleet', async () => {
    const h = await boot(webProfile());
    const sim = dtu(h, 'dtu', { id: 'DTU-MUTE', silentSlaves: [1] }, WEB_PROFILE);
    const { cookie } = await caller(h, 'viewer');
    const v = viewer(h, { cookie }, '?subscribe=fleet,device:DTU-MUTE');
    await v.opened;
    await sim.start();
    const frame = await waitFor(() => v.frames.find((f) => f.type === 'unreachable'), 5000, 'the unreachable frame');
    expect(frame).toMatchObject({
      topic: 'device:DTU-MUTE',
      deviceId: 'DTU-MUTE',
      failures: 3,
      slave: 1,
      reason: 'timeout',
    });
    expect(v.frames.filter((f) => f.type === 'unreachable')).toHaveLength(1);
    expect(
      v.frames.some(
        (f) => f.type === 'device' && f['topic'] === 'fleet' && f['event'] === 'online' && f['deviceId'] === 'DTU-MUTE',
      ),
    ).toBe(true);
    await waitFor(
      () => v.frames.some((f) => f.type === 'device' && f['topic'] === 'fleet' && f['event'] === 'unreachable'),
      2000,
      'the fleet event',
    );
    // A new viewer's snapshot says so too.
    const late = viewer(h, { cookie }, '?subscribe=device:DTU-MUTE');
    await waitFor(() => late.frames.find((f) => f.type === 'snapshot'), 2000, 'snapshot');
    expect(late.frames.find((f) => f.type === 'snapshot')).toMatchObject({ unreachable: true });
    // The slave answers again: the device is reachable.
    sim.setFaults({ silentSlaves: [] });
    await waitFor(
      () => v.frames.some((f) => f.type === 'device' && f['event'] === 'reachable'),
      5000,
      'reachable again',
    );
    v.ws.close();
    late.ws.close();
  });

  it('keeps a quiet link alive and answers pings', async () => {
    const h = await boot(webProfile((s) => (s.web.live = { keepAlive: '100ms' })));
    const { bearer } = await caller(h, 'viewer');
    const v = viewer(h, { authorization: bearer });
    await v.opened;
    await waitFor(() => v.frames.filter((f) => f.type === 'keepalive').length >= 2, 3000, 'keep-alives');
    v.ws.send('{"type":"ping"}');
    v.ws.send('not json');
    await waitFor(
      () => v.frames.some((f) => f.type === 'pong') && v.frames.some((f) => f.type === 'error'),
      2000,
      'pong and error',
    );
    expect(v.frames.find((f) => f.type === 'error')).toMatchObject({ code: 'BAD_REQUEST' });
    v.ws.close();
  });

  it('handles a burst of messages from one socket over many turns of the event loop', async () => {
    const h = await boot(webProfile());
    const { bearer } = await caller(h, 'viewer');
    const v = viewer(h, { authorization: bearer });
    await v.opened;
    // The server-side socket: its messages are counted by the turn of the loop they ran in.
    const [server] = [...webOf(h).server.websocketServer.clients];
    let turn = 0;
    let turning = true;
    const tick = () => {
      turn++;
      if (turning) setImmediate(tick);
    };
    setImmediate(tick);
    const turns = new Set<number>();
    server!.on('message', () => turns.add(turn));
    // 200 pings in one TCP write: one read on the server.
    const raw = (v.ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    raw.cork();
    for (let i = 0; i < 200; i++) v.ws.send('{"type":"ping"}');
    raw.uncork();
    await waitFor(() => v.frames.filter((f) => f.type === 'pong').length === 200, 5000, '200 pongs');
    turning = false;
    // ws's default emits a read's messages in one go: one long task per burst.
    expect(turns.size).toBeGreaterThan(100);
    v.ws.close();
  });

  it('feeds many viewers from one bus subscription without polling more', async () => {
    const h = await boot(webProfile());
    const listenersBefore = h.app.bus.listenerCount('data');
    const sim = dtu(h, 'dtu', { id: 'DTU-FAN' }, WEB_PROFILE);
    await sim.start();
    await waitFor(() => h.app.latest.get('DTU-FAN', 'energy'), 5000, 'a first value');
    const { cookie } = await caller(h, 'viewer');
    const viewers = Array.from({ length: 5 }, () => viewer(h, { cookie }, '?subscribe=device:DTU-FAN'));
    await Promise.all(viewers.map((v) => v.opened));
    expect(h.app.bus.listenerCount('data')).toBe(listenersBefore);
    expect(webOf(h).ctx.live.subscribers('device:DTU-FAN')).toBe(5);
    await waitFor(
      () => viewers.every((v) => v.frames.filter((f) => f.type === 'data').length >= 3),
      5000,
      'frames for all',
    );
    // Every viewer got the same samples (same polls), not its own.
    const stamps = viewers.map((v) => v.frames.filter((f) => f.type === 'data').map((f) => f['polledAt'] as number));
    const common = stamps[0]!.filter((t) => stamps.every((s) => s.includes(t)));
    expect(common.length).toBeGreaterThanOrEqual(2);
    for (const v of viewers) v.ws.close();
  });

  it('answers a quick fleet re-subscription with a delta and refuses subscriptions over budget', async () => {
    const h = await boot(webProfile());
    const sim = dtu(h, 'dtu', { id: 'DTU-BUDGET' }, WEB_PROFILE);
    await sim.start();
    await waitFor(() => h.app.gateway.registry.get('DTU-BUDGET')?.state === 'active', 5000, 'registration');
    const { cookie } = await caller(h, 'viewer');
    const v = viewer(h, { cookie }, '?subscribe=fleet');
    await v.opened;
    const first = await waitFor(() => v.frames.find((f) => f.type === 'snapshot'), 2000, 'the fleet');
    expect(first).toMatchObject({
      topic: 'fleet',
      page: 1,
      pages: 1,
      online: 1,
      devices: [{ registrationId: 'DTU-BUDGET' }],
    });
    v.ws.send('{"type":"unsubscribe","topic":"fleet"}');
    v.ws.send('{"type":"subscribe","topic":"fleet"}');
    const delta = await waitFor(() => v.frames.find((f) => f.type === 'delta'), 2000, 'the delta');
    expect(delta).toMatchObject({ topic: 'fleet', since: first['version'], devices: [], removed: [], online: 1 });
    // A connection's burst is 200 subscriptions (a whole page's topics); then 10 a second.
    for (const type of ['subscribe', 'unsubscribe', 'subscribe'])
      for (let i = 0; i < 150; i++) v.ws.send(JSON.stringify({ type, topic: `device:D${i}` }));
    const refused = await waitFor(
      () => v.frames.find((f) => f.type === 'error' && f['code'] === 'RATE_LIMITED'),
      2000,
      'a refusal',
    );
    expect(refused).toMatchObject({ message: 'too many subscriptions per second' });
    expect(refused['retryAfterMs']).toBeGreaterThan(0);
    v.ws.close();
  });

  it('drops a viewer that stops reading instead of buffering for it', async () => {
    const h = await boot(webProfile((s) => (s.web.live = { maxBufferedBytes: 1024 })));
    const sim = dtu(h, 'dtu', { id: 'DTU-SLOW' }, WEB_PROFILE);
    await sim.start();
    await waitFor(() => h.app.gateway.registry.get('DTU-SLOW')?.state === 'active', 5000, 'registration');
    const { cookie } = await caller(h, 'viewer');
    const slow = viewer(h, { cookie }, '?subscribe=device:DTU-SLOW');
    const fast = viewer(h, { cookie }, '?subscribe=device:DTU-SLOW');
    await Promise.all([slow.opened, fast.opened]);
    const closed = new Promise<number>((resolve) => slow.ws.on('close', (code) => resolve(code)));
    // The slow viewer's client stops reading its socket.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const live = webOf(h).ctx.live;
    // Big sample sets through the bus, as a device with many string points would produce.
    const text = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 2000 && live.subscribers('device:DTU-SLOW') === 2; i++) {
      h.app.bus.emit('data', {
        deviceId: 'DTU-SLOW',
        samples: [
          {
            deviceId: 'DTU-SLOW',
            point: 'label',
            slave: 1,
            address: 0,
            value: null,
            text,
            raw: '',
            ts: Date.now(),
            quality: 'good',
          },
        ],
        polledAt: Date.now(),
        at: Date.now(),
      });
      await new Promise((r) => setImmediate(r));
    }
    expect(live.subscribers('device:DTU-SLOW')).toBe(1);
    expect(fast.ws.readyState).toBe(WebSocket.OPEN);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toBe(4008);
    fast.ws.close();
  });

  it('closes a viewer whose login session ends', async () => {
    const h = await boot(webProfile());
    const { cookie } = await caller(h, 'viewer');
    const v = viewer(h, { cookie }, '?subscribe=fleet');
    await v.opened;
    const closed = new Promise<number>((resolve) => v.ws.on('close', (code) => resolve(code)));
    const out = await fetch(`${h.webUrl()}/api/logout`, { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(await closed).toBe(4001);
    expect(webOf(h).ctx.live.viewerCount).toBe(0);
  });

  it('refuses a cross-site upgrade and an anonymous one before the handshake', async () => {
    const h = await boot(webProfile());
    const { cookie } = await caller(h, 'viewer');
    expect(await refusal(h, { cookie, origin: 'http://evil.example' })).toBe(403);
    expect(await refusal(h, {})).toBe(401);
    const same = viewer(h, { cookie, origin: h.webUrl() });
    await same.opened;
    same.ws.close();
  });
});
