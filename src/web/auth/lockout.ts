// Brute-force lockout per (username, client IP): after `maxFailures` failed logins within
// `durationMs`, that pair is refused for `durationMs`, even with the right password.
// Keyed by both so an attacker cannot lock a real user out from another address.
import { systemClock, type Clock } from '../../clock.js';

interface Entry {
  failures: number[];
  lockedUntil: number;
}

const MAX_ENTRIES = 100_000;

export class LoginLockout {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxFailures: number,
    private readonly durationMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Milliseconds until the pair may try again; 0 when it may now. */
  retryAfterMs(username: string, ip: string): number {
    const entry = this.entries.get(key(username, ip));
    if (!entry) return 0;
    return Math.max(0, entry.lockedUntil - this.clock.now());
  }

  /** Records a failure; returns true when this failure locked the pair. */
  fail(username: string, ip: string): boolean {
    const now = this.clock.now();
    if (this.entries.size >= MAX_ENTRIES) this.sweep(now);
    const k = key(username, ip);
    let entry = this.entries.get(k);
    if (!entry) {
      entry = { failures: [], lockedUntil: 0 };
      this.entries.set(k, entry);
    }
    entry.failures = entry.failures.filter((t) => t > now - this.durationMs);
    entry.failures.push(now);
    if (entry.failures.length < this.maxFailures) return false;
    entry.lockedUntil = now + this.durationMs;
    entry.failures = [];
    return true;
  }

  succeed(username: string, ip: string): void {
    this.entries.delete(key(username, ip));
  }

  private sweep(now: number): void {
    for (const [k, e] of this.entries) {
      if (e.lockedUntil <= now && e.failures.every((t) => t <= now - this.durationMs)) this.entries.delete(k);
    }
  }
}

function key(username: string, ip: string): string {
  return `${username.toLowerCase()}\u0000${ip}`;
}
