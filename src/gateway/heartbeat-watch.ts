// Counts a DTU's missed heartbeats from its last heartbeat, not on a fixed beat: the check
// runs when the next miss is due, so a silent DTU is dropped interval × misses after it
// went quiet, within one scheduler step (a fixed beat let up to one more interval pass).

import type { Clock } from '../clock.js';
import type { TickJob, TickScheduler } from '../link/index.js';

export interface HeartbeatBudget {
  readonly heartbeatIntervalMs: number;
  readonly heartbeatMaxMisses: number;
}

export class HeartbeatWatch {
  /** Consecutive intervals without a heartbeat, as last checked. */
  misses = 0;
  private lastAliveAt = 0;
  private readonly job: TickJob;
  private running = false;

  constructor(
    private readonly scheduler: TickScheduler,
    private readonly clock: Clock,
    private readonly budget: HeartbeatBudget,
    /** Another interval passed in silence; `misses` reached the budget when `timedOut`. */
    private readonly missed: (misses: number, timedOut: boolean) => void,
  ) {
    this.job = scheduler.job(() => this.check(this.clock.now()));
  }

  start(now: number): void {
    this.running = true;
    this.alive(now);
    this.scheduler.schedule(this.job, this.budget.heartbeatIntervalMs);
  }

  /** A heartbeat (or any input, on a link without one): only moves the mark; the job re-arms itself. */
  alive(now: number): void {
    this.lastAliveAt = now;
    this.misses = 0;
  }

  stop(): void {
    this.running = false;
    this.scheduler.cancel(this.job);
  }

  private check(now: number): void {
    if (!this.running) return;
    const interval = this.budget.heartbeatIntervalMs;
    const missed = Math.floor((now - this.lastAliveAt) / interval);
    if (missed >= this.budget.heartbeatMaxMisses) {
      this.stop();
      this.misses = missed;
      this.missed(missed, true);
      return;
    }
    this.scheduler.schedule(this.job, this.lastAliveAt + (missed + 1) * interval - now);
    if (missed > this.misses) {
      this.misses = missed;
      this.missed(missed, false);
    }
  }
}
