// Batches the spill journal could not take (its cap reached, a full or failing disk), kept in
// memory in the order they came. Each one's write() stays pending until it is committed, so
// the writer counts its rows as in flight and its backlog cap bounds how many wait here.
import type { SinkResult } from '../buffered-writer.js';
import type { WriteBatch } from '../write-batch.js';

interface Held {
  readonly batch: WriteBatch;
  /** Failed attempts before the batch was held, reported with its result. */
  readonly failedAttempts: number;
  readonly resolve: (result: SinkResult) => void;
}

export class HeldBatches {
  private readonly entries: Held[] = [];
  private rowsHeld = 0;
  /** Entries at the head being committed right now: not to be failed at stop. */
  private inFlight = 0;

  get rows(): number {
    return this.rowsHeld;
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** Resolves with the batch's result once it is committed (or failed at stop). */
  hold(batch: WriteBatch, failedAttempts: number): Promise<SinkResult> {
    this.rowsHeld += batch.rows;
    return new Promise((resolve) => this.entries.push({ batch, failedAttempts, resolve }));
  }

  /** The oldest batches, at least one, while within `maxRows`; they count as in flight. */
  head(maxRows: number): WriteBatch[] {
    let rows = 0;
    let count = 0;
    while (count < this.entries.length && (count === 0 || rows + this.entries[count]!.batch.rows <= maxRows)) {
      rows += this.entries[count]!.batch.rows;
      count += 1;
    }
    this.inFlight = count;
    return this.entries.slice(0, count).map((e) => e.batch);
  }

  /** The head's commit did not happen: the batches stay, first in line. */
  keep(): void {
    this.inFlight = 0;
  }

  /** Takes the head out, answering each batch's write with `resultOf`. */
  async settle(
    count: number,
    resultOf: (batch: WriteBatch, failedAttempts: number) => Promise<SinkResult>,
  ): Promise<void> {
    this.inFlight = 0;
    for (const entry of this.entries.splice(0, count)) {
      this.rowsHeld -= entry.batch.rows;
      entry.resolve(await resultOf(entry.batch, entry.failedAttempts));
    }
  }

  /**
   * Moves batches, oldest first, to the journal while `append` takes them (the database
   * failed again): they are newer than every record in it, so the order holds. Returns rows moved.
   */
  async toJournal(append: (batch: WriteBatch) => Promise<boolean>): Promise<number> {
    let moved = 0;
    while (this.inFlight === 0 && this.entries.length > 0) {
      const entry = this.entries[0]!;
      if (!(await append(entry.batch))) break;
      this.entries.shift();
      this.rowsHeld -= entry.batch.rows;
      moved += entry.batch.rows;
      entry.resolve({ ok: true, spilled: true, failedAttempts: entry.failedAttempts });
    }
    return moved;
  }

  /** Fails every batch not being committed (the store is stopping): the writer counts them as dropped. */
  failWaiting(error: string): void {
    while (this.entries.length > this.inFlight) {
      const entry = this.entries.pop()!;
      this.rowsHeld -= entry.batch.rows;
      entry.resolve({ ok: false, failedAttempts: entry.failedAttempts, error });
    }
  }
}
