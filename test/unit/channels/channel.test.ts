// The channel base with fake timers: retry delays 1, 2, 4 … s up to the cap, reset after
// a success (or only once the peer proved itself), state events, stale callbacks of an old
// connection ignored, stop while connecting (abandoned at once, nothing left open), a new
// connection only after the old one has closed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../src/bus.js';
import { Channel, type ChannelDeps, type ChannelLink, type OpenLink } from '../../../src/channels/channel.js';
import type { HttpChannelConfig } from '../../../src/domain/channels.js';
import type { GatewayEvents, Remote } from '../../../src/domain/events.js';
import { silentLogger } from '../../../src/log.js';

const CONFIG: HttpChannelConfig = {
  name: 'peer',
  type: 'http',
  enabled: true,
  backoff: { initialMs: 1000, maxMs: 300_000 },
  url: 'http://127.0.0.1:1/',
  method: 'GET',
  headers: {},
  body: null,
  everyMs: 1000,
  timeoutMs: 1000,
  tls: null,
  device: 'D1',
  timestamp: null,
  points: [],
};

/** A peer that is up or down at the test's word; records every open and close. */
class ScriptedChannel extends Channel<HttpChannelConfig> {
  up = false;
  opens: number[] = [];
  closes = 0;
  links: ChannelLink[] = [];
  /** When set, open() waits for this before answering (or until the attempt is abandoned). */
  gate: Promise<void> | null = null;
  /** When set, a connection's close() waits for this. */
  closeGate: Promise<void> | null = null;
  closeThrows = false;
  closesDone = 0;

  constructor(deps: ChannelDeps, config: HttpChannelConfig = CONFIG) {
    super(config, deps);
  }

  get target(): string {
    return 'scripted';
  }

  protected remote(): Remote {
    return { ip: '127.0.0.1', port: 1, listener: this.config.name };
  }

  protected async open(link: ChannelLink): Promise<OpenLink> {
    this.opens.push(Date.now());
    this.links.push(link);
    if (this.gate) {
      await Promise.race([
        this.gate,
        new Promise((_, reject) => link.signal.addEventListener('abort', () => reject(new Error('connect cancelled')))),
      ]);
    }
    if (!this.up) throw new Error('ECONNREFUSED');
    return {
      close: async () => {
        this.closes++;
        if (this.closeGate) await this.closeGate;
        this.closesDone++;
        if (this.closeThrows) throw new Error('close failed');
      },
    };
  }
}

/** A channel whose peer must prove itself (register, answer) before the backoff starts over. */
class ProvingChannel extends ScriptedChannel {
  protected override readonly connectProvesPeer = false;
}

function setup(config?: HttpChannelConfig, proving = false) {
  const bus = new EventBus<GatewayEvents>(silentLogger());
  const states: GatewayEvents['channel.state'][] = [];
  const online: string[] = [];
  const offline: string[] = [];
  bus.on('channel.state', (e) => states.push(e));
  bus.on('device.registered', (e) => online.push(e.deviceId));
  bus.on('device.offline', (e) => offline.push(`${e.deviceId}:${e.reason}`));
  const deps = { bus, log: silentLogger() };
  const channel = proving ? new ProvingChannel(deps, config) : new ScriptedChannel(deps, config);
  return { bus, channel, states, online, offline };
}

/** Its open() ignores the abort signal, as a library that cannot cancel its connect would. */
function ignoreSignal(channel: ScriptedChannel): void {
  const ignoring = channel as unknown as { open(link: ChannelLink): Promise<OpenLink> };
  const open = ignoring.open.bind(channel);
  ignoring.open = (link) => open({ ...link, active: link.active, signal: new AbortController().signal });
}

/** A connected channel whose connection's close waits until `closed()` is called. */
async function connectedWithSlowClose() {
  const { channel } = setup();
  channel.up = true;
  channel.start();
  await settle();
  let closed!: () => void;
  channel.closeGate = new Promise((r) => (closed = r));
  return { channel, closed };
}

/**
 * A channel connecting to a peer that answers the connect only when `answer()` is called,
 * with an open() that ignores the abort signal, and a close that waits for `closed()`.
 */
async function connectingLate() {
  const { channel } = setup();
  channel.up = true;
  let answer!: () => void;
  let closed!: () => void;
  channel.gate = new Promise((r) => (answer = r));
  channel.closeGate = new Promise((r) => (closed = r));
  ignoreSignal(channel);
  channel.start();
  await settle();
  return { channel, answer, closed };
}

/** Lets the microtasks of an attempt (open → catch → schedule) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('Channel', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a peer that is down at 1, 2, 4, 8 … s, capped, and recovers by itself when it returns', async () => {
    const { channel, states } = setup({ ...CONFIG, backoff: { initialMs: 1000, maxMs: 30_000 } });
    channel.start();
    await settle();
    expect(channel.opens).toHaveLength(1);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const status = channel.status();
      expect(status.state).toBe('backing-off');
      expect(status.lastError).toBe('ECONNREFUSED');
      waits.push(status.nextAttemptAt! - Date.now());
      // One ms short of the delay nothing happens; at the delay the next attempt runs.
      await vi.advanceTimersByTimeAsync(waits[i]! - 1);
      expect(channel.opens).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(1);
      await settle();
      expect(channel.opens).toHaveLength(i + 2);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(channel.status().failures).toBe(9);
    const backoffs = states.filter((s) => s.state === 'backing-off').map((s) => s.retryInMs);
    expect(backoffs.slice(0, 6)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000]);

    channel.up = true;
    await vi.advanceTimersByTimeAsync(30_000);
    await settle();
    expect(channel.status()).toMatchObject({ state: 'connected', failures: 0 });
    expect(channel.counters).toMatchObject({ connects: 1, connectFailures: 9 });
    expect(states.at(-1)).toMatchObject({ state: 'connected', previous: 'connecting' });
    await channel.stop();
  });

  it('uses the documented default: 1 s doubling to 5 min', async () => {
    const { channel } = setup();
    channel.start();
    await settle();
    const waits: number[] = [];
    for (let i = 0; i < 11; i++) {
      waits.push(channel.status().nextAttemptAt! - Date.now());
      await vi.advanceTimersByTimeAsync(waits[i]!);
      await settle();
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000]);
    await channel.stop();
  });

  it('after a lost link: devices offline, backoff from 1 s again, and the old link can no longer disturb the new one', async () => {
    const { channel, states, online, offline } = setup();
    channel.up = true;
    channel.start();
    await settle();
    const first = channel.links[0]!;
    first.publish('D1', 'http', [], Date.now(), Date.now());
    expect(online).toEqual(['D1']);
    first.lost(new Error('socket hang up'));
    await settle();
    expect(offline).toEqual(['D1:error']);
    expect(channel.closes).toBe(1);
    expect(channel.status()).toMatchObject({ state: 'backing-off', lastError: 'socket hang up', devices: [] });
    expect(channel.status().nextAttemptAt! - Date.now()).toBe(1000);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected', 'disconnected', 'backing-off']);

    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(channel.state).toBe('connected');
    // A late close event of the first connection is ignored.
    first.lost(new Error('late close'));
    first.publish('D1', 'http', [], Date.now(), Date.now());
    expect(channel.state).toBe('connected');
    expect(online).toEqual(['D1']);
    expect(channel.counters.disconnects).toBe(1);
    await channel.stop();
    expect(channel.state).toBe('stopped');
  });

  it('stop abandons a connect in progress at once: open() sees the signal, stop resolves, nothing retries', async () => {
    const { channel, states } = setup();
    channel.up = true;
    channel.gate = new Promise(() => undefined); // a peer that never answers the connect
    channel.start();
    await settle();
    const link = channel.links[0]!;
    expect(link.signal.aborted).toBe(false);
    await channel.stop();
    expect(link.signal.aborted).toBe(true);
    expect(channel.state).toBe('stopped');
    expect(channel.counters.connectFailures).toBe(0);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'stopped']);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(channel.opens).toHaveLength(1);
  });

  it('stop resolves only after a connection that opened too late is closed; a close that throws is logged, not raised', async () => {
    const { channel, answer, closed } = await connectingLate();
    channel.closeThrows = true;
    let stopped = false;
    const stopping = channel.stop().then(() => (stopped = true));
    answer();
    await settle();
    expect(channel.closes).toBe(1);
    expect(stopped).toBe(false);
    closed();
    await stopping;
    expect(channel.closesDone).toBe(1);
  });

  it('restart after a lost link opens the next connection only once the old one has closed', async () => {
    const { channel, closed } = await connectedWithSlowClose();
    channel.links[0]!.lost(new Error('socket hang up'));
    await settle();
    const restarting = channel.restart();
    await settle();
    expect(channel.opens).toHaveLength(1);
    closed();
    await restarting;
    await settle();
    expect(channel.closesDone).toBe(1);
    expect(channel.opens).toHaveLength(2);
    expect(channel.status()).toMatchObject({ state: 'connected', restarts: 1 });
    await channel.stop();
  });

  it('a second stop waits for the first to finish closing', async () => {
    const { channel, closed } = await connectedWithSlowClose();
    let done = 0;
    const first = channel.stop().then(() => done++);
    const second = channel.stop().then(() => done++);
    await settle();
    expect(done).toBe(0);
    closed();
    await Promise.all([first, second]);
    expect(channel.closesDone).toBe(1);
  });

  it('a stop that comes in while a restart is stopping has the last word', async () => {
    const { channel, closed } = await connectedWithSlowClose();
    const restarting = channel.restart();
    const stopping = channel.stop();
    closed();
    await Promise.all([restarting, stopping]);
    await settle();
    expect(channel.state).toBe('stopped');
    expect(channel.opens).toHaveLength(1);
    expect(channel.status().restarts).toBe(0);
  });

  it('a start right after a stop waits until a connection that opened too late has closed', async () => {
    const { channel, answer, closed } = await connectingLate();
    void channel.stop();
    channel.gate = null;
    answer();
    await settle();
    channel.start();
    await settle();
    // The late connection is closing: the new one is not opened yet.
    expect(channel.opens).toHaveLength(1);
    closed();
    await vi.waitFor(() => expect(channel.opens).toHaveLength(2));
    await settle();
    expect(channel.state).toBe('connected');
    channel.closeGate = null;
    await channel.stop();
  });

  it('restart counts and reconnects at once', async () => {
    const { channel } = setup();
    channel.up = true;
    channel.start();
    await settle();
    await channel.restart();
    await settle();
    expect(channel.status()).toMatchObject({ state: 'connected', restarts: 1 });
    expect(channel.opens).toHaveLength(2);
    await channel.stop();
  });

  it('a peer that accepts and drops at once keeps backing off longer when connects alone do not prove it', async () => {
    const { channel } = setup(undefined, true);
    channel.up = true;
    channel.start();
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      await settle();
      expect(channel.state).toBe('connected');
      channel.links.at(-1)!.lost(null);
      await settle();
      waits.push(channel.status().nextAttemptAt! - Date.now());
      await vi.advanceTimersByTimeAsync(waits[i]!);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    await settle();

    // The peer answers: the backoff starts over, so the next drop waits 1 s again.
    channel.links.at(-1)!.publish('D1', 'http', [], Date.now(), Date.now());
    expect(channel.status().failures).toBe(0);
    channel.links.at(-1)!.lost(null);
    await settle();
    expect(channel.status().nextAttemptAt! - Date.now()).toBe(1000);
    await vi.advanceTimersByTimeAsync(1000);
    await settle();

    // proven() (a registration) does the same without any data.
    channel.links.at(-1)!.lost(null);
    await settle();
    expect(channel.status().nextAttemptAt! - Date.now()).toBe(2000);
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    channel.links.at(-1)!.proven();
    channel.links.at(-1)!.lost(null);
    await settle();
    expect(channel.status().nextAttemptAt! - Date.now()).toBe(1000);
    await channel.stop();
  });

  it('by default a successful connect starts the backoff over', async () => {
    const { channel } = setup();
    channel.up = true;
    channel.start();
    for (let i = 0; i < 3; i++) {
      await settle();
      channel.links.at(-1)!.lost(null);
      await settle();
      expect(channel.status().nextAttemptAt! - Date.now()).toBe(1000);
      await vi.advanceTimersByTimeAsync(1000);
    }
    await channel.stop();
  });
});
