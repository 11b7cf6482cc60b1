// The life of every outbound channel: connect → collect → hand samples to the pipeline
// (the same bus events as DTU data, so cache, history and rules treat them alike) → on a
// connection or read error disconnect and retry with backoff. Subclasses only say how to
// open their link; this class owns states, timers, counters and device presence.
//
// Every attempt gets its own ChannelLink: callbacks of an old connection (a late close
// event, a response after a restart) go to a link that is no longer current and do nothing,
// so they can never disturb the connection that replaced it.
import type { ChannelConfig } from '../domain/channels.js';
import type { ChannelState, OfflineReason, Remote } from '../domain/events.js';
import type { Sample } from '../domain/point.js';
import { systemClock, type TransactionOutcome } from '../link/index.js';
import type { Logger } from '../log.js';
import { Backoff } from './backoff.js';
import type {
  ChannelCounters,
  ChannelDeps,
  ChannelLink,
  ChannelPointWrite,
  ChannelStatus,
  OpenLink,
} from './channel-types.js';

export type { ChannelCounters, ChannelDeps, ChannelLink, ChannelStatus, OpenLink } from './channel-types.js';

export abstract class Channel<C extends ChannelConfig = ChannelConfig> {
  private current: ChannelState = 'stopped';
  private readonly backoff: Backoff;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Bumped on every start, stop and lost link: an attempt whose number is old is stale. */
  private generation = 0;
  private link: OpenLink | null = null;
  /** Aborts the current attempt's `open()`; replaced on every attempt. */
  private abort = new AbortController();
  /** The connect attempt in flight: stop() waits for it, so no connection outlives the channel. */
  private attempting: Promise<void> | null = null;
  /** A lost or stopped link still closing: the next connection waits for it. */
  private closing: Promise<void> | null = null;
  /** The stop in progress: a second stop() waits for the same end. */
  private stopping: Promise<void> | null = null;
  /** Bumped by every start() and stop(): a restart whose stop was overtaken does not start. */
  private intent = 0;
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;
  private connectedAt: number | null = null;
  private lastCollectAt: number | null = null;
  private nextAttemptAt: number | null = null;
  private startedAt: number | null = null;
  private restarts = 0;
  /** Devices announced online during this connection: registration ID → profile label. */
  private readonly online = new Map<string, string>();
  protected readonly log: Logger;
  /**
   * false: a successful connect alone does not start the backoff over, only `proven()`
   * does — for peers that may accept and drop at once (a serial device server whose port is
   * taken, a DTU that cannot reach its serial side), which would otherwise be hammered
   * every `backoff.initial`.
   */
  protected readonly connectProvesPeer: boolean = true;
  readonly counters: ChannelCounters = {
    connects: 0,
    connectFailures: 0,
    disconnects: 0,
    collects: 0,
    collectErrors: 0,
    samples: 0,
  };

  protected constructor(
    readonly config: C,
    protected readonly deps: ChannelDeps,
  ) {
    this.backoff = new Backoff(config.backoff);
    this.log = deps.log.child({ channel: config.name });
  }

  get name(): string {
    return this.config.name;
  }

  get state(): ChannelState {
    return this.current;
  }

  /** host:port, URL or endpoint, for status pages and logs. */
  abstract get target(): string;

  /** The peer as a device's "remote" (devices table: last IP:port; `listener` is the channel name). */
  protected abstract remote(): Remote;

  /**
   * Connects and sets up collection for one attempt; resolves once collecting, with how to
   * close that connection. On failure it releases what it opened and rejects.
   */
  protected abstract open(link: ChannelLink): Promise<OpenLink>;

  /** Starts connecting now (no-op when already running). */
  start(): void {
    this.intent++;
    if (this.current !== 'stopped') return;
    this.startedAt = this.now();
    this.backoff.reset();
    this.attempt(this.nextGeneration());
  }

  /**
   * Cancels any retry or connect in progress, closes the link and marks its devices
   * offline; resolves once nothing of the channel is open any more.
   */
  stop(): Promise<void> {
    this.intent++;
    if (this.current === 'stopped') return this.stopping ?? Promise.resolve();
    this.nextGeneration();
    this.clearRetry();
    this.offline('shutdown', 'channel stopped');
    this.transition('stopped', null, null);
    const stopping = Promise.all([this.release(), this.attempting]).then(() => {
      if (this.stopping === stopping) this.stopping = null;
    });
    this.stopping = stopping;
    return stopping;
  }

  /** Stops, then starts again, unless another start() or stop() came in meanwhile: the last call wins. */
  async restart(): Promise<void> {
    const stopped = this.stop();
    const ticket = this.intent;
    await stopped;
    if (this.intent !== ticket) return;
    this.restarts++;
    this.start();
  }

  /**
   * An ad-hoc Modbus transaction (a write from the API) for a device this channel feeds,
   * through the queue its polls use; null when the channel cannot carry one for that device
   * now (not connected, not Modbus, another device).
   */
  transact(_deviceId: string, _request: Uint8Array): Promise<TransactionOutcome> | null {
    return null;
  }

  /**
   * A write by point name in engineering units for a channel that writes its own protocol
   * (not Modbus), read back at once; null when this channel does not feed the device.
   */
  writePoint(
    _deviceId: string,
    _point: string,
    _value: number | boolean,
    _dryRun: boolean,
  ): Promise<ChannelPointWrite> | null {
    return null;
  }

  status(): ChannelStatus {
    return {
      name: this.config.name,
      type: this.config.type,
      target: this.target,
      enabled: this.config.enabled,
      state: this.current,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      connectedAt: this.connectedAt,
      lastCollectAt: this.lastCollectAt,
      nextAttemptAt: this.nextAttemptAt,
      failures: this.backoff.count,
      restarts: this.restarts,
      startedAt: this.startedAt,
      devices: [...this.online.keys()],
      counters: { ...this.counters },
    };
  }

  protected now(): number {
    return (this.deps.clock ?? systemClock).now();
  }

  // ------------------------------------------------------------ internals

  /** Makes every earlier attempt stale (its callbacks no-ops, its open() aborted). */
  private nextGeneration(): number {
    this.abort.abort();
    this.abort = new AbortController();
    return ++this.generation;
  }

  private linkFor(generation: number): ChannelLink {
    const current = () => generation === this.generation;
    const signal = this.abort.signal;
    return {
      get active() {
        return current();
      },
      signal,
      lost: (err, reason) => {
        if (current() && this.current === 'connected') this.onLost(err, reason ?? (err ? 'error' : 'closed'));
      },
      publish: (deviceId, profile, samples, polledAt, at) => {
        if (current() && this.current === 'connected') this.onData(deviceId, profile, samples, polledAt, at);
      },
      collectFailed: (message) => {
        if (!current()) return;
        this.counters.collectErrors++;
        this.noteError(message);
      },
      deviceOnline: (deviceId, profile, name = null) => {
        if (current() && this.current === 'connected') this.markOnline(deviceId, profile, name);
      },
      proven: () => {
        if (current() && this.current === 'connected') this.backoff.reset();
      },
    };
  }

  private attempt(generation: number): void {
    // connect() handles its own failures; anything else is a bug to log, not to crash on.
    const attempt = this.connect(generation).catch((err: unknown) => this.log.error({ err }, 'channel attempt failed'));
    this.attempting = attempt;
    void attempt.finally(() => {
      if (this.attempting === attempt) this.attempting = null;
    });
  }

  private async connect(generation: number): Promise<void> {
    this.nextAttemptAt = null;
    this.transition('connecting', null, null);
    // The previous connection is closed before the next one opens: a peer that takes one
    // client at a time (a serial device server) would refuse an overlapping one.
    if (this.closing) await this.closing;
    if (generation !== this.generation) return;
    let opened: OpenLink;
    try {
      opened = await this.open(this.linkFor(generation));
    } catch (err) {
      if (generation !== this.generation) return;
      const message = err instanceof Error ? err.message : String(err);
      this.counters.connectFailures++;
      this.noteError(message);
      this.log.warn({ target: this.target, err: message, failures: this.backoff.count + 1 }, 'channel connect failed');
      this.transition('error', message, null);
      this.scheduleRetry(generation, message);
      return;
    }
    if (generation !== this.generation) {
      // Stopped or restarted while connecting: the connection that just opened is not wanted.
      await this.closeInOrder(opened);
      return;
    }
    this.link = opened;
    if (this.connectProvesPeer) this.backoff.reset();
    this.counters.connects++;
    this.connectedAt = this.now();
    this.log.info({ target: this.target }, 'channel connected');
    this.transition('connected', null, null);
    try {
      opened.connected?.();
    } catch (err) {
      this.onLost(err instanceof Error ? err : new Error(String(err)), 'error');
    }
  }

  private onLost(err: Error | null, reason: OfflineReason): void {
    const generation = this.nextGeneration();
    const message = err?.message ?? 'connection closed by the peer';
    this.counters.disconnects++;
    this.noteError(message);
    this.log.warn({ target: this.target, err: message }, 'channel disconnected');
    this.offline(reason, message);
    this.transition('disconnected', message, null);
    void this.release().then(() => {
      if (generation === this.generation) this.scheduleRetry(generation, message);
    });
  }

  private onData(deviceId: string, profile: string, samples: readonly Sample[], polledAt: number, at: number): void {
    this.markOnline(deviceId, profile, null);
    this.backoff.reset();
    this.lastCollectAt = at;
    this.counters.collects++;
    if (samples.length === 0) return;
    this.counters.samples += samples.length;
    this.deps.bus.emit('data', { deviceId, samples, polledAt, at });
  }

  private markOnline(deviceId: string, profile: string, name: string | null): void {
    if (this.online.has(deviceId)) return;
    this.online.set(deviceId, profile);
    this.deps.bus.emit('device.registered', { deviceId, profile, name, remote: this.remote(), at: this.now() });
  }

  /** Closes the current link (if any); resolves once it and any earlier close are done. */
  private async release(): Promise<void> {
    const link = this.link;
    this.link = null;
    if (link) void this.closeInOrder(link);
    await this.closing;
  }

  /** Closes a connection as part of the chain every new connection waits for. */
  private closeInOrder(link: OpenLink): Promise<void> {
    const closing = Promise.all([this.closing, this.closeQuietly(link)]).then(() => {
      if (this.closing === closing) this.closing = null;
    });
    this.closing = closing;
    return closing;
  }

  private async closeQuietly(link: OpenLink): Promise<void> {
    try {
      await link.close();
    } catch (err) {
      this.log.warn({ err }, 'channel close failed');
    }
  }

  private scheduleRetry(generation: number, error: string): void {
    const delay = this.backoff.fail();
    this.nextAttemptAt = this.now() + delay;
    this.transition('backing-off', error, delay);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      // A fresh number: callbacks of the failed attempt's connection stay stale.
      if (generation === this.generation) this.attempt(this.nextGeneration());
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.nextAttemptAt = null;
  }

  private offline(reason: OfflineReason, details: string): void {
    const at = this.now();
    const remote = this.remote();
    for (const deviceId of this.online.keys()) {
      this.deps.bus.emit('device.offline', { deviceId, remote, at, reason, details });
    }
    this.online.clear();
    this.connectedAt = null;
  }

  private noteError(message: string): void {
    this.lastError = message;
    this.lastErrorAt = this.now();
  }

  private transition(state: ChannelState, error: string | null, retryInMs: number | null): void {
    const previous = this.current;
    this.current = state;
    this.deps.bus.emit('channel.state', {
      channel: this.config.name,
      type: this.config.type,
      state,
      previous,
      at: this.now(),
      error,
      retryInMs,
    });
  }
}
