// What a live-feed viewer may ask of the server: subscriptions per second and snapshot bytes
// per second, for each connection and for each user (one user may open many sockets). A
// request over budget is refused with RATE_LIMITED and a time to retry after, never queued:
// a queue would only move the cost to later and hold memory for it meanwhile.

/** Token buckets: a burst of `burst`, then `perSecond` on average. */
export interface Rate {
  readonly burst: number;
  readonly perSecond: number;
}

export interface LiveLimits {
  /** Subscribe requests of one connection; the burst covers a first page's topics. */
  readonly connectionSubscriptions: Rate;
  readonly userSubscriptions: Rate;
  /** Bytes of snapshots and deltas sent to one connection. */
  readonly connectionSnapshotBytes: Rate;
  readonly userSnapshotBytes: Rate;
}

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * A page asks for its topics once (the UI's pages want one or two; a connection may hold 200),
 * so the bursts cover whole pages and the rates only what navigating needs: a viewer that
 * re-subscribes in a loop gets ten answers a second, however many sockets it opens.
 */
export const DEFAULT_LIVE_LIMITS: LiveLimits = {
  connectionSubscriptions: { burst: 200, perSecond: 10 },
  userSubscriptions: { burst: 1000, perSecond: 10 },
  connectionSnapshotBytes: { burst: 1 * MIB, perSecond: 256 * KIB },
  userSnapshotBytes: { burst: 4 * MIB, perSecond: 1 * MIB },
};

export class TokenBucket {
  private level: number;
  private at: number;

  constructor(
    private readonly rate: Rate,
    now: number,
  ) {
    this.level = rate.burst;
    this.at = now;
  }

  /** Takes `n` tokens if there are that many; false (and nothing taken) otherwise. */
  take(n: number, now: number): boolean {
    this.refill(now);
    if (this.level < n) return false;
    this.level -= n;
    return true;
  }

  /**
   * Spends `n` tokens, into debt if need be: a snapshot's size is known only once it is
   * built, and one larger than the burst (a big fleet) must still go out once.
   */
  spend(n: number, now: number): void {
    this.refill(now);
    this.level -= n;
  }

  /** Milliseconds until `n` tokens are there (0: now). */
  waitMs(n: number, now: number): number {
    this.refill(now);
    return this.level >= n ? 0 : Math.ceil(((n - this.level) / this.rate.perSecond) * 1000);
  }

  /** True when nothing has been taken or spent that is not paid back yet. */
  full(now: number): boolean {
    this.refill(now);
    return this.level >= this.rate.burst;
  }

  private refill(now: number): void {
    const elapsed = now - this.at;
    if (elapsed <= 0) return;
    this.at = now;
    this.level = Math.min(this.rate.burst, this.level + (elapsed / 1000) * this.rate.perSecond);
  }
}

/** One holder's two buckets (a connection's, or a user's shared by their connections). */
export class Budget {
  readonly subscriptions: TokenBucket;
  readonly snapshotBytes: TokenBucket;

  constructor(subscriptions: Rate, snapshotBytes: Rate, now: number) {
    this.subscriptions = new TokenBucket(subscriptions, now);
    this.snapshotBytes = new TokenBucket(snapshotBytes, now);
  }

  full(now: number): boolean {
    return this.subscriptions.full(now) && this.snapshotBytes.full(now);
  }
}

/** Why a subscription was refused and when to try again. */
export interface Refusal {
  readonly message: string;
  readonly retryAfterMs: number;
}

/**
 * Admits one subscription against both budgets, taking a token from each, or says why not.
 * Snapshot bytes are admitted while neither budget is in debt; they are spent when sent.
 */
export function admitSubscription(own: Budget, user: Budget, now: number): Refusal | null {
  const bytesWait = Math.max(own.snapshotBytes.waitMs(0, now), user.snapshotBytes.waitMs(0, now));
  if (bytesWait > 0) return { message: 'too many snapshot bytes per second', retryAfterMs: bytesWait };
  const subscribeWait = Math.max(own.subscriptions.waitMs(1, now), user.subscriptions.waitMs(1, now));
  if (subscribeWait > 0) return { message: 'too many subscriptions per second', retryAfterMs: subscribeWait };
  own.subscriptions.take(1, now);
  user.subscriptions.take(1, now);
  return null;
}

/** The per-user budgets, kept while a user has viewers or has not paid back what they spent. */
export class UserBudgets {
  private readonly byUser = new Map<string, { budget: Budget; viewers: number }>();

  constructor(private readonly limits: LiveLimits) {}

  /** The user's budget, counting one more viewer of theirs. */
  join(user: string, now: number): Budget {
    let entry = this.byUser.get(user);
    if (!entry) {
      entry = { budget: new Budget(this.limits.userSubscriptions, this.limits.userSnapshotBytes, now), viewers: 0 };
      this.byUser.set(user, entry);
    }
    entry.viewers++;
    return entry.budget;
  }

  leave(user: string): void {
    const entry = this.byUser.get(user);
    if (entry) entry.viewers--;
  }

  /**
   * Forgets users with no viewer and nothing owed. Closing every socket and reconnecting
   * must not reset a budget in debt, so those stay until paid back.
   */
  prune(now: number): void {
    for (const [user, entry] of this.byUser) if (entry.viewers <= 0 && entry.budget.full(now)) this.byUser.delete(user);
  }

  get size(): number {
    return this.byUser.size;
  }
}
