// Store state changes as events: the history store reports its state when asked, so it is
// asked once a second; a change to degraded or spilling, and back to ok, is one event.
import type { StoreHealth, StoreState } from '../storage/index.js';
import { makeEvent, type DtuEvent } from './event.js';

const EVENT_OF: Record<StoreState, DtuEvent['type']> = {
  ok: 'store.recovered',
  degraded: 'store.degraded',
  spilling: 'store.spilling',
};

export class StoreHealthWatch {
  private timer: NodeJS.Timeout | null = null;
  private last: StoreState = 'ok';

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
}
