// The live hub against fake sockets and a fake device service: what a subscription costs
// (one device's state, never the fleet's), budgets that refuse with RATE_LIMITED, and the
// fleet as pages and deltas.
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../src/bus.js';
import type { GatewayEvents } from '../../../src/domain/events.js';
import { silentLogger } from '../../../src/log.js';
import type { DeviceSummary, DevicesService } from '../../../src/services/index.js';
import { LiveFeed } from '../../../src/services/live-feed.js';
import { DEFAULT_LIVE_LIMITS, type LiveLimits } from '../../../src/web/live/live-budget.js';
import { LiveHub } from '../../../src/web/live/live-hub.js';

interface Frame {
  type: string;
  topic?: string;
  [key: string]: unknown;
}

class FakeSocket extends EventEmitter {
  readonly frames: Frame[] = [];
  bufferedAmount = 0;
  closedWith: number | null = null;

  send(data: string | Buffer): void {
    this.frames.push(JSON.parse(data.toString()) as Frame);
  }

  close(code: number): void {
    this.closedWith = code;
  }

  terminate(): void {}

  message(value: object): void {
    this.emit('message', Buffer.from(JSON.stringify(value)), false);
  }

  of(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }
}

function summary(id: string): DeviceSummary {
  return {
    registrationId: id,
    name: null,
    profile: 'meter',
    status: 'online',
    ip: '10.0.0.1',
    port: 5000,
    listener: 'dtu',
    via: { kind: 'dtu', listener: 'dtu' },
    firstSeen: null,
    lastSeen: null,
    connectedAt: 1,
    lastHeartbeatAt: null,
    lastDataAt: null,
    description: null,
    location: null,
    latitude: null,
    longitude: null,
    tags: [],
    group: null,
    profileOverride: null,
    enabled: true,
    notes: null,
    setByConfig: [],
  };
}

/** The devices the hub sees, and how often it looked at the whole fleet. */
class FakeDevices {
  readonly online = new Set<string>();
  fleetWideCalls = 0;

  constructor(count: number) {
    for (let i = 0; i < count; i++) this.online.add(`D${i}`);
  }

  onlineIds(): Set<string> {
    this.fleetWideCalls++;
    return new Set(this.online);
  }

  fleetDevice(id: string): DeviceSummary | null {
    return this.online.has(id) ? summary(id) : null;
  }

  live(id: string) {
    return { device: this.fleetDevice(id), values: [] };
  }
}

/** Subscribes to devices D0, D1, … */
function subscribeDevices(socket: FakeSocket, count: number): void {
  for (let i = 0; i < count; i++) socket.message({ type: 'subscribe', topic: `device:D${i}` });
}

const turns = async (n = 50) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

let hub: LiveHub | null = null;
afterEach(() => {
  vi.useRealTimers();
  hub?.stop();
  hub = null;
});

function setUp(devices: FakeDevices, limits: LiveLimits = DEFAULT_LIVE_LIMITS) {
  const bus = new EventBus<GatewayEvents>(silentLogger());
  hub = new LiveHub(
    devices as unknown as DevicesService,
    new LiveFeed(bus),
    { keepAliveMs: 60_000, maxBufferedBytes: 1 << 20, unreachableAfter: 3 },
    silentLogger(),
    () => Promise.resolve({}),
    limits,
  );
  hub.start();
  const connect = (user = 'viewer') => {
    const socket = new FakeSocket();
    hub!.attach(socket as unknown as WebSocket, { username: user, role: 'viewer' }, []);
    return socket;
  };
  return { bus, connect };
}

describe('live hub', () => {
  it('answers a device subscription from that device alone, never the whole fleet', async () => {
    const devices = new FakeDevices(1000);
    const { connect } = setUp(devices);
    const socket = connect();
    subscribeDevices(socket, 199);
    await turns();
    expect(socket.of('snapshot')).toHaveLength(199);
    expect(socket.of('snapshot')[0]).toMatchObject({ topic: 'device:D0', device: { registrationId: 'D0' } });
    expect(devices.fleetWideCalls).toBe(0);
    expect(hub!.subscribers('device:D5')).toBe(1);
  });

  it('sends a large fleet in pages, then a delta when the viewer subscribes again', async () => {
    const devices = new FakeDevices(600);
    const { connect } = setUp(devices);
    const socket = connect();
    socket.message({ type: 'subscribe', topic: 'fleet' });
    await turns();
    const pages = socket.of('snapshot');
    expect(pages.map((p) => [p['page'], p['pages'], (p['devices'] as unknown[]).length])).toEqual([
      [1, 3, 250],
      [2, 3, 250],
      [3, 3, 100],
    ]);
    expect(pages.every((p) => p['online'] === 600 && p['version'] === pages[0]!['version'])).toBe(true);

    socket.message({ type: 'unsubscribe', topic: 'fleet' });
    socket.message({ type: 'subscribe', topic: 'fleet' });
    await turns();
    expect(socket.of('snapshot')).toHaveLength(3);
    expect(socket.of('delta')).toEqual([
      expect.objectContaining({ topic: 'fleet', since: pages[0]!['version'], devices: [], removed: [], online: 600 }),
    ]);
    expect(devices.fleetWideCalls).toBe(1);
  });

  it('puts the devices that came and went since in the delta', async () => {
    const devices = new FakeDevices(10);
    const { bus, connect } = setUp(devices);
    const socket = connect();
    socket.message({ type: 'subscribe', topic: 'fleet' });
    await turns();
    socket.message({ type: 'unsubscribe', topic: 'fleet' });
    devices.online.delete('D3');
    bus.emit('device.offline', { deviceId: 'D3', remote: REMOTE, at: 1, reason: 'closed', details: null });
    devices.online.add('NEW');
    bus.emit('device.registered', { deviceId: 'NEW', profile: 'meter', name: null, remote: REMOTE, at: 2 });
    await turns(2);
    socket.message({ type: 'subscribe', topic: 'fleet' });
    await turns();
    const [delta] = socket.of('delta');
    expect(delta).toMatchObject({ removed: ['D3'], online: 10, devices: [{ registrationId: 'NEW' }] });
  });

  it('refuses subscriptions past the connection budget with RATE_LIMITED, not later', async () => {
    const devices = new FakeDevices(100);
    const { connect } = setUp(devices, {
      ...DEFAULT_LIVE_LIMITS,
      connectionSubscriptions: { burst: 10, perSecond: 5 },
    });
    const socket = connect();
    for (let i = 0; i < 15; i++) socket.message({ type: 'subscribe', topic: `device:D${i}` });
    await turns();
    expect(socket.of('snapshot')).toHaveLength(10);
    const refused = socket.of('error');
    expect(refused).toHaveLength(5);
    expect(refused[0]).toMatchObject({ code: 'RATE_LIMITED', topic: 'device:D10' });
    expect(refused[0]!['retryAfterMs']).toBeGreaterThan(0);
    expect(refused[0]!['retryAfterMs']).toBeLessThanOrEqual(200);
    expect(hub!.subscribers('device:D10')).toBe(0);
  });

  it('admits a page’s 200 topics at once, then ten subscriptions a second', async () => {
    // The clock stands still: no token comes back while the test runs.
    vi.useFakeTimers({ toFake: ['Date'] });
    const devices = new FakeDevices(200);
    const { connect } = setUp(devices);
    const socket = connect();
    subscribeDevices(socket, 200);
    await turns();
    expect(socket.of('snapshot')).toHaveLength(200);
    socket.message({ type: 'unsubscribe', topic: 'device:D0' });
    socket.message({ type: 'subscribe', topic: 'device:D0' });
    await turns();
    const [refused] = socket.of('error');
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', topic: 'device:D0' });
    // The next token comes a tenth of a second after the last was taken.
    expect(refused!['retryAfterMs']).toBe(100);
  });

  it('lets one user’s connections share a burst of five pages, then ten a second', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const devices = new FakeDevices(200);
    const { connect } = setUp(devices);
    const sockets = Array.from({ length: 6 }, () => connect('mallory'));
    for (const socket of sockets.slice(0, 5)) subscribeDevices(socket, 200);
    await turns(200);
    expect(sockets.map((s) => s.of('snapshot').length)).toEqual([200, 200, 200, 200, 200, 0]);
    sockets[5]!.message({ type: 'subscribe', topic: 'device:D0' });
    await turns();
    const [refused] = sockets[5]!.of('error');
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', message: 'too many subscriptions per second' });
    expect(refused!['retryAfterMs']).toBe(100);
  });

  it('shares one user budget between that user’s connections', async () => {
    const devices = new FakeDevices(100);
    const { connect } = setUp(devices, {
      ...DEFAULT_LIVE_LIMITS,
      userSubscriptions: { burst: 6, perSecond: 1 },
    });
    const a = connect('mallory');
    const b = connect('mallory');
    const other = connect('alice');
    for (let i = 0; i < 4; i++) {
      a.message({ type: 'subscribe', topic: `device:D${i}` });
      b.message({ type: 'subscribe', topic: `device:D${i}` });
      other.message({ type: 'subscribe', topic: `device:D${i}` });
    }
    await turns();
    expect(a.of('snapshot').length + b.of('snapshot').length).toBe(6);
    expect(a.of('error').length + b.of('error').length).toBe(2);
    expect(other.of('snapshot')).toHaveLength(4);
  });

  it('refuses snapshots once a connection has spent its bytes, until they are paid back', async () => {
    const devices = new FakeDevices(100);
    const { connect } = setUp(devices, {
      ...DEFAULT_LIVE_LIMITS,
      connectionSnapshotBytes: { burst: 2000, perSecond: 100_000 },
    });
    const socket = connect();
    socket.message({ type: 'subscribe', topic: 'fleet' });
    await turns();
    // 100 summaries are far more than 2,000 bytes: the fleet went out, the budget is in debt.
    expect(socket.of('snapshot')).toHaveLength(1);
    socket.message({ type: 'subscribe', topic: 'device:D1' });
    await turns();
    const [refused] = socket.of('error');
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', topic: 'device:D1' });
    await new Promise((r) => setTimeout(r, refused!['retryAfterMs'] as number));
    socket.message({ type: 'subscribe', topic: 'device:D1' });
    await turns();
    expect(socket.of('snapshot')).toHaveLength(2);
  });

  it('does not answer a subscription withdrawn before its snapshot went out', async () => {
    const devices = new FakeDevices(10);
    const { connect } = setUp(devices);
    const socket = connect();
    socket.message({ type: 'subscribe', topic: 'device:D1' });
    socket.message({ type: 'unsubscribe', topic: 'device:D1' });
    await turns();
    expect(socket.of('snapshot')).toHaveLength(0);
    expect(hub!.subscribers('device:D1')).toBe(0);
  });
});

const REMOTE = { ip: '10.0.0.1', port: 5000, listener: 'dtu' };
