// The HistoryWriter the gateway talks to, shared by every store: it accepts rows into an
// in-memory batch, seals the batch when it is full or old enough, and hands it to a
// BatchSink (the SQLite worker, later a MySQL pool). It never blocks and never throws.
//
// Memory is bounded: rows accepted but not yet committed (the backlog) are capped. Past the
// cap, samples, heartbeats and raw packets are refused and counted as dropped; device and
// connection events are always taken because they are few and the UI depends on them.
// Losing nothing when the database is down is the sink's job (SpoolingSink journals the
// batches it cannot commit); this cap bounds memory whatever the sink does.
import type { RetentionConfig, WriteBufferConfig } from '../domain/config.js';
import type { Sample } from '../domain/point.js';
import type { Logger } from '../log.js';
import type {
  ConnectionRecord,
  DeviceUpsert,
  EventRecord,
  HeartbeatRecord,
  HistoryWriter,
  RawPacketRecord,
  WriterStats,
} from './history.js';
import {
  SAMPLE_COUNTED,
  SAMPLE_STORED,
  SAMPLE_STORED_AND_COUNTED,
  WriteBatchBuilder,
  type WriteBatch,
} from './write-batch.js';

export interface SinkResult {
  readonly ok: boolean;
  /** Not in the database yet but safe on disk in the spill journal (replayed later). */
  readonly spilled?: boolean;
  /** The database refuses this batch for what is in it: retrying cannot help. */
  readonly permanent?: boolean;
  /** Time the database spent committing (the whole group, when batches were committed together). */
  readonly writeMs?: number;
  /** Failed attempts before the batch was committed or given up. */
  readonly failedAttempts: number;
  readonly error?: string;
}

/** Where sealed batches go. Results must resolve in the order batches were written. */
export interface BatchSink {
  write(batch: WriteBatch): Promise<SinkResult>;
  /** Called once, after the last batch has been committed. */
  close(): Promise<void>;
}

export interface BufferedWriterOptions {
  /** Seal a batch when it holds this many rows. */
  readonly maxRows: number;
  /** Seal a non-empty batch at most this long after its first row. */
  readonly flushIntervalMs: number;
  /**
   * While no batch is being committed, seal this long after the first row instead: an idle
   * database takes small batches at once (low latency), a busy one gets the rows that
   * arrived during its last commit (large batches, high throughput).
   */
  readonly idleFlushDelayMs: number;
  /** Backlog cap (accepted, not yet committed). */
  readonly maxPendingRows: number;
  /** Which raw packets are recorded at all (retention.recordRawPackets). */
  readonly recordRawPackets: 'none' | 'errors' | 'all';
  /** Told about every committed batch (benchmarks, metrics). */
  readonly onFlush?: (info: FlushInfo) => void;
}

/** Writer options from the config slices every store gets. */
export function writerOptionsFor(
  writeBuffer: WriteBufferConfig,
  retention: Pick<RetentionConfig, 'recordRawPackets'>,
  options: { readonly onFlush?: (info: FlushInfo) => void } = {},
): BufferedWriterOptions {
  return {
    maxRows: writeBuffer.maxRows,
    flushIntervalMs: writeBuffer.flushIntervalMs,
    idleFlushDelayMs: Math.min(writeBuffer.idleFlushDelayMs, writeBuffer.flushIntervalMs),
    maxPendingRows: writeBuffer.maxPendingRows,
    recordRawPackets: retention.recordRawPackets,
    ...(options.onFlush ? { onFlush: options.onFlush } : {}),
  };
}

export interface WriterHealth {
  readonly state: 'ok' | 'degraded';
  readonly since: number;
  readonly lastError: string | null;
}

export interface FlushInfo {
  readonly rows: number;
  /** From sealing the batch to its commit: queueing plus writing. */
  readonly ms: number;
  /** Database commit time alone, when the store reports it. */
  readonly writeMs: number | null;
}

/** Raw packet kinds kept under `recordRawPackets: errors`. */
const ERROR_PACKET_KINDS = new Set(['exception', 'garbage', 'stray']);
const DROP_WARNING_EVERY_MS = 10_000;

export class BufferedHistoryWriter implements HistoryWriter {
  private builder = new WriteBatchBuilder();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;

  private sealedSeq = 0;
  private committedSeq = 0;
  private readonly waiters: { seq: number; resolve: () => void }[] = [];

  private rowsAccepted = 0;
  private rowsWritten = 0;
  private rowsSpilled = 0;
  private rowsDropped = 0;
  private rowsInFlight = 0;
  private flushes = 0;
  private failures = 0;
  private lastFlushMs: number | null = null;
  private lastDropWarning = 0;
  /** When the first row of the batch being built came in. */
  private batchStarted = 0;
  private health: WriterHealth = { state: 'ok', since: Date.now(), lastError: null };
  private droppedSinceWarning = 0;

  constructor(
    private options: BufferedWriterOptions,
    private readonly sink: BatchSink,
    private readonly log: Logger,
  ) {}

  /** server.yml reloaded: batch sizes, delays and the raw packet policy apply from the next row on. */
  reconfigure(options: BufferedWriterOptions): void {
    this.options = { ...options, ...(this.options.onFlush ? { onFlush: this.options.onFlush } : {}) };
  }

  deviceOnline(update: DeviceUpsert): void {
    this.accept(1, true, (b) => b.deviceOnline(update));
  }

  deviceOffline(registrationId: string, at: number): void {
    this.accept(1, true, (b) => b.deviceOffline(registrationId, at));
  }

  connection(record: ConnectionRecord): void {
    this.accept(1, true, (b) => b.connection(record));
  }

  heartbeat(record: HeartbeatRecord): void {
    this.accept(1, false, (b) => b.heartbeat(record));
  }

  /** Subject to the backlog cap like samples: a burst of poll failures must not grow memory without bound. */
  event(record: EventRecord): void {
    this.accept(1, false, (b) => b.event(record));
  }

  rawPacket(record: RawPacketRecord): void {
    const policy = this.options.recordRawPackets;
    // `?.`: a null record must reach accept(), which counts it as dropped, not throw here.
    const kind = (record as RawPacketRecord | null)?.kind;
    if (policy === 'none' || (policy === 'errors' && !ERROR_PACKET_KINDS.has(kind ?? ''))) return;
    this.accept(1, false, (b) => b.rawPacket(record));
  }

  samples(all: readonly Sample[], stored?: readonly Sample[]): void {
    if (stored === undefined || stored === all) {
      this.sampleRows(all, () => SAMPLE_STORED_AND_COUNTED);
      return;
    }
    const storedSet = new Set(stored);
    this.sampleRows(all, (s) => (storedSet.has(s) ? SAMPLE_STORED_AND_COUNTED : SAMPLE_COUNTED));
    const allSet = new Set(all);
    const onlyStored = stored.filter((s) => !allSet.has(s));
    if (onlyStored.length > 0) this.sampleRows(onlyStored, () => SAMPLE_STORED);
  }

  private sampleRows(batch: readonly Sample[], flagsOf: (s: Sample) => number): void {
    // In slices that fill the current batch exactly, so one huge call still yields
    // batches of maxRows.
    const length = (batch as readonly Sample[] | null)?.length ?? 0;
    let offset = 0;
    while (offset < length) {
      const from = offset;
      const to = Math.min(length, from + Math.max(1, this.options.maxRows - this.builder.rows));
      this.accept(to - from, false, (b) => {
        for (let i = from; i < to; i++) {
          const sample = batch[i]!;
          b.sample(sample, flagsOf(sample));
        }
      });
      offset = to;
    }
  }

  flush(): Promise<void> {
    this.seal();
    const seq = this.sealedSeq;
    if (this.committedSeq >= seq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  stats(): WriterStats {
    return {
      rowsAccepted: this.rowsAccepted,
      rowsWritten: this.rowsWritten,
      rowsSpilled: this.rowsSpilled,
      rowsBuffered: this.builder.rows + this.rowsInFlight,
      rowsDropped: this.rowsDropped,
      flushes: this.flushes,
      failures: this.failures,
      lastFlushMs: this.lastFlushMs,
      batchesInFlight: this.sealedSeq - this.committedSeq,
    };
  }

  /** ok, or degraded after a batch that needed retries or failed, until one commits cleanly. */
  sinkHealth(): WriterHealth {
    return this.health;
  }

  private async shutDown(): Promise<void> {
    await this.flush();
    this.closed = true;
    try {
      await this.sink.close();
    } catch (err) {
      this.log.error({ err }, 'closing the history store failed');
    }
  }

  private accept(rows: number, always: boolean, add: (builder: WriteBatchBuilder) => void): void {
    if (this.closed || this.closing) {
      this.overflow(rows, 'closed');
      return;
    }
    if (!always && this.builder.rows + this.rowsInFlight + rows > this.options.maxPendingRows) {
      this.overflow(rows, 'backlog');
      return;
    }
    const before = this.builder.rows;
    try {
      add(this.builder);
      this.rowsAccepted += rows;
    } catch (err) {
      // A malformed record must not take the gateway down; it is simply not stored (the
      // records before it in the same call are).
      const added = this.builder.rows - before;
      this.rowsAccepted += added;
      this.rowsDropped += rows - added;
      this.log.error({ err }, 'history record refused');
      return;
    }
    if (this.builder.rows >= this.options.maxRows) this.seal();
    else if (this.timer === null) {
      this.batchStarted = performance.now();
      this.armTimer(this.sinkIdle() ? this.options.idleFlushDelayMs : this.options.flushIntervalMs);
    }
  }

  private overflow(rows: number, reason: 'closed' | 'backlog'): void {
    this.rowsDropped += rows;
    this.droppedSinceWarning += rows;
    const now = Date.now();
    if (now - this.lastDropWarning < DROP_WARNING_EVERY_MS) return;
    this.log.warn(
      { dropped: this.droppedSinceWarning, reason, backlog: this.builder.rows + this.rowsInFlight },
      reason === 'closed' ? 'history writer is closed; rows dropped' : 'history backlog full; rows dropped',
    );
    this.lastDropWarning = now;
    this.droppedSinceWarning = 0;
  }

  private sinkIdle(): boolean {
    return this.sealedSeq === this.committedSeq;
  }

  private armTimer(delayMs: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.seal(), Math.max(0, delayMs));
    this.timer.unref();
  }

  private seal(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const rows = this.builder.rows;
    if (rows === 0) return;
    const batch = this.builder.finish();
    this.builder = new WriteBatchBuilder();
    const seq = ++this.sealedSeq;
    this.rowsInFlight += rows;
    const sealedAt = performance.now();
    this.sink.write(batch).then(
      (result) => this.committed(seq, rows, result, performance.now() - sealedAt),
      (err: unknown) => this.committed(seq, rows, { ok: false, failedAttempts: 1, error: String(err) }, 0),
    );
  }

  private committed(seq: number, rows: number, result: SinkResult, ms: number): void {
    this.rowsInFlight -= rows;
    const troubled = !result.ok || result.failedAttempts > 0;
    if (troubled)
      this.health = { state: 'degraded', since: Date.now(), lastError: result.error ?? 'write needed retries' };
    else if (this.health.state !== 'ok') this.health = { state: 'ok', since: Date.now(), lastError: null };
    this.failures += result.failedAttempts;
    if (result.spilled) {
      this.rowsSpilled += rows;
    } else if (result.ok) {
      this.rowsWritten += rows;
      this.flushes += 1;
      this.lastFlushMs = ms;
      this.options.onFlush?.({ rows, ms, writeMs: result.writeMs ?? null });
    } else {
      this.rowsDropped += rows;
      this.log.error({ rows, error: result.error }, 'history batch could not be written; rows dropped');
    }
    this.committedSeq = Math.max(this.committedSeq, seq);
    while (this.waiters.length > 0 && this.waiters[0]!.seq <= this.committedSeq) this.waiters.shift()!.resolve();
    // The database just became idle: the rows that came in meanwhile need not wait for
    // the full interval.
    if (this.sinkIdle() && this.builder.rows > 0 && !this.closed) {
      this.armTimer(this.options.idleFlushDelayMs - (performance.now() - this.batchStarted));
    }
  }
}
