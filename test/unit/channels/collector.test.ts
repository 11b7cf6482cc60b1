// The collector base with fake timers: retry delays 1, 2, 4 … s up to the cap, reset after
// a success (or only once the peer proved itself), state events, stale callbacks of an old
// connection ignored, stop while connecting (abandoned at once, nothing left open), a new
// connection only after the old one has closed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../src/bus.js';
import { Collector, type CollectorDeps, type CollectorLink, type OpenLink } from '../../../src/channels/collector.js';
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
class ScriptedCollector extends Collector<HttpChannelConfig> {
  up = false;
  opens: number[] = [];
  closes = 0;
  links: CollectorLink[] = [];
  /** When set, open() waits for this before answering (or until the attempt is abandoned). */
  gate: Promise<void> | null = null;
  /** When set, a connection's close() waits for this. */
  closeGate: Promise<void> | null = null;
  closeThrows = false;
  closesDone = 0;

  constructor(deps: CollectorDeps, config: HttpChannelConfig = CONFIG) {
    super(config, deps);
  }

  get target(): string {
    return 'scripted';
  }

  protected remote(): Remote {
    return { ip: '127.0.0.1', port: 1, listener: this.config.name };
  }

  protected async open(link: CollectorLink): Promise<OpenLink> {
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

/** A collector whose peer must prove itself (register, answer) before the backoff starts over. */
class ProvingCollector extends ScriptedCollector {
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
  const collector = proving ? new ProvingCollector(deps, config) : new ScriptedCollector(deps, config);
  return { bus, collector, states, online, offline };
}

/** Its open() ignores the abort signal, as a library that cannot cancel its connect would. */
function ignoreSignal(collector: ScriptedCollector): void {
  const ignoring = collector as unknown as { open(link: CollectorLink): Promise<OpenLink> };
  const open = ignoring.open.bind(collector);
  ignoring.open = (link) => open({ ...link, active: link.active, signal: new AbortController().signal });
}

/** A connected collector whose connection's close waits until `closed()` is called. */
async function connectedWithSlowClose() {
  const { collector } = setup();
  collector.up = true;
  collector.start();
  await settle();
  let closed!: () => void;
  collector.closeGate = new Promise((r) => (closed = r));
  return { collector, closed };
}

/**
 * A collector connecting to a peer that answers the connect only when `answer()` is called,
 * with an open() that ignores the abort signal, and a close that waits for `closed()`.
 */
async function connectingLate() {
  const { collector } = setup();
  collector.up = true;
  let answer!: () => void;
  let closed!: () => void;
  collector.gate = new Promise((r) => (answer = r));
  collector.closeGate = new Promise((r) => (closed = r));
  ignoreSignal(collector);
  collector.start();
  await settle();
  return { collector, answer, closed };
}

/** Lets the microtasks of an attempt (open → catch → schedule) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('Collector', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a peer that is down at 1, 2, 4, 8 … s, capped, and recovers by itself when it returns', async () => {
    const { collector, states } = setup({ ...CONFIG, backoff: { initialMs: 1000, maxMs: 30_000 } });
    collector.start();
    await settle();
    expect(collector.opens).toHaveLength(1);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const status = collector.status();
      expect(status.state).toBe('backing-off');
      expect(status.lastError).toBe('ECONNREFUSED');
      waits.push(status.nextAttemptAt! - Date.now());
      // One ms short of the delay nothing happens; at the delay the next attempt runs.
      await vi.advanceTimersByTimeAsync(waits[i]! - 1);
      expect(collector.opens).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(1);
      await settle();
      expect(collector.opens).toHaveLength(i + 2);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(collector.status().failures).toBe(9);
    const backoffs = states.filter((s) => s.state === 'backing-off').map((s) => s.retryInMs);
    expect(backoffs.slice(0, 6)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000]);

    collector.up = true;
    await vi.advanceTimersByTimeAsync(30_000);
    await settle();
    expect(collector.status()).toMatchObject({ state: 'connected', failures: 0 });
    expect(collector.counters).toMatchObject({ connects: 1, connectFailures: 9 });
    expect(states.at(-1)).toMatchObject({ state: 'connected', previous: 'connecting' });
    await collector.stop();
  });

  it('uses the documented default: 1 s doubling to 5 min', async () => {
    const { collector } = setup();
    collector.start();
    await settle();
    const waits: number[] = [];
    for (let i = 0; i < 11; i++) {
      waits.push(collector.status().nextAttemptAt! - Date.now());
      await vi.advanceTimersByTimeAsync(waits[i]!);
      await settle();
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000]);
    await collector.stop();
  });

  it('after a lost link: devices offline, backoff from 1 s again, and the old link can no longer disturb the new one', async () => {
    const { collector, states, online, offline } = setup();
    collector.up = true;
    collector.start();
    await settle();
    const first = collector.links[0]!;
    first.publish('D1', 'http', [], Date.now(), Date.now());
    expect(online).toEqual(['D1']);
    first.lost(new Error('socket hang up'));
    await settle();
    expect(offline).toEqual(['D1:error']);
    expect(collector.closes).toBe(1);
    expect(collector.status()).toMatchObject({ state: 'backing-off', lastError: 'socket hang up', devices: [] });
    expect(collector.status().nextAttemptAt! - Date.now()).toBe(1000);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected', 'disconnected', 'backing-off']);

    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(collector.state).toBe('connected');
    // A late close event of the first connection is ignored.
    first.lost(new Error('late close'));
    first.publish('D1', 'http', [], Date.now(), Date.now());
    expect(collector.state).toBe('connected');
    expect(online).toEqual(['D1']);
    expect(collector.counters.disconnects).toBe(1);
    await collector.stop();
    expect(collector.state).toBe('stopped');
  });

  it('stop abandons a connect in progress at once: open() sees the signal, stop resolves, nothing retries', async () => {
    const { collector, states } = setup();
    collector.up = true;
    collector.gate = new Promise(() => undefined); // a peer that never answers the connect
    collector.start();
    await settle();
    const link = collector.links[0]!;
    expect(link.signal.aborted).toBe(false);
    await collector.stop();
    expect(link.signal.aborted).toBe(true);
    expect(collector.state).toBe('stopped');
    expect(collector.counters.connectFailures).toBe(0);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'stopped']);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(collector.opens).toHaveLength(1);
  });

  it('stop resolves only after a connection that opened too late is closed; a close that throws is logged, not raised', async () => {
    const { collector, answer, closed } = await connectingLate();
    collector.closeThrows = true;
    let stopped = false;
    const stopping = collector.stop().then(() => (stopped = true));
    answer();
    await settle();
    expect(collector.closes).toBe(1);
    expect(stopped).toBe(false);
    closed();
    await stopping;
    expect(collector.closesDone).toBe(1);
  });

  it('restart after a lost link opens the next connection only once the old one has closed', async () => {
    const { collector, closed } = await connectedWithSlowClose();
    collector.links[0]!.lost(new Error('socket hang up'));
    await settle();
    const restarting = collector.restart();
    await settle();
    expect(collector.opens).toHaveLength(1);
    closed();
    await restarting;
    await settle();
    expect(collector.closesDone).toBe(1);
    expect(collector.opens).toHaveLength(2);
    expect(collector.status()).toMatchObject({ state: 'connected', restarts: 1 });
    await collector.stop();
  });

  it('a second stop waits for the first to finish closing', async () => {
    const { collector, closed } = await connectedWithSlowClose();
    let done = 0;
    const first = collector.stop().then(() => done++);
    const second = collector.stop().then(() => done++);
    await settle();
    expect(done).toBe(0);
    closed();
    await Promise.all([first, second]);
    expect(collector.closesDone).toBe(1);
  });

  it('a stop that comes in while a restart is stopping has the last word', async () => {
    const { collector, closed } = await connectedWithSlowClose();
    const restarting = collector.restart();
    const stopping = collector.stop();
    closed();
    await Promise.all([restarting, stopping]);
    await settle();
    expect(collector.state).toBe('stopped');
    expect(collector.opens).toHaveLength(1);
    expect(collector.status().restarts).toBe(0);
  });

  it('a start right after a stop waits until a connection that opened too late has closed', async () => {
    const { collector, answer, closed } = await connectingLate();
    void collector.stop();
    collector.gate = null;
    answer();
    await settle();
    collector.start();
    await settle();
    // The late connection is closing: the new one is not opened yet.
    expect(collector.opens).toHaveLength(1);
    closed();
    await vi.waitFor(() => expect(collector.opens).toHaveLength(2));
    await settle();
    expect(collector.state).toBe('connected');
    collector.closeGate = null;
    await collector.stop();
  });

  it('restart counts and reconnects at once', async () => {
    const { collector } = setup();
    collector.up = true;
    collector.start();
    await settle();
    await collector.restart();
    await settle();
    expect(collector.status()).toMatchObject({ state: 'connected', restarts: 1 });
    expect(collector.opens).toHaveLength(2);
    await collector.stop();
  });

  it('a peer that accepts and drops at once keeps backing off longer when connects alone do not prove it', async () => {
    const { collector } = setup(undefined, true);
    collector.up = true;
    collector.start();
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      await settle();
      expect(collector.state).toBe('connected');
      collector.links.at(-1)!.lost(null);
      await settle();
      waits.push(collector.status().nextAttemptAt! - Date.now());
      await vi.advanceTimersByTimeAsync(waits[i]!);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    await settle();

    // The peer answers: the backoff starts over, so the next drop waits 1 s again.
    collector.links.at(-1)!.publish('D1', 'http', [], Date.now(), Date.now());
    expect(collector.status().failures).toBe(0);
    collector.links.at(-1)!.lost(null);
    await settle();
    expect(collector.status().nextAttemptAt! - Date.now()).toBe(1000);
    await vi.advanceTimersByTimeAsync(1000);
    await settle();

    // proven() (a registration) does the same without any data.
    collector.links.at(-1)!.lost(null);
    await settle();
    expect(collector.status().nextAttemptAt! - Date.now()).toBe(2000);
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    collector.links.at(-1)!.proven();
    collector.links.at(-1)!.lost(null);
    await settle();
    expect(collector.status().nextAttemptAt! - Date.now()).toBe(1000);
    await collector.stop();
  });

  it('by default a successful connect starts the backoff over', async () => {
    const { collector } = setup();
    collector.up = true;
    collector.start();
    for (let i = 0; i < 3; i++) {
      await settle();
      collector.links.at(-1)!.lost(null);
      await settle();
      expect(collector.status().nextAttemptAt! - Date.now()).toBe(1000);
      await vi.advanceTimersByTimeAsync(1000);
    }
    await collector.stop();
  });
});
