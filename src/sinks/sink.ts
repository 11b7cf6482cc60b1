// One northbound sink at run time: the storage layer's store-and-forward machinery in front
// of the sink type's peer (the InfluxDB HTTP writer, …):
//
//   feed ─▶ BufferedHistoryWriter ─▶ LagTracker ─▶ SpoolingSink ─▶ peer (GroupSink)
//           (batches by rows/time,                 │ peer away ▲ replay, in order
//            backlog cap)                          ▼           │
//                                                spill journal (disk)
//
// The writer bounds memory (rows past queue.maxPendingRows are dropped and counted); the
// spool journals what the peer cannot take and replays it in order; a batch the peer refuses
// for its content (HTTP 4xx) is set aside once in the journal's rejected/ folder. Counters
// survive stop/start; they start at zero when dtuhub starts.
import type { Sample } from '../domain/point.js';
import type { SinkConfig, SinkState, SinkStatus } from '../domain/sinks.js';
import type { Logger } from '../log.js';
import {
  BufferedHistoryWriter,
  SpillJournal,
  spillSegmentBytes,
  SpoolingSink,
  type BatchSink,
  type SinkResult,
  type WriteBatch,
} from '../storage/index.js';
import type { OnlineDevice, SinkPeer } from './sink-peer.js';
import { LagTracker } from './lag-tracker.js';

const REPORT_EVERY_MS = 30_000;

interface Running {
  readonly writer: BufferedHistoryWriter;
  readonly spool: SpoolingSink;
  readonly lag: LagTracker;
}

interface Totals {
  accepted: number;
  sent: number;
  spilled: number;
  replayed: number;
  dropped: number;
  rejected: number;
}

const zero = (): Totals => ({ accepted: 0, sent: 0, spilled: 0, replayed: 0, dropped: 0, rejected: 0 });

export class Sink {
  private running: Running | null = null;
  private starting: Promise<void> | null = null;
  private startedAt: number | null = null;
  private restarts = 0;
  private stoppedSince = Date.now();
  private startError: string | null = null;
  /** Counters of the runs before this one. */
  private carried: Totals = zero();

  constructor(
    readonly config: SinkConfig,
    private readonly peer: () => SinkPeer,
    /** Where it writes, without credentials. */
    private readonly target: string,
    private readonly log: Logger,
    /** The devices online now (none while the app starts: sinks start before the listeners). */
    private readonly online: () => readonly OnlineDevice[] = () => [],
  ) {}

  get name(): string {
    return this.config.name;
  }

  /** Opens the journal (replaying what an earlier run left) and takes samples from now on. */
  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.starting ??= this.open().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  /** Sends or journals everything accepted, then stops taking samples. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const running = this.running;
    if (!running) return;
    this.running = null;
    await this.close(running);
  }

  async restart(): Promise<void> {
    await this.stop();
    this.restarts += 1;
    await this.start();
  }

  samples(samples: readonly Sample[]): void {
    this.running?.writer.samples(samples);
  }

  deviceOnline(deviceId: string, profile: string, name: string | null, at: number): void {
    this.running?.writer.deviceOnline({ registrationId: deviceId, profile, name, ip: '', port: 0, listener: '', at });
  }

  deviceOffline(deviceId: string, at: number): void {
    this.running?.writer.deviceOffline(deviceId, at);
  }

  /** Everything accepted so far is sent (or set aside): the journal is empty. For tests and benchmarks. */
  async drained(): Promise<void> {
    const running = this.running;
    if (!running) return;
    await running.writer.flush();
    await running.spool.drained();
  }

  status(): SinkStatus {
    const running = this.running;
    const totals = this.totals();
    const base = {
      name: this.config.name,
      type: this.config.type,
      target: this.target,
      enabled: this.config.enabled,
      samples: this.config.samples,
      startedAt: running ? this.startedAt : null,
      restarts: this.restarts,
      counters: totals,
    };
    if (!running)
      return {
        ...base,
        state: 'stopped',
        since: this.stoppedSince,
        lastError: this.startError,
        lagMs: null,
        backlogRows: 0,
        rowsOnDisk: 0,
        bytesOnDisk: 0,
      };
    const health = running.spool.health();
    const stats = running.writer.stats();
    const writerHealth = running.writer.sinkHealth();
    const degraded = health.state === 'ok' && writerHealth.state === 'degraded';
    const state: SinkState = degraded ? 'degraded' : health.state;
    return {
      ...base,
      state,
      since: degraded ? writerHealth.since : health.since,
      lastError: degraded ? writerHealth.lastError : health.lastError,
      lagMs: running.lag.lagMs(Date.now()),
      backlogRows: stats.rowsBuffered,
      rowsOnDisk: health.rowsOnDisk,
      bytesOnDisk: health.bytesOnDisk,
    };
  }

  private totals(): Totals {
    const t = { ...this.carried };
    const running = this.running;
    if (!running) return t;
    const stats = running.writer.stats();
    const health = running.spool.health();
    t.accepted += stats.rowsAccepted;
    t.sent += running.lag.rowsSent;
    t.spilled += health.rowsSpilled;
    t.replayed += health.rowsReplayed;
    t.dropped += stats.rowsDropped;
    t.rejected += health.rowsRejected;
    return t;
  }

  private async open(): Promise<void> {
    const { spill, queue } = this.config;
    let journal: SpillJournal;
    try {
      ({ journal } = await SpillJournal.open(
        spill.dir,
        { segmentBytes: spillSegmentBytes(spill.maxSizeBytes), maxBytes: spill.maxSizeBytes },
        this.log,
      ));
    } catch (err) {
      this.startError = `spill journal ${spill.dir}: ${err instanceof Error ? err.message : String(err)}`;
      this.log.error({ error: this.startError }, 'sink cannot start');
      throw new Error(this.startError, { cause: err });
    }
    let peer: SinkPeer;
    try {
      peer = this.peer();
    } catch (err) {
      // A peer that cannot even be built (a TLS file that cannot be read): nothing to replay to.
      await journal.close();
      this.startError = err instanceof Error ? err.message : String(err);
      this.log.error({ error: this.startError }, 'sink cannot start');
      throw new Error(this.startError, { cause: err });
    }
    const lag = new LagTracker(peer);
    const spool = new SpoolingSink(lag, journal, this.log, {
      writeTimeoutMs: spill.writeTimeoutMs,
      spillAboveRows: Math.floor(queue.maxPendingRows / 2),
      retryMinMs: spill.retryMinMs,
      retryMaxMs: spill.retryMaxMs,
      reportEveryMs: REPORT_EVERY_MS,
      subject: `sink ${this.config.name}`,
    });
    const front: BatchSink = {
      write: (batch: WriteBatch): Promise<SinkResult> => {
        lag.accepted(batch);
        return spool.write(batch);
      },
      close: () => spool.close(),
    };
    const writer = new BufferedHistoryWriter(
      {
        maxRows: queue.maxRows,
        flushIntervalMs: queue.flushIntervalMs,
        idleFlushDelayMs: Math.min(20, queue.flushIntervalMs),
        maxPendingRows: queue.maxPendingRows,
        recordRawPackets: 'none',
      },
      front,
      this.log,
    );
    this.running = { writer, spool, lag };
    // Devices that came online while this sink was stopped or not yet built (a reload) are
    // announced now, or an MQTT sink's retained status would wait for their next registration.
    const at = Date.now();
    for (const d of this.online()) this.deviceOnline(d.deviceId, d.profile, d.name, at);
    this.startError = null;
    this.startedAt = Date.now();
    this.log.info({ target: this.target, spill: spill.dir }, 'sink started');
  }

  private async close(running: Running): Promise<void> {
    await running.spool.stopHolding();
    await running.writer.close();
    const stats = running.writer.stats();
    const health = running.spool.health();
    this.carried.accepted += stats.rowsAccepted;
    this.carried.sent += running.lag.rowsSent;
    this.carried.spilled += health.rowsSpilled;
    this.carried.replayed += health.rowsReplayed;
    this.carried.dropped += stats.rowsDropped;
    this.carried.rejected += health.rowsRejected;
    this.stoppedSince = Date.now();
    this.log.info({ rowsOnDisk: health.rowsOnDisk }, 'sink stopped');
  }
}
