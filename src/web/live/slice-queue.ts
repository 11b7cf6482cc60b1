// Live-feed work (snapshots to build and send) run in slices of a few milliseconds with the
// event loop free in between: thousands of subscriptions arriving at once must not hold up
// polls, heartbeats and HTTP for the time it takes to answer them all. New work runs in the
// order it came; the next step of work already under way (a fleet build, the next page) goes
// first, so it is not stuck behind every subscription that arrived after it.
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../log.js';

export type Job = () => void;

/** A FIFO that forgets run jobs in bulk, not one shift() at a time. */
class Lane {
  private jobs: Job[] = [];
  private head = 0;

  get length(): number {
    return this.jobs.length - this.head;
  }

  push(job: Job): void {
    this.jobs.push(job);
  }

  take(): Job | undefined {
    if (this.head >= this.jobs.length) return undefined;
    const job = this.jobs[this.head]!;
    this.jobs[this.head++] = noop;
    if (this.head === this.jobs.length) {
      this.jobs = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.jobs.length) {
      this.jobs = this.jobs.slice(this.head);
      this.head = 0;
    }
    return job;
  }

  clear(): void {
    this.jobs = [];
    this.head = 0;
  }
}

export class SliceQueue {
  private readonly fresh = new Lane();
  private readonly steps = new Lane();
  private immediate: NodeJS.Immediate | null = null;

  constructor(
    /** Work done per turn of the event loop before it yields. */
    private readonly sliceMs: number,
    /** New jobs waiting beyond which new requests are refused (`accepts`). */
    private readonly maxWaiting: number,
    private readonly log: Logger,
  ) {}

  get waiting(): number {
    return this.fresh.length + this.steps.length;
  }

  /** Whether a new request's work may still be queued. */
  get accepts(): boolean {
    return this.fresh.length < this.maxWaiting;
  }

  /** New work, behind the work already waiting. */
  push(job: Job): void {
    this.fresh.push(job);
    this.schedule();
  }

  /** The next step of work under way: ahead of new work, and never refused. */
  next(job: Job): void {
    this.steps.push(job);
    this.schedule();
  }

  stop(): void {
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = null;
    this.fresh.clear();
    this.steps.clear();
  }

  private schedule(): void {
    this.immediate ??= setImmediate(() => this.run());
  }

  private run(): void {
    this.immediate = null;
    const deadline = performance.now() + this.sliceMs;
    for (let job = this.take(); job; job = this.take()) {
      try {
        job();
      } catch (err) {
        this.log.error({ err }, 'live feed job failed');
      }
      if (performance.now() >= deadline) break;
    }
    if (this.waiting > 0) this.schedule();
  }

  private take(): Job | undefined {
    return this.steps.take() ?? this.fresh.take();
  }
}

const noop: Job = () => undefined;
