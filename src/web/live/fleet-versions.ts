// Which devices are in the fleet snapshot, as a version number and a log of the changes:
// a viewer that had version v a moment ago gets the devices that joined, changed or left
// since v (a delta), not the whole fleet again. Pure bookkeeping, no IO: the hub tells it
// what changed (device events) and, at each full snapshot, what is online now.

export interface FleetChanges {
  readonly version: number;
  /** In the fleet now and joined or changed since: send their summaries. */
  readonly upserts: readonly string[];
  /** Left since (and not back). */
  readonly removed: readonly string[];
}

interface Change {
  readonly version: number;
  readonly deviceId: string;
  readonly at: number;
}

export class FleetVersions {
  private current = 0;
  private readonly members = new Set<string>();
  private log: Change[] = [];
  private head = 0;
  /** Deltas can start from this version or later; the log no longer reaches further back. */
  private floor = 0;

  constructor(
    /** How long the log reaches back. */
    private readonly keepMs: number,
    /** At most this many changes kept (a reconnect storm), the oldest dropped first. */
    private readonly maxChanges: number,
  ) {}

  get version(): number {
    return this.current;
  }

  get size(): number {
    return this.members.size;
  }

  /** A device joined, left or changed (a new session): `online` says which side it is on now. */
  changed(deviceId: string, online: boolean, at: number): void {
    if (online) this.members.add(deviceId);
    else if (!this.members.delete(deviceId)) return;
    this.record(deviceId, at);
  }

  /**
   * Brings the members in line with what is online now (at each full snapshot): events say
   * what changed, this catches whatever they missed. Returns the version it stands for.
   */
  reconcile(online: ReadonlySet<string>, at: number): number {
    for (const deviceId of this.members) if (!online.has(deviceId)) this.changed(deviceId, false, at);
    for (const deviceId of online) if (!this.members.has(deviceId)) this.changed(deviceId, true, at);
    return this.current;
  }

  /**
   * What changed since `since`; null when the log no longer reaches back that far, or when
   * more than `limit` devices changed (a full snapshot is then the better answer).
   */
  since(since: number, limit: number, now: number): FleetChanges | null {
    this.prune(now);
    if (since < this.floor || since > this.current) return null;
    const touched = new Set<string>();
    for (let i = this.firstAfter(since); i < this.log.length; i++) {
      touched.add(this.log[i]!.deviceId);
      if (touched.size > limit) return null;
    }
    const upserts: string[] = [];
    const removed: string[] = [];
    for (const deviceId of touched) (this.members.has(deviceId) ? upserts : removed).push(deviceId);
    return { version: this.current, upserts, removed };
  }

  private record(deviceId: string, at: number): void {
    this.log.push({ version: ++this.current, deviceId, at });
    this.prune(at);
  }

  /** Index of the first change after `version` (the log is in version order). */
  private firstAfter(version: number): number {
    let lo = this.head;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.log[mid]!.version <= version) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private prune(now: number): void {
    const oldest = now - this.keepMs;
    while (
      this.head < this.log.length &&
      (this.log.length - this.head > this.maxChanges || this.log[this.head]!.at < oldest)
    )
      this.floor = this.log[this.head++]!.version;
    if (this.head > 1024 && this.head * 2 > this.log.length) {
      this.log = this.log.slice(this.head);
      this.head = 0;
    }
  }
}
