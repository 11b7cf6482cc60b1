// Poll-to-stored latency: from the moment a poll request was sent to the moment the rows
// it produced were committed to the database.
//
// The history writer counts rows in acceptance order (`rowsAccepted`) and commits batches
// in FIFO order (`rowsWritten`). Read inside a `data` listener registered after the
// history recorder, `rowsAccepted` already includes that event's rows, so it is the row
// number at which the event is fully stored. Each flush pops every event whose row
// number is ≤ `rowsWritten`.
import type { WriterStats } from '../src/storage/index.js';
import { WeightedHistogram, type LatencySummary } from './weighted-histogram.js';

/** Compact the FIFO arrays once this many entries have been consumed. */
const COMPACT_AFTER = 8192;

export interface PollToStoredSnapshot {
  readonly latencyMs: LatencySummary;
  /** Samples handed to the writer, committed, and refused (backlog full) since start. */
  readonly samplesAccepted: number;
  readonly samplesCommitted: number;
  readonly samplesRefused: number;
  /** Polls whose rows are accepted but not committed yet. */
  readonly pendingPolls: number;
}

export class PollToStoredTracker {
  private endRow: number[] = [];
  private polledAt: number[] = [];
  private count: number[] = [];
  private head = 0;
  private recordFrom = Number.POSITIVE_INFINITY;
  private readonly histogram = new WeightedHistogram();
  private lastDropped = 0;
  private samplesAccepted = 0;
  private samplesCommitted = 0;
  private samplesRefused = 0;

  constructor(private readonly writerStats: () => WriterStats) {}

  /** Call from a `data` listener subscribed after the history recorder. */
  onData(polledAt: number, samples: number): void {
    const stats = this.writerStats();
    if (stats.rowsDropped > this.lastDropped) {
      // The writer refused rows during this event: they will never be committed.
      this.lastDropped = stats.rowsDropped;
      this.samplesRefused += samples;
      return;
    }
    this.samplesAccepted += samples;
    this.endRow.push(stats.rowsAccepted);
    this.polledAt.push(polledAt);
    this.count.push(samples);
  }

  /** Call from the writer's onFlush. */
  onFlush(): void {
    const written = this.writerStats().rowsWritten;
    const now = Date.now();
    let head = this.head;
    const length = this.endRow.length;
    while (head < length && this.endRow[head]! <= written) {
      const polledAt = this.polledAt[head]!;
      const samples = this.count[head]!;
      this.samplesCommitted += samples;
      if (polledAt >= this.recordFrom) this.histogram.add(now - polledAt, samples);
      head++;
    }
    this.head = head;
    if (head > COMPACT_AFTER && head * 2 > length) {
      this.endRow = this.endRow.slice(head);
      this.polledAt = this.polledAt.slice(head);
      this.count = this.count.slice(head);
      this.head = 0;
    }
  }

  /** Latencies are recorded from now on, for polls sent from `fromEpochMs` on. */
  startWindow(fromEpochMs: number): void {
    this.histogram.clear();
    this.recordFrom = fromEpochMs;
  }

  /** `withLatency: false` skips the percentiles (they sort every entry of the window). */
  snapshot(withLatency = true): PollToStoredSnapshot {
    return {
      latencyMs: withLatency ? this.histogram.summary() : { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 },
      samplesAccepted: this.samplesAccepted,
      samplesCommitted: this.samplesCommitted,
      samplesRefused: this.samplesRefused,
      pendingPolls: this.endRow.length - this.head,
    };
  }
}
