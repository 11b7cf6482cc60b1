// The fleet snapshot as frames ready to send: built in slices (a few devices per job on the
// live feed's SliceQueue, one summary each, no fleet-wide map), split into pages of at most
// PAGE_DEVICES devices, and shared for a short while by every viewer that asks, so a hundred
// viewers subscribing at once cost one build and the same bytes.
import type { DevicesService } from '../../services/index.js';
import type { FleetVersions } from './fleet-versions.js';
import { fleetPageText } from './live-frames.js';
import type { SliceQueue } from './slice-queue.js';

/** Devices per page: about 70 KB of JSON, sent one page per job. */
export const PAGE_DEVICES = 250;
/** Summaries per build job (each a presence lookup and a JSON.stringify). */
const DEVICES_PER_JOB = 50;
/** A built snapshot is handed out this long; deltas bring it up to date after it is sent. */
const REUSE_MS = 2000;

export interface FleetPages {
  /** The fleet version the pages stand for (changes after it come as a delta). */
  readonly version: number;
  readonly builtAt: number;
  /** Each page's frame, UTF-8 encoded once for every viewer. */
  readonly pages: readonly Buffer[];
}

type Waiter = (pages: FleetPages) => void;

export class FleetSnapshots {
  private latest: FleetPages | null = null;
  private waiters: Waiter[] | null = null;

  constructor(
    private readonly devices: DevicesService,
    private readonly versions: FleetVersions,
    private readonly work: SliceQueue,
  ) {}

  /** Calls `ready` from a job with pages at most REUSE_MS old, building them first if need be. */
  get(now: number, ready: Waiter): void {
    const latest = this.latest;
    if (latest && now - latest.builtAt <= REUSE_MS) {
      this.work.next(() => ready(latest));
      return;
    }
    if (this.waiters) {
      this.waiters.push(ready);
      return;
    }
    this.waiters = [ready];
    this.build(now);
  }

  /** Forgets the built pages (the hub is stopping). */
  clear(): void {
    this.latest = null;
    this.waiters = null;
  }

  private build(now: number): void {
    // The one fleet-wide step: the IDs online now, which also corrects the versions.
    const online = this.devices.onlineIds();
    const version = this.versions.reconcile(online, now);
    const ids = [...online];
    const summaries: string[] = [];
    const step = (from: number) => {
      if (!this.waiters) return;
      const to = Math.min(ids.length, from + DEVICES_PER_JOB);
      for (let i = from; i < to; i++) {
        // Gone since the list was taken: the delta after the pages says so.
        const summary = this.devices.fleetDevice(ids[i]!);
        if (summary) summaries.push(JSON.stringify(summary));
      }
      if (to < ids.length) this.work.next(() => step(to));
      else this.work.next(() => this.finish(version, summaries));
    };
    this.work.next(() => step(0));
  }

  private finish(version: number, summaries: readonly string[]): void {
    const waiters = this.waiters;
    if (!waiters) return;
    const builtAt = Date.now();
    const count = Math.max(1, Math.ceil(summaries.length / PAGE_DEVICES));
    const pages: Buffer[] = [];
    for (let p = 0; p < count; p++) {
      const devices = summaries.slice(p * PAGE_DEVICES, (p + 1) * PAGE_DEVICES);
      const head = { version, page: p + 1, pages: count, online: summaries.length, at: builtAt };
      pages.push(Buffer.from(fleetPageText(head, devices)));
    }
    const latest: FleetPages = { version, builtAt, pages };
    this.latest = latest;
    this.waiters = null;
    for (const ready of waiters) this.work.next(() => ready(latest));
  }
}
