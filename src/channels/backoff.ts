// Reconnect delays: initial, doubling, capped; back to initial after a success. No jitter:
// each channel has its own peer, so there is no herd to spread, and exact delays are what
// an operator reading the log expects (1 s, 2 s, 4 s …).
import type { BackoffConfig } from '../domain/channels.js';

export class Backoff {
  private failures = 0;

  constructor(private readonly config: BackoffConfig) {}

  /** Consecutive failures since the last success. */
  get count(): number {
    return this.failures;
  }

  /** The wait before the next attempt after one more failure. */
  fail(): number {
    const { initialMs, maxMs } = this.config;
    // 2^n grows past the cap long before it overflows; the exponent is bounded anyway.
    const delay = Math.min(maxMs, initialMs * 2 ** Math.min(this.failures, 40));
    this.failures++;
    return delay;
  }

  reset(): void {
    this.failures = 0;
  }
}
