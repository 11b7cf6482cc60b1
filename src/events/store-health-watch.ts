// Store state changes as events: the history store reports its state when asked, so it is
// asked once a second; a change to degraded or spilling, and back to ok, is one event.
// Rows lost (writer.rowsDropped growing) are one `store.dropped` per episode, not one per
// batch: an episode ends after DROP_EPISODE_QUIET_CHECKS checks without a new drop.
import type { StoreHealth, StoreState } from '../storage/index.js';
import { makeEvent, type DtuEvent } from './event.js';

const EVENT_OF: Record<StoreState, DtuEvent['type']> = {
  ok: 'store.recovered',
  degraded: 'store.degraded',
  spilling: 'store.spilling',
};

const DROP_EPISODE_QUIET_CHECKS = 10;

export class StoreHealthWatch {
  private timer: NodeJS.Timeout | null = null;
  private last: StoreState = 'ok';
  private rowsDropped = 0;
  private dropping = false;
  private quietChecks = 0;

  constructor(
    private readonly health: () => StoreHealth,
    private readonly raise: (event: DtuEvent) => void,
    private readonly everyMs = 1000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.check(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  check(): void {
    let h: StoreHealth;
    try {
      h = this.health();
    } catch {
      return; // the store is stopping
    }
    this.checkDrops(h);
    if (h.state === this.last) return;
    this.last = h.state;
    this.raise(
      makeEvent(EVENT_OF[h.state], null, h.since, {
        driver: h.driver,
        state: h.state,
        lastError: h.lastError,
        rowsOnDisk: h.rowsOnDisk,
      }),
    );
  }

  private checkDrops(h: StoreHealth): void {
    const before = this.rowsDropped;
    this.rowsDropped = h.writer.rowsDropped;
    if (this.rowsDropped <= before) {
      if (this.dropping && ++this.quietChecks >= DROP_EPISODE_QUIET_CHECKS) this.dropping = false;
      return;
    }
    this.quietChecks = 0;
    if (this.dropping) return;
    this.dropping = true;
    this.raise(
      makeEvent('store.dropped', null, Date.now(), {
        driver: h.driver,
        state: h.state,
        lastError: h.lastError,
        rowsOnDisk: h.rowsOnDisk,
        rowsDropped: this.rowsDropped,
      }),
    );
  }
}
