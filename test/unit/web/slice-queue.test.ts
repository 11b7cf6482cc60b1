import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { SliceQueue } from '../../../src/web/live/slice-queue.js';

const turn = () => new Promise((r) => setImmediate(r));
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('slice queue', () => {
  it('runs jobs a few milliseconds at a time, yielding the loop in between', async () => {
    const q = new SliceQueue(4, 100, silentLogger());
    let ran = 0;
    for (let i = 0; i < 20; i++) q.push(() => (busy(1), ran++));
    await turn();
    expect(ran).toBeGreaterThan(0);
    expect(ran).toBeLessThanOrEqual(5);
    for (let i = 0; i < 20 && q.waiting > 0; i++) await turn();
    expect(ran).toBe(20);
  });

  it('runs the next step of started work before new work, and survives a failing job', async () => {
    const q = new SliceQueue(50, 100, silentLogger());
    const order: string[] = [];
    q.push(() => {
      order.push('a');
      q.next(() => order.push('a2'));
      throw new Error('boom');
    });
    q.push(() => order.push('b'));
    await turn();
    expect(order).toEqual(['a', 'a2', 'b']);
  });

  it('stops accepting new requests when too many wait', () => {
    const q = new SliceQueue(4, 2, silentLogger());
    q.push(() => undefined);
    expect(q.accepts).toBe(true);
    q.push(() => undefined);
    expect(q.accepts).toBe(false);
    q.next(() => undefined);
    expect(q.waiting).toBe(3);
    q.stop();
    expect(q.waiting).toBe(0);
  });
});
