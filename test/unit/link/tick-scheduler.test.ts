import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TickScheduler } from '../../../src/link/index.js';

const clock = { now: () => Date.now() };

describe('TickScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it('runs jobs due within one tick together, at the end of that tick', () => {
    const s = new TickScheduler(10, clock);
    const ran: string[] = [];
    for (const [name, delay] of [
      ['a', 1],
      ['b', 7],
      ['c', 10],
      ['d', 11],
    ] as const) {
      s.schedule(
        s.job(() => ran.push(`${name}@${Date.now()}`)),
        delay,
      );
    }
    vi.advanceTimersByTime(9);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual(['a@1000010', 'b@1000010', 'c@1000010']);
    expect(vi.getTimerCount()).toBe(1); // one Node timer for everything that is left
    vi.advanceTimersByTime(10);
    expect(ran.at(-1)).toBe('d@1000020');
  });

  it('keeps exact times with a 1 ms tick', () => {
    const s = new TickScheduler(1, clock);
    const ran: number[] = [];
    s.schedule(
      s.job(() => ran.push(Date.now())),
      999,
    );
    vi.advanceTimersByTime(998);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual([1_000_999]);
  });

  it('repeats a periodic job in its own phase and stops it on cancel', () => {
    const s = new TickScheduler(1, clock);
    const ran: number[] = [];
    const job = s.job(() => ran.push(Date.now() - 1_000_000));
    s.schedule(job, 50, 100);
    vi.advanceTimersByTime(360);
    expect(ran).toEqual([50, 150, 250, 350]);
    s.cancel(job);
    vi.advanceTimersByTime(1000);
    expect(ran).toHaveLength(4);
    expect(s.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('replaces a job schedule when it is scheduled again, so a re-armed timeout fires once, late', () => {
    const s = new TickScheduler(1, clock);
    let fired = 0;
    const timeout = s.job(() => fired++);
    s.schedule(timeout, 200);
    vi.advanceTimersByTime(150);
    s.schedule(timeout, 200);
    vi.advanceTimersByTime(100);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(100);
    expect(fired).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(1);
  });

  it('runs a job scheduled from a running job in a later tick, never in a loop', () => {
    const s = new TickScheduler(10, clock);
    const ran: number[] = [];
    const again = s.job(() => ran.push(Date.now()));
    s.schedule(
      s.job(() => s.schedule(again, 0)),
      5,
    );
    vi.advanceTimersByTime(10);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(10);
    expect(ran).toEqual([1_000_020]);
  });

  it('skips the runs a stalled event loop missed instead of running them in a burst', () => {
    let stalled = 0;
    const s = new TickScheduler(1, { now: () => Date.now() + stalled });
    const ran: number[] = [];
    s.schedule(
      s.job(() => ran.push(Date.now() + stalled - 1_000_000)),
      100,
      100,
    );
    stalled = 350; // the timer fires 350 ms late
    vi.advanceTimersByTime(100);
    expect(ran).toEqual([450]);
    vi.advanceTimersByTime(50);
    expect(ran).toEqual([450, 500]);
  });

  it('keeps its own monotonic time, so a step of the wall clock neither stalls nor bursts the jobs', () => {
    const s = new TickScheduler(1);
    const ran: number[] = [];
    s.schedule(
      s.job(() => ran.push(ran.length)),
      100,
      100,
    );
    vi.setSystemTime(Date.now() - 3_600_000); // the wall clock goes back an hour
    vi.advanceTimersByTime(300);
    expect(ran).toEqual([0, 1, 2]);
  });

  it('holds no Node timer once every job is cancelled or done', () => {
    const s = new TickScheduler(10, clock);
    const once = s.job(() => undefined);
    const other = s.job(() => undefined);
    s.schedule(once, 100);
    s.schedule(other, 5000);
    vi.advanceTimersByTime(100);
    expect(vi.getTimerCount()).toBe(1);
    s.cancel(other);
    expect(vi.getTimerCount()).toBe(0);
    expect(s.size).toBe(0);
  });
});
