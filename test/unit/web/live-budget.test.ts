import { describe, expect, it } from 'vitest';
import { admitSubscription, Budget, TokenBucket, UserBudgets } from '../../../src/web/live/live-budget.js';

const rate = (burst: number, perSecond: number) => ({ burst, perSecond });

describe('live feed budgets', () => {
  it('take a burst, then refill at their rate', () => {
    const b = new TokenBucket(rate(3, 10), 0);
    expect([b.take(1, 0), b.take(1, 0), b.take(1, 0), b.take(1, 0)]).toEqual([true, true, true, false]);
    expect(b.waitMs(1, 0)).toBe(100);
    expect(b.take(1, 100)).toBe(true);
    expect(b.take(5, 10_000)).toBe(false);
    expect(b.full(10_000)).toBe(true);
  });

  it('let a cost larger than the burst through once, then wait for the debt', () => {
    const b = new TokenBucket(rate(1000, 500), 0);
    b.spend(3000, 0);
    expect(b.waitMs(0, 0)).toBe(4000);
    expect(b.waitMs(0, 4000)).toBe(0);
  });

  it('admit a subscription only when the connection and its user both can, taking from both', () => {
    const own = new Budget(rate(2, 1), rate(1000, 1000), 0);
    const user = new Budget(rate(1, 1), rate(1000, 1000), 0);
    expect(admitSubscription(own, user, 0)).toBeNull();
    expect(admitSubscription(own, user, 0)).toMatchObject({
      message: 'too many subscriptions per second',
      retryAfterMs: 1000,
    });
    // The refused one took nothing from the connection: one token left there.
    expect(admitSubscription(own, user, 1000)).toBeNull();
    user.snapshotBytes.spend(1500, 1000);
    expect(admitSubscription(own, user, 5000)).toBeNull();
    user.snapshotBytes.spend(3000, 5000);
    expect(admitSubscription(own, user, 5000)).toMatchObject({
      message: 'too many snapshot bytes per second',
      retryAfterMs: 2000,
    });
  });

  it('keep a user who left while in debt, and forget one who paid', () => {
    const users = new UserBudgets({
      connectionSubscriptions: rate(10, 10),
      userSubscriptions: rate(10, 10),
      connectionSnapshotBytes: rate(100, 100),
      userSnapshotBytes: rate(100, 100),
    });
    const budget = users.join('mallory', 0);
    budget.snapshotBytes.spend(300, 0);
    users.leave('mallory');
    users.prune(1000);
    expect(users.join('mallory', 1000)).toBe(budget);
    users.leave('mallory');
    users.prune(10_000);
    expect(users.size).toBe(0);
  });
});
