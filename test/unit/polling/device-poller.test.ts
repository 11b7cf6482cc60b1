import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../src/bus.js';
import type { DeviceProfile, ReadBlock, TaskPlan } from '../../../src/domain/config.js';
import type { GatewayEvents } from '../../../src/domain/events.js';
import { STORE_EVERY_SAMPLE } from '../../../src/domain/history-policy.js';

import type { PointDef } from '../../../src/domain/point.js';
import type { Transaction, TransactionQueue } from '../../../src/link/index.js';
import { silentLogger } from '../../../src/log.js';
import { DevicePoller } from '../../../src/polling/device-poller.js';
import { encodeRegistersResponse } from '../../../src/protocol/modbus/reply.js';
import { fastTiming } from '../../helpers/links.js';

const temperature: PointDef = {
  name: 'temperature',
  slave: 1,
  fn: 3,
  address: 2000,
  type: 'int16',
  order: 'ABCD',
  registers: 1,
  scale: 0.1,
  offset: 0,
  history: STORE_EVERY_SAMPLE,
};
const block = (address: number, points: PointDef[] = []): ReadBlock => ({
  slave: 1,
  fn: 3,
  address,
  quantity: 10,
  points,
});

function profile(tasks: TaskPlan[], pollOnConnect = true): DeviceProfile {
  return {
    name: 'p',
    description: '',
    heartbeat: null,
    timing: fastTiming,
    slaves: [{ id: 1, name: 'main' }],
    points: [temperature],
    tasks,
    pollOnConnect,
  };
}

/** A queue that records what was enqueued; the test decides the outcome. */
function fakeQueue() {
  const queued: Transaction[] = [];
  const keys = new Set<string>();
  const queue = {
    enqueue(tx: Transaction) {
      if (tx.key !== null && keys.has(tx.key)) return false;
      if (tx.key !== null) keys.add(tx.key);
      queued.push(tx);
      return true;
    },
  } as unknown as TransactionQueue;
  const answer = (tx: Transaction, registers: number[]) => {
    if (tx.key !== null) keys.delete(tx.key);
    const frame = encodeRegistersResponse(1, 3, registers);
    tx.done({ kind: 'ok', buf: frame, dataOffset: 3, dataLength: frame[2]!, sentAt: Date.now(), at: Date.now() });
  };
  return { queue, queued, answer };
}

function poller(tasks: TaskPlan[], options: { pollOnConnect?: boolean; stagger?: number; random?: () => number } = {}) {
  const bus = new EventBus<GatewayEvents>(silentLogger());
  const q = fakeQueue();
  const data: GatewayEvents['data'][] = [];
  bus.on('data', (e) => data.push(e));
  const p = new DevicePoller({
    deviceId: 'DTU1',
    profile: profile(tasks, options.pollOnConnect ?? true),
    queue: q.queue,
    bus,
    limits: { connectStaggerMs: options.stagger ?? 0 },
    clock: { now: () => Date.now() },
    random: options.random ?? (() => 0),
  });
  return { p, ...q, data };
}

describe('DevicePoller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls interval tasks right after connect, then on their interval', () => {
    const r = poller([{ name: 'a', schedule: { kind: 'interval', everyMs: 1000 }, blocks: [block(2000)] }]);
    r.p.start();
    vi.advanceTimersByTime(0);
    expect(r.queued).toHaveLength(1);
    r.answer(r.queued[0]!, new Array(10).fill(0));
    vi.advanceTimersByTime(999);
    expect(r.queued).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(r.queued).toHaveLength(2);
    r.p.stop();
  });

  it('waits a full interval first when pollOnConnect is off', () => {
    const r = poller([{ name: 'a', schedule: { kind: 'interval', everyMs: 1000 }, blocks: [block(2000)] }], {
      pollOnConnect: false,
    });
    r.p.start();
    vi.advanceTimersByTime(999);
    expect(r.queued).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(r.queued).toHaveLength(1);
    r.p.stop();
  });

  it('spreads first polls over the connect stagger window', () => {
    const r = poller([{ name: 'a', schedule: { kind: 'interval', everyMs: 10_000 }, blocks: [block(2000)] }], {
      stagger: 2000,
      random: () => 0.5,
    });
    r.p.start();
    vi.advanceTimersByTime(999);
    expect(r.queued).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(r.queued).toHaveLength(1);
    r.p.stop();
  });

  it('runs heartbeat tasks on each heartbeat and connect tasks once', () => {
    const r = poller([
      { name: 'hb', schedule: { kind: 'heartbeat' }, blocks: [block(2300)] },
      { name: 'once', schedule: { kind: 'connect' }, blocks: [block(2400)] },
    ]);
    r.p.start();
    vi.advanceTimersByTime(10_000);
    expect(r.queued.map((t) => t.key)).toEqual(['once#0']);
    r.p.onHeartbeat();
    r.answer(r.queued[1]!, new Array(10).fill(0));
    r.p.onHeartbeat();
    expect(r.queued.map((t) => t.key)).toEqual(['once#0', 'hb#0', 'hb#0']);
  });

  it('skips a poll whose previous read of the same block is still queued (a slow link)', () => {
    const r = poller([{ name: 'a', schedule: { kind: 'interval', everyMs: 100 }, blocks: [block(2000)] }]);
    r.p.start();
    vi.advanceTimersByTime(350);
    expect(r.queued).toHaveLength(1);
    expect(r.p.counters.skippedOverrun).toBe(3);
    r.p.stop();
  });

  it('decodes an answered block into samples with the receive time', () => {
    const r = poller([{ name: 'a', schedule: { kind: 'connect' }, blocks: [block(2000, [temperature])] }]);
    r.p.start();
    vi.advanceTimersByTime(0);
    r.answer(r.queued[0]!, [253, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(r.data).toHaveLength(1);
    expect(r.data[0]!.samples).toEqual([
      expect.objectContaining({
        deviceId: 'DTU1',
        point: 'temperature',
        value: 25.3,
        raw: '00fd',
        slave: 1,
        address: 2000,
        quality: 'good',
      }),
    ]);
  });
});

describe('DevicePoller.replan', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls the new plan within its first period, decodes with it, keeps the counters, and runs no connect task again', () => {
    const r = poller(
      [
        { name: 'a', schedule: { kind: 'interval', everyMs: 10_000 }, blocks: [block(2000, [temperature])] },
        { name: 'once', schedule: { kind: 'connect' }, blocks: [block(2400)] },
      ],
      { random: () => 0.5 },
    );
    r.p.start();
    vi.advanceTimersByTime(0);
    expect(r.queued).toHaveLength(2);
    r.answer(r.queued[0]!, [215, ...new Array(9).fill(0)]);
    r.answer(r.queued[1]!, new Array(10).fill(0));
    expect(r.data.at(-1)?.samples[0]?.value).toBeCloseTo(21.5);

    const scaled = { ...temperature, scale: 1 };
    r.p.replan(
      profile([{ name: 'a', schedule: { kind: 'interval', everyMs: 2000 }, blocks: [block(2000, [scaled])] }]),
    );
    // random() = 0.5: half of the new 2 s period, not the 10 s of the old plan.
    vi.advanceTimersByTime(999);
    expect(r.queued).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(r.queued).toHaveLength(3);
    r.answer(r.queued[2]!, [215, ...new Array(9).fill(0)]);
    expect(r.data.at(-1)?.samples[0]?.value).toBe(215);
    expect(r.p.counters.polls).toBe(3);
    vi.advanceTimersByTime(2000);
    expect(r.queued.map((tx) => tx.key)).toEqual(['a#0', 'once#0', 'a#0', 'a#0']);
    r.p.stop();
  });
});
