// One ticking timer for many periodic jobs: 10,000 DTUs each sending a heartbeat every
// 30 s would otherwise hold 10,000 Node timers. Jobs sit in buckets by due tick; the
// timer runs only while some job is scheduled.

export interface WheelJob {
  /** Due time (ms); reschedule by calling `schedule` again from `run`. */
  at: number;
  /** Bucket the job sits in, or -1 when not scheduled. */
  slot: number;
  readonly run: (now: number) => void;
}

export class TimerWheel {
  private readonly buckets = new Map<number, WheelJob[]>();
  private timer: NodeJS.Timeout | null = null;
  private lastSlot = -1;
  private scheduled = 0;

  constructor(
    /** Tick length; jobs fire up to one tick late. */
    private readonly tickMs = 20,
    private readonly now: () => number = Date.now,
  ) {}

  /** A job that calls `run`; not scheduled until `schedule` is called. */
  job(run: (now: number) => void): WheelJob {
    return { at: 0, slot: -1, run };
  }

  schedule(job: WheelJob, at: number): void {
    this.cancel(job);
    const slot = Math.max(Math.floor(at / this.tickMs), this.lastSlot + 1);
    job.at = at;
    job.slot = slot;
    const bucket = this.buckets.get(slot);
    if (bucket) bucket.push(job);
    else this.buckets.set(slot, [job]);
    this.scheduled += 1;
    this.ensureTimer();
  }

  /** Unschedules a job; its bucket entry is skipped lazily when the tick comes. */
  cancel(job: WheelJob): void {
    if (job.slot === -1) return;
    job.slot = -1;
    this.scheduled -= 1;
  }

  /** Number of scheduled jobs. */
  get size(): number {
    return this.scheduled;
  }

  /** Stops ticking and drops every job. */
  clear(): void {
    for (const bucket of this.buckets.values()) for (const job of bucket) job.slot = -1;
    this.buckets.clear();
    this.scheduled = 0;
    this.stopTimer();
  }

  private ensureTimer(): void {
    if (this.timer) return;
    if (this.lastSlot < 0) this.lastSlot = Math.floor(this.now() / this.tickMs) - 1;
    this.timer = setInterval(() => this.tick(), this.tickMs);
    // Heartbeats alone must not keep a process alive; sockets and callers do that.
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.lastSlot = -1;
  }

  private tick(): void {
    const now = this.now();
    const current = Math.floor(now / this.tickMs);
    for (let slot = this.lastSlot + 1; slot <= current; slot++) {
      // Advance first so jobs rescheduled from `run` land in a later bucket.
      this.lastSlot = slot;
      const bucket = this.buckets.get(slot);
      if (!bucket) continue;
      this.buckets.delete(slot);
      for (const job of bucket) {
        if (job.slot !== slot) continue;
        job.slot = -1;
        this.scheduled -= 1;
        job.run(now);
      }
    }
    if (this.scheduled === 0) {
      this.buckets.clear();
      this.stopTimer();
    }
  }
}
