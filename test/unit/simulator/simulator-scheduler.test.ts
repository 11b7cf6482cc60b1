import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../src/link/index.js';
import { simulatorScheduler } from '../../../src/simulator/index.js';

// The simulator schedules heartbeats at wall-clock times on the link layer's scheduler.
describe('the simulator scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs each job once its due time has passed, within one tick', () => {
    const scheduler = simulatorScheduler(systemClock);
    const fired: number[] = [];
    scheduler.scheduleAt(
      scheduler.job(() => fired.push(Date.now())),
      Date.now() + 100,
    );
    vi.advanceTimersByTime(90);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(40);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(1_000_100);
  });

  it('keeps periodic jobs going when they reschedule themselves', () => {
    const scheduler = simulatorScheduler(systemClock);
    let count = 0;
    const job = scheduler.job(() => {
      count += 1;
      scheduler.scheduleAt(job, Date.now() + 1000);
    });
    scheduler.scheduleAt(job, Date.now() + 1000);
    vi.advanceTimersByTime(10_050);
    expect(count).toBe(10);
  });

  it('drives 10,000 jobs with one timer and stops when none is left', () => {
    const scheduler = simulatorScheduler(systemClock);
    let count = 0;
    for (let i = 0; i < 10_000; i++)
      scheduler.scheduleAt(
        scheduler.job(() => (count += 1)),
        Date.now() + (i % 3000),
      );
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(3100);
    expect(count).toBe(10_000);
    expect(scheduler.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not run a cancelled job, even when rescheduled into the same tick', () => {
    const scheduler = simulatorScheduler(systemClock);
    let count = 0;
    const job = scheduler.job(() => (count += 1));
    scheduler.scheduleAt(job, Date.now() + 100);
    scheduler.cancel(job);
    scheduler.scheduleAt(job, Date.now() + 105);
    const other = scheduler.job(() => (count += 100));
    scheduler.scheduleAt(other, Date.now() + 100);
    scheduler.cancel(other);
    vi.advanceTimersByTime(200);
    expect(count).toBe(1);
  });

  it('drops every job and its timer on clear', () => {
    const scheduler = simulatorScheduler(systemClock);
    let count = 0;
    for (let i = 0; i < 5; i++)
      scheduler.scheduleAt(
        scheduler.job(() => (count += 1)),
        Date.now() + 50 * i,
      );
    scheduler.clear();
    expect(scheduler.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(count).toBe(0);
  });

  it('never keeps the process alive', () => {
    const scheduler = simulatorScheduler(systemClock);
    const job = scheduler.job(() => undefined);
    scheduler.scheduleAt(job, Date.now() + 100);
    const unref = vi.spyOn(globalThis, 'setTimeout');
    scheduler.scheduleAt(
      scheduler.job(() => undefined),
      Date.now() + 10,
    );
    const handle = unref.mock.results.at(-1)?.value as NodeJS.Timeout;
    unref.mockRestore();
    expect(handle.hasRef()).toBe(false);
  });
});
