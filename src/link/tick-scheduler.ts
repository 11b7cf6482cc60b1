// One Node timer for all of a gateway's poll schedules, response timeouts and heartbeat
// checks. With a timer per DTU, 1,000 DTUs polled every second wake the event loop a
// thousand times a second, and each wake-up costs more than the poll itself; here jobs due
// in the same tick run in one wake-up, at most one tick late. Jobs sit in buckets by tick;
// a cancelled job is only marked and skipped when its bucket comes up, so rescheduling
// (every request re-arms its timeout) costs a push, not a timer.

import { monotonicClock, type Clock } from '../clock.js';

export interface TickJob {
  /** Due time on the scheduler's clock. */
  due: number;
  /** Repeat every `period` ms after `due`; 0 runs once. */
  period: number;
  /** Tick the job waits in, or -1 when not scheduled. */
  slot: number;
  readonly run: () => void;
}

export class TickScheduler {
  private readonly buckets = new Map<number, TickJob[]>();
  /** Min-heap of the ticks that have a bucket. */
  private readonly ticks: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerTick = Infinity;
  /** While a bucket runs, jobs scheduled from it go to a later tick. */
  private firingTick = -Infinity;
  private scheduled = 0;
  /** The bucket used last: requests sent in one wake-up all time out in the same tick. */
  private lastTick = -1;
  private lastBucket: TickJob[] | null = null;

  constructor(
    /** Tick length: jobs run up to this much late. 1 keeps every timer exact. */
    readonly tickMs: number,
    private readonly clock: Clock = monotonicClock,
    /** Unref'd timers do not keep the process alive (the simulator's heartbeats). */
    private readonly unref = false,
  ) {}

  /** A job that calls `run`; nothing happens until it is scheduled. */
  job(run: () => void): TickJob {
    return { due: 0, period: 0, slot: -1, run };
  }

  /** Runs `job` in `delayMs` (then every `periodMs`, if given), replacing its previous schedule. */
  schedule(job: TickJob, delayMs: number, periodMs = 0): void {
    this.scheduleAt(job, this.clock.now() + delayMs, periodMs);
  }

  /** Runs `job` at `due` on the scheduler's clock (then every `periodMs`, if given). */
  scheduleAt(job: TickJob, due: number, periodMs = 0): void {
    job.due = due;
    job.period = periodMs;
    this.place(job);
    this.arm();
  }

  cancel(job: TickJob): void {
    if (job.slot === -1) return;
    job.slot = -1;
    this.scheduled--;
    if (this.scheduled === 0) this.disarm();
  }

  /** Unschedules every job and stops the timer. */
  clear(): void {
    for (const bucket of this.buckets.values()) for (const job of bucket) job.slot = -1;
    this.scheduled = 0;
    this.disarm();
  }

  /** Jobs waiting to run. */
  get size(): number {
    return this.scheduled;
  }

  private place(job: TickJob): void {
    const tick = Math.max(Math.ceil(job.due / this.tickMs), this.firingTick + 1);
    if (job.slot === tick) return;
    if (job.slot === -1) this.scheduled++;
    job.slot = tick;
    let bucket = tick === this.lastTick ? this.lastBucket : this.buckets.get(tick);
    if (bucket) {
      bucket.push(job);
    } else {
      bucket = [job];
      this.buckets.set(tick, bucket);
      heapPush(this.ticks, tick);
    }
    this.lastTick = tick;
    this.lastBucket = bucket;
  }

  private arm(): void {
    // Jobs scheduled while a tick runs: `fire` arms once when it is done.
    if (this.firingTick !== -Infinity) return;
    const next = this.ticks[0];
    if (next === undefined || this.scheduled === 0) {
      this.disarm();
      return;
    }
    if (this.timer && this.timerTick <= next) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerTick = next;
    this.timer = setTimeout(this.fire, Math.max(0, next * this.tickMs - this.clock.now()));
    if (this.unref) this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerTick = Infinity;
    if (this.scheduled === 0) {
      // Every bucket left holds only cancelled jobs.
      this.buckets.clear();
      this.ticks.length = 0;
      this.forgetLastBucket();
    }
  }

  private forgetLastBucket(): void {
    this.lastTick = -1;
    this.lastBucket = null;
  }

  private readonly fire = (): void => {
    this.timer = null;
    this.timerTick = Infinity;
    const now = this.clock.now();
    const current = Math.floor(now / this.tickMs);
    try {
      while (this.ticks.length > 0 && this.ticks[0]! <= current) {
        const tick = heapPop(this.ticks);
        const bucket = this.buckets.get(tick)!;
        this.buckets.delete(tick);
        if (tick === this.lastTick) this.forgetLastBucket();
        this.firingTick = tick;
        for (const job of bucket) {
          if (job.slot !== tick) continue;
          job.slot = -1;
          this.scheduled--;
          if (job.period > 0) {
            job.due = nextDue(job.due, job.period, now);
            this.place(job);
          }
          job.run();
        }
      }
    } finally {
      this.firingTick = -Infinity;
      this.arm();
    }
  };
}

/** The next due time after `now` in the job's own phase (a stalled loop skips missed runs). */
function nextDue(due: number, period: number, now: number): number {
  const next = due + period;
  return next > now ? next : next + Math.ceil((now - next + 1) / period) * period;
}

function heapPush(heap: number[], value: number): void {
  let i = heap.length;
  heap.push(value);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= value) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = value;
}

function heapPop(heap: number[]): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  const n = heap.length;
  if (n === 0) return top;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= n) break;
    const right = left + 1;
    const child = right < n && heap[right]! < heap[left]! ? right : left;
    if (heap[child]! >= last) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = last;
  return top;
}
