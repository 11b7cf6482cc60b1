// Polls on a period, start to start, never two at once: a slow answer shortens the wait
// before the next poll, it does not stretch the period, and a poll is never started while
// the last one is still out. Used by the channels that ask their peer (HTTP, S7).

export class PollLoop {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;

  /** `poll` must not reject; `active` false ends the loop after the poll in flight. */
  constructor(
    private readonly everyMs: number,
    private readonly now: () => number,
    private readonly poll: () => Promise<void>,
    private readonly active: () => boolean,
  ) {}

  /** The first poll after one period. */
  start(): void {
    this.next(this.everyMs);
  }

  /** No poll starts after this; resolves once the one in flight (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private next(delay: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      const startedAt = this.now();
      const inFlight = this.poll();
      this.inFlight = inFlight;
      void inFlight.then(() => {
        this.inFlight = null;
        if (!this.stopped && this.active()) this.next(Math.max(0, this.everyMs - (this.now() - startedAt)));
      });
    }, delay);
  }
}
