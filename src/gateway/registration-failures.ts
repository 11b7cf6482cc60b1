// Failed registrations per listener and remote address. A public DTU port sees scanners,
// TLS probes and HTTP bots all day: each failure is counted here, an address that keeps
// failing is refused for a while (doubling up to a cap), and the table stays bounded
// however many addresses try (the least recently failing one is forgotten first).

/** Failures in a row from one address before its connections are refused. */
export const FAILURES_BEFORE_BACKOFF = 5;
const BACKOFF_FIRST_MS = 1_000;
const BACKOFF_MAX_MS = 5 * 60_000;
/** An address quiet this long starts afresh. */
const FORGET_AFTER_MS = 15 * 60_000;
export const MAX_FAILING_ADDRESSES = 4096;

export interface FailingAddress {
  readonly listener: string;
  readonly ip: string;
  /** Failed registrations in a row (a success from the address clears them). */
  readonly failures: number;
  readonly lastFailureAt: number;
  /** Connections from the address are refused until then (0: not refused). */
  readonly refusedUntil: number;
}

interface Entry {
  listener: string;
  ip: string;
  failures: number;
  lastFailureAt: number;
  refusedUntil: number;
}

export class RegistrationFailures {
  /** Insertion order is recency: a failure moves its entry to the end. */
  private readonly entries = new Map<string, Entry>();
  /** Failures per listener since start (as many keys as listeners). */
  private readonly totals = new Map<string, number>();

  constructor(private readonly maxEntries = MAX_FAILING_ADDRESSES) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Records a failure at `now`; `first` is true when the address had no failures on record
   * (the one failure worth an event), `backoffStarted` when this one begins a refusal.
   */
  fail(listener: string, ip: string, now: number): { first: boolean; backoffStarted: boolean } {
    this.totals.set(listener, (this.totals.get(listener) ?? 0) + 1);
    const key = keyOf(listener, ip);
    let entry = this.entries.get(key);
    if (entry && now - entry.lastFailureAt > FORGET_AFTER_MS) entry = undefined;
    const first = entry === undefined;
    entry ??= { listener, ip, failures: 0, lastFailureAt: now, refusedUntil: 0 };
    entry.failures++;
    entry.lastFailureAt = now;
    const over = entry.failures - FAILURES_BEFORE_BACKOFF;
    const backoffStarted = over >= 0;
    if (backoffStarted) entry.refusedUntil = now + Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(over, 20));
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return { first, backoffStarted };
  }

  total(listener: string): number {
    return this.totals.get(listener) ?? 0;
  }

  /** A registration from the address succeeded: it is a DTU, not a scanner. */
  succeed(listener: string, ip: string): void {
    this.entries.delete(keyOf(listener, ip));
  }

  /** True while connections from the address are refused. */
  refused(listener: string, ip: string, now: number): boolean {
    const entry = this.entries.get(keyOf(listener, ip));
    return entry !== undefined && entry.refusedUntil > now;
  }

  /** Addresses on record, most recently failing first, at most `limit`. */
  list(limit = 100): FailingAddress[] {
    const out: FailingAddress[] = [];
    for (const entry of [...this.entries.values()].reverse()) {
      if (out.length >= limit) break;
      out.push({ ...entry });
    }
    return out;
  }
}

function keyOf(listener: string, ip: string): string {
  return `${listener}\u0000${ip}`;
}
