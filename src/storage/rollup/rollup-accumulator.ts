// Keeps the rollups in step with the samples at a fraction of a write per sample. Pure: it
// says which deltas to write; the store's applier writes them in the transaction of the
// batch that produced them.
//
// Writing every sample's contribution to rollup_minute and rollup_hour as it comes cut the
// SQLite write rate to 40 % (two upserts per row). Instead each series (device, point) holds
// a delta — count/sum/min/max/first/last of its samples since its last write — and writes it
// when the series moves on to the next minute: one delta per series per minute, added to
// both tiers' rows. Deltas add up (sums and counts add, min/max/first/last compose), so a row
// written in several pieces, late samples and replays all end up exact.
//
// What is not yet written is known to the database: the raw rows of those samples are, and
// `pendingSince()` (stored in rollup_state with every commit) bounds where they start. After a
// crash, the store's recoverIfNeeded() folds those raw rows in. A sample that is not stored as a raw row
// (store by exception) cannot be recovered that way, so a series holding one writes its delta
// at the end of the commit.
import type { RollupDelta } from './rollup-row.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** A series whose delta is this far behind the newest data is written even if still open. */
const STALE_AFTER_MS = 2 * MINUTE_MS;

class Series {
  /** Minute of the pending delta; NaN when nothing is pending. */
  bucket = NaN;
  count = 0;
  sum = 0;
  min = 0;
  max = 0;
  firstAt = 0;
  firstValue = 0;
  lastAt = 0;
  lastValue = 0;
  /** Every sample at or before this is in the database's rollups. */
  writtenThrough = -Infinity;
  /** The delta holds a sample with no raw row: it must be written with this commit. */
  unrecoverable = false;

  constructor(
    readonly deviceId: number,
    readonly pointId: number,
  ) {}

  get pending(): boolean {
    return this.count > 0;
  }

  add(ts: number, value: number): void {
    if (this.count === 0) {
      this.min = this.max = this.firstValue = this.lastValue = value;
      this.firstAt = this.lastAt = ts;
      this.sum = value;
      this.count = 1;
      return;
    }
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (ts < this.firstAt) {
      this.firstAt = ts;
      this.firstValue = value;
    }
    if (ts >= this.lastAt) {
      this.lastAt = ts;
      this.lastValue = value;
    }
  }

  /** The pending delta, which is then cleared. */
  take(): RollupDelta {
    const delta: RollupDelta = {
      deviceId: this.deviceId,
      pointId: this.pointId,
      minute: this.bucket,
      count: this.count,
      sum: this.sum,
      min: this.min,
      max: this.max,
      firstAt: this.firstAt,
      firstValue: this.firstValue,
      lastAt: this.lastAt,
      lastValue: this.lastValue,
    };
    if (this.lastAt > this.writtenThrough) this.writtenThrough = this.lastAt;
    this.count = 0;
    this.bucket = NaN;
    this.unrecoverable = false;
    return delta;
  }
}

export function minuteOf(ts: number): number {
  return Math.floor(ts / MINUTE_MS) * MINUTE_MS;
}

export function hourOf(ts: number): number {
  return Math.floor(ts / HOUR_MS) * HOUR_MS;
}

/** Point ids stay below this (they number distinct point names). */
const POINT_ID_SPACE = 2 ** 21;

export class RollupAccumulator {
  private readonly series = new Map<number, Series>();
  /** Pending series by the minute of their delta: the oldest minute bounds `pendingSince`. */
  private readonly pendingByMinute = new Map<number, Set<Series>>();
  private readonly unrecoverable = new Set<Series>();
  /** Newest sample time seen: "now" in data time, so replays of old data age the same way. */
  private newest = -Infinity;

  /** Series known (one small record each); for tests and status. */
  get size(): number {
    return this.series.size;
  }

  /**
   * Counts one numeric sample. Deltas that must be written now go to `out`: the series'
   * previous minute when this sample starts a new one, or the sample itself when it is
   * older than what the database already has for its series (late or replayed).
   * `stored`: the sample also has a raw row (recovery can find it after a crash).
   */
  add(deviceId: number, pointId: number, ts: number, value: number, stored: boolean, out: RollupDelta[]): void {
    if (pointId >= POINT_ID_SPACE) throw new RangeError(`point id ${pointId} out of range`);
    const key = deviceId * POINT_ID_SPACE + pointId;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = new Series(deviceId, pointId)));
    if (ts > this.newest) this.newest = ts;
    const minute = minuteOf(ts);
    if (ts <= s.writtenThrough || minute < s.bucket) {
      // Written at once and alone: folding it into the open delta would move writtenThrough
      // past samples that are not written yet, or mix two minutes in one delta.
      out.push(single(deviceId, pointId, minute, ts, value));
      return;
    }
    if (s.pending && minute !== s.bucket) this.write(s, out);
    if (!s.pending) {
      s.bucket = minute;
      this.pendingIn(minute).add(s);
    }
    s.add(ts, value);
    if (!stored && !s.unrecoverable) {
      s.unrecoverable = true;
      this.unrecoverable.add(s);
    }
  }

  /**
   * Called before the commit: deltas that cannot wait (samples without raw rows) and deltas
   * gone stale (a series that stopped reporting) go to `out`.
   */
  endOfCommit(out: RollupDelta[]): void {
    for (const s of this.unrecoverable) this.write(s, out);
    const staleBefore = this.newest - STALE_AFTER_MS;
    for (const [minute, set] of this.pendingByMinute) {
      if (minute >= staleBefore) continue;
      for (const s of [...set]) this.write(s, out);
    }
  }

  /** Every pending delta, for a clean shutdown. */
  drain(out: RollupDelta[]): void {
    for (const set of [...this.pendingByMinute.values()]) for (const s of [...set]) this.write(s, out);
  }

  /** Where the samples not yet in the rollups start (epoch ms), or null when none are pending. */
  pendingSince(): number | null {
    let oldest: number | null = null;
    for (const minute of this.pendingByMinute.keys()) if (oldest === null || minute < oldest) oldest = minute;
    return oldest;
  }

  /** Tells the accumulator what the database holds for a series (recovery). */
  writtenThrough(deviceId: number, pointId: number, ts: number): void {
    const key = deviceId * POINT_ID_SPACE + pointId;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = new Series(deviceId, pointId)));
    if (ts > s.writtenThrough) s.writtenThrough = ts;
  }

  /** Forgets everything (the transaction rolled back): the caller recovers from the database. */
  reset(): void {
    this.series.clear();
    this.pendingByMinute.clear();
    this.unrecoverable.clear();
    this.newest = -Infinity;
  }

  private write(s: Series, out: RollupDelta[]): void {
    const set = this.pendingByMinute.get(s.bucket);
    set?.delete(s);
    if (set?.size === 0) this.pendingByMinute.delete(s.bucket);
    this.unrecoverable.delete(s);
    out.push(s.take());
  }

  private pendingIn(minute: number): Set<Series> {
    let set = this.pendingByMinute.get(minute);
    if (!set) this.pendingByMinute.set(minute, (set = new Set()));
    return set;
  }
}

function single(deviceId: number, pointId: number, minute: number, ts: number, value: number): RollupDelta {
  return {
    deviceId,
    pointId,
    minute,
    count: 1,
    sum: value,
    min: value,
    max: value,
    firstAt: ts,
    firstValue: value,
    lastAt: ts,
    lastValue: value,
  };
}
