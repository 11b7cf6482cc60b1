import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimerWheel } from '../../../src/simulator/timer-wheel.js';

describe('TimerWheel', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs each job once its due time has passed, within one tick', () => {
    const wheel = new TimerWheel(20);
    const fired: number[] = [];
    wheel.schedule(
      wheel.job((now) => fired.push(now)),
      Date.now() + 100,
    );
    vi.advanceTimersByTime(90);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(40);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(1_000_100);
  });

  it('keeps periodic jobs going when they reschedule themselves', () => {
    const wheel = new TimerWheel(10);
    let count = 0;
    const job = wheel.job((now) => {
      count += 1;
      wheel.schedule(job, now + 1000);
    });
    wheel.schedule(job, Date.now() + 1000);
    vi.advanceTimersByTime(10_050);
    expect(count).toBe(10);
  });

  it('drives 10,000 jobs with one timer and stops when none is left', () => {
    const wheel = new TimerWheel(20);
    let count = 0;
    for (let i = 0; i < 10_000; i++) wheel.schedule(wheel.job(() => (count += 1)), Date.now() + (i % 3000));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(3100);
    expect(count).toBe(10_000);
    expect(wheel.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not run a cancelled job, even when rescheduled into the same tick', () => {
    const wheel = new TimerWheel(20);
    let count = 0;
    const job = wheel.job(() => (count += 1));
    wheel.schedule(job, Date.now() + 100);
    wheel.cancel(job);
    wheel.schedule(job, Date.now() + 105);
    const other = wheel.job(() => (count += 100));
    wheel.schedule(other, Date.now() + 100);
    wheel.cancel(other);
    vi.advanceTimersByTime(200);
    expect(count).toBe(1);
  });
});
