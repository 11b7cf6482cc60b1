// What a receiver of the sinks scenario checks on every record (an InfluxDB line, an MQTT
// message) it gets: each carries a device, its per-device sequence number (the load counts
// 0, 1, 2, … per device) and its points. A record with the next number is in order; one with
// a number already seen is a duplicate (a batch cut off half way is sent again: at least
// once); one that skips ahead is a gap, which stays a loss unless the missing numbers come
// later (then they came out of order). At the end, every device's count must equal what
// the load offered it. Pure: fed by the receivers in bench/sink-receivers.ts.

export interface SequenceSummary {
  /** Records (lines, messages) taken the first time, and their points. */
  readonly records: number;
  readonly points: number;
  /** Records whose number had been seen already (sent again after a cut-off batch). */
  readonly duplicates: number;
  /** Records that came after a later number of their device had come. */
  readonly outOfOrder: number;
  /** Numbers offered and never received (against `offered`, per device). */
  readonly missing: number;
}

export class SequenceCheck {
  /** Device → the next number expected (all below it arrived). */
  private readonly next = new Map<string, number>();
  /** Device → numbers at or above `next` that arrived early (only after a gap). */
  private readonly early = new Map<string, Set<number>>();
  private records = 0;
  private points = 0;
  private duplicates = 0;
  private outOfOrder = 0;

  /** One record of `device` with sequence number `seq` carrying `points` points. */
  take(device: string, seq: number, points: number): void {
    const expected = this.next.get(device) ?? 0;
    const early = this.early.get(device);
    if (seq < expected || early?.has(seq)) {
      this.duplicates += 1;
      return;
    }
    this.records += 1;
    this.points += points;
    if (seq > expected) {
      const set = early ?? new Set<number>();
      set.add(seq);
      this.early.set(device, set);
      return;
    }
    // seq === expected: fills the hole; what came early behind it now counts as out of order.
    let n = expected + 1;
    if (early && early.size > 0) {
      this.outOfOrder += 1;
      while (early.delete(n)) n += 1;
      if (early.size === 0) this.early.delete(device);
    }
    this.next.set(device, n);
  }

  /** Against what the load offered each device (`offered`: device → records). */
  summary(offered: ReadonlyMap<string, number>): SequenceSummary {
    let missing = 0;
    for (const [device, count] of offered) {
      const got = (this.next.get(device) ?? 0) + (this.early.get(device)?.size ?? 0);
      missing += Math.max(0, count - got);
    }
    return {
      records: this.records,
      points: this.points,
      duplicates: this.duplicates,
      outOfOrder: this.outOfOrder,
      missing,
    };
  }
}
