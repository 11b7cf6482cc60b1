// Replays the spill journal, then the batches held in memory, in order, in groups of many
// batches per transaction (see ReplayGroupSize): one commit per batch cannot keep up with a
// database that takes 150,000 rows/s. A group is all or nothing; a group the database refuses
// for its content is tried again batch by batch to set aside only the refused one.
import type { BatchSink, SinkResult } from '../buffered-writer.js';
import type { WriteBatch } from '../write-batch.js';
import type { HeldBatches } from './held-batches.js';
import { ReplayGroupSize } from './replay-group-size.js';
import type { ReplayRecord, SpillJournal } from './spill-journal.js';

/** A sink that can also commit several batches in one transaction, all or nothing. */
export interface GroupSink extends BatchSink {
  writeGroup?(batches: readonly WriteBatch[]): Promise<SinkResult>;
}

/** One replayed group: for benchmarks and tests. */
export interface ReplayInfo {
  readonly records: number;
  readonly rows: number;
  readonly ms: number;
  /** Bytes the journal's files hold after the group (space already given back excluded). */
  readonly bytesOnDisk: number;
}

export type Attempt = SinkResult & { readonly timedOut?: boolean };

export interface ReplayHooks {
  /** Whether the inner sink commits several batches in one transaction. */
  readonly grouped: boolean;
  readonly maxRows: number | undefined;
  readonly deadlineMs: number;
  /** Commits the batches (one transaction) within the write deadline. */
  write(batches: readonly WriteBatch[]): Promise<Attempt>;
  /** Keeps a batch the database refuses for its content out of the way; its write's result. */
  setAside(batch: WriteBatch, result: SinkResult): Promise<SinkResult>;
  /** After each attempt: the database's error, or null when it committed. */
  answered(error: string | null): void;
  /** True once the sink closes: the replay stops after the group under way. */
  stopped(): boolean;
  readonly onReplay?: (info: ReplayInfo) => void;
}

const TIMED_OUT = Symbol('timed out');
const FIRST_ROWS = 5_000;
const MAX_ROWS = 50_000;

export class SpillReplay {
  /** Rows replayed from the journal since start. */
  rowsReplayed = 0;
  private readonly groupSize: ReplayGroupSize;

  constructor(
    private readonly journal: SpillJournal,
    private readonly held: HeldBatches,
    private readonly hooks: ReplayHooks,
  ) {
    this.groupSize = new ReplayGroupSize(FIRST_ROWS, hooks.maxRows ?? MAX_ROWS, hooks.deadlineMs);
  }

  /**
   * Replays the journal, then the batches held in memory (all newer than any record), until
   * both are empty (`empty`) or the database fails (`failed`).
   */
  async run(): Promise<'empty' | 'failed'> {
    for (;;) {
      const group = await this.journal.nextGroup(this.groupRows());
      let ok: boolean;
      if (group.length > 0) ok = await this.replayGroup(group);
      else if (!this.held.isEmpty) ok = await this.commitHeld();
      else return 'empty';
      if (!ok) return 'failed';
      if (this.hooks.stopped() && (!this.journal.isEmpty || !this.held.isEmpty)) return 'failed';
    }
  }

  private async replayGroup(group: readonly ReplayRecord[]): Promise<boolean> {
    const started = performance.now();
    const result = await this.hooks.write(group.map((r) => r.batch));
    if (!this.afterGroup(result, performance.now() - started, group.length)) return false;
    if (result.permanent) {
      if (group.length > 1) return true; // retried record by record: one of them is refused
      await this.hooks.setAside(group[0]!.batch, result);
    }
    await this.journal.consumed(group);
    if (result.permanent) return true;
    const rows = group.reduce((n, r) => n + r.rows, 0);
    this.rowsReplayed += rows;
    this.hooks.onReplay?.({
      records: group.length,
      rows,
      ms: performance.now() - started,
      bytesOnDisk: this.journal.diskBytes,
    });
    return true;
  }

  /** Commits the oldest batches held in memory, in one transaction, and answers their writes. */
  private async commitHeld(): Promise<boolean> {
    const batches = this.held.head(this.groupRows());
    const started = performance.now();
    const result = await this.hooks.write(batches);
    if (
      !this.afterGroup(result, performance.now() - started, batches.length) ||
      (result.permanent && batches.length > 1)
    ) {
      this.held.keep();
      return result.ok || result.permanent === true;
    }
    await this.held.settle(batches.length, (batch, failedAttempts) =>
      result.permanent
        ? this.hooks.setAside(batch, result)
        : Promise.resolve({ ok: true, failedAttempts, writeMs: result.writeMs ?? 0 }),
    );
    return true;
  }

  /** After a group's commit: sizes the next one; false when the database failed. */
  private afterGroup(result: Attempt, ms: number, batches: number): boolean {
    if (result.permanent) {
      if (batches > 1) this.groupSize.oneBatch();
      return true;
    }
    if (!result.ok) {
      if (result.timedOut) this.groupSize.timedOut();
      this.hooks.answered(result.error ?? 'write failed');
      return false;
    }
    this.hooks.answered(null);
    this.groupSize.committed(ms);
    return true;
  }

  /** Rows per group; one batch when the inner sink commits one batch per transaction. */
  groupRows(): number {
    return this.hooks.grouped ? this.groupSize.rows : 1;
  }
}

/** One batch, or several in one transaction when the inner sink can, within `timeoutMs`. */
export async function writeWithin(
  inner: GroupSink,
  batches: readonly WriteBatch[],
  timeoutMs: number,
): Promise<Attempt> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
  });
  try {
    const pending = batches.length === 1 ? inner.write(batches[0]!) : inner.writeGroup!(batches);
    const write = pending.catch((err: unknown): SinkResult => ({
      ok: false,
      failedAttempts: 1,
      error: messageOf(err),
    }));
    const result = await Promise.race([write, deadline]);
    if (result === TIMED_OUT)
      return {
        ok: false,
        timedOut: true,
        failedAttempts: 1,
        error: `write took longer than ${timeoutMs} ms`,
      };
    return result;
  } finally {
    clearTimeout(timer);
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
