// The delivery queue with a fake sender and an in-memory store: backoff with jitter, dead
// letters, per-endpoint lanes, and what a stop leaves behind.
import { describe, expect, it, vi } from 'vitest';
import type { WebhookEndpoint } from '../../../../src/domain/rules.js';
import { DeliveryQueue } from '../../../../src/events/delivery/delivery-queue.js';
import type { DeliveryQuery, DeliveryRecord, DeliveryStore } from '../../../../src/storage/index.js';
import type { SendResult, Sender } from '../../../../src/events/delivery/webhook-sender.js';
import { silentLogger } from '../../../../src/log.js';

class MemoryStore implements DeliveryStore {
  readonly rows = new Map<string, DeliveryRecord>();
  async start() {}
  async close() {}
  async save(records: readonly DeliveryRecord[]) {
    for (const r of records) this.rows.set(r.id, { ...r });
  }
  async get(id: string) {
    const r = this.rows.get(id);
    return r ? { ...r } : null;
  }
  async pending() {
    return [...this.rows.values()].filter((r) => r.status === 'pending').map((r) => ({ ...r }));
  }
  async list(_q?: DeliveryQuery) {
    return [...this.rows.values()];
  }
}

function endpoint(name: string, overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    name,
    url: 'http://127.0.0.1:1/x',
    method: 'POST',
    headers: {},
    secrets: [],
    timeoutMs: 1000,
    concurrency: 1,
    maxAttempts: 4,
    backoffInitialMs: 1000,
    backoffMaxMs: 5000,
    enabled: true,
    ...overrides,
  };
}

const result = (ok: boolean): SendResult => ({
  ok,
  status: ok ? 200 : 500,
  error: ok ? null : 'HTTP 500',
  latencyMs: 1,
  aborted: false,
});
const input = (endpoint = 'a') => ({
  eventId: 'ev_1',
  eventType: 'device.online',
  registrationId: 'D1',
  endpoint,
  rule: 'r',
  body: '{}',
});

describe('delivery queue', () => {
  it('waits initialDelay·2^(n-1), capped at maxDelay, jittered into [½, 1] of it, then makes the delivery a dead letter', async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const attempts: number[] = [];
      const send: Sender = async () => {
        attempts.push(Date.now());
        return result(false);
      };
      const store = new MemoryStore();
      const ep = endpoint('a', { backoffInitialMs: 1000, backoffMaxMs: 3000, maxAttempts: 5 });
      const queue = new DeliveryQueue(new Map([['a', ep]]), store, silentLogger(), { send, random: () => 0 });
      await queue.start();
      const id = queue.add(input())!;
      await vi.advanceTimersByTimeAsync(20_000);
      // random() = 0 → half of 1000, 2000, 3000 (4000 capped), 3000.
      expect(attempts).toEqual([0, 500, 1500, 3000, 4500]);
      expect(store.rows.get(id)).toMatchObject({ status: 'dead', attempts: 5 });

      const jittered = new DeliveryQueue(new Map([['a', ep]]), new MemoryStore(), silentLogger(), {
        send,
        random: () => 0.999,
      });
      attempts.length = 0;
      await jittered.start();
      jittered.add(input());
      await vi.advanceTimersByTimeAsync(1100);
      expect(attempts).toEqual([20_000, 21_000]);
      await queue.stop();
      await jittered.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives each endpoint its own lane: a blocked one does not hold the other back', async () => {
    const release: (() => void)[] = [];
    const sent: string[] = [];
    const send: Sender = (e) => {
      sent.push(e.name);
      if (e.name === 'blocked') return new Promise((resolve) => release.push(() => resolve(result(true))));
      return Promise.resolve(result(true));
    };
    const store = new MemoryStore();
    const endpoints = new Map([
      ['blocked', endpoint('blocked', { concurrency: 1 })],
      ['free', endpoint('free', { concurrency: 1 })],
    ]);
    const queue = new DeliveryQueue(endpoints, store, silentLogger(), { send });
    await queue.start();
    for (let i = 0; i < 3; i++) queue.add({ ...input('blocked'), eventId: `b${i}` });
    for (let i = 0; i < 3; i++) queue.add({ ...input('free'), eventId: `f${i}` });
    await until(() => queue.stats().delivered === 3);
    expect(sent.filter((n) => n === 'blocked')).toHaveLength(1);
    expect(queue.stats().byEndpoint).toEqual({ blocked: { queued: 2, inFlight: 1 }, free: { queued: 0, inFlight: 0 } });
    release.shift()!();
    await until(() => sent.filter((n) => n === 'blocked').length === 2);
    for (const r of release.splice(0)) r();
    await until(() => release.length > 0);
    release.shift()!();
    await until(() => queue.stats().delivered === 6);
    await queue.stop();
  });

  it('makes a delivery dead after maxAttempts and leaves an aborted attempt pending on stop', async () => {
    const store = new MemoryStore();
    const failing = new DeliveryQueue(new Map([['a', endpoint('a', { maxAttempts: 1 })]]), store, silentLogger(), {
      send: async () => result(false),
    });
    await failing.start();
    const dead = failing.add(input())!;
    await until(() => store.rows.get(dead)?.status === 'dead');
    expect(store.rows.get(dead)).toMatchObject({ attempts: 1, lastStatus: 500, lastError: 'HTTP 500' });
    await failing.stop();

    const hanging: Sender = (_e, _r, stop) =>
      new Promise((resolve) =>
        stop.addEventListener('abort', () =>
          resolve({ ok: false, status: null, error: 'stopped', latencyMs: 0, aborted: true }),
        ),
      );
    const queue = new DeliveryQueue(new Map([['a', endpoint('a')]]), store, silentLogger(), { send: hanging });
    await queue.start();
    const id = queue.add({ ...input(), eventId: 'ev_2' })!;
    await until(() => queue.stats().inFlight === 1);
    await queue.stop();
    expect(store.rows.get(id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(queue.add(input())).toBeNull();
  });

  it('refuses deliveries to unknown or disabled endpoints', async () => {
    const queue = new DeliveryQueue(
      new Map([['off', endpoint('off', { enabled: false })]]),
      new MemoryStore(),
      silentLogger(),
      { send: async () => result(true) },
    );
    await queue.start();
    expect(queue.add(input('off'))).toBeNull();
    expect(queue.add(input('unknown'))).toBeNull();
    await queue.stop();
  });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('delivery queue, rules.yml reloaded', () => {
  it('sends waiting deliveries with the endpoint’s new settings, adds endpoints, and gives up on removed ones', async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const sent: string[] = [];
      const send: Sender = async (e) => {
        sent.push(e.url);
        return result(e.url.endsWith('/new'));
      };
      const store = new MemoryStore();
      const ep = (name: string, url: string) => endpoint(name, { url, backoffInitialMs: 1000, maxAttempts: 9 });
      const queue = new DeliveryQueue(
        new Map([
          ['a', ep('a', 'http://a/old')],
          ['gone', ep('gone', 'http://gone/old')],
        ]),
        store,
        silentLogger(),
        { send, random: () => 0 },
      );
      await queue.start();
      const a = queue.add(input('a'))!;
      const gone = queue.add(input('gone'))!;
      await vi.advanceTimersByTimeAsync(10);
      expect(sent).toEqual(['http://a/old', 'http://gone/old']);

      // Both wait 500 ms for their retry; the reload happens meanwhile.
      queue.reconfigure(
        new Map([
          ['a', ep('a', 'http://a/new')],
          ['b', ep('b', 'http://b/new')],
        ]),
        new Set(['a', 'b', 'gone']),
      );
      const b = queue.add(input('b'))!;
      await vi.advanceTimersByTimeAsync(1000);
      expect(sent.slice(2).sort()).toEqual(['http://a/new', 'http://b/new']);
      expect(store.rows.get(a)).toMatchObject({ status: 'delivered', attempts: 2 });
      expect(store.rows.get(b)).toMatchObject({ status: 'delivered' });
      expect(store.rows.get(gone)).toMatchObject({
        status: 'dead',
        lastError: 'endpoint "gone" is no longer in rules.yml',
      });
      expect(queue.add(input('gone'))).toBeNull();
      await queue.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
