// The DTU gateway service: listeners, the registry of online devices, counters, and the
// programmatic Modbus API (reads and writes go through each device's FIFO).

import type { EventBus } from '../bus.js';
import type { ListenerConfig, PointsConfig, RetentionConfig, ServerConfig, LinkConfig } from '../domain/config.js';
import type { GatewayEvents } from '../domain/events.js';
import type { RegistryLookup } from '../domain/registry.js';
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';
import type { ReadFunction } from '../domain/point.js';
import { encodeReadRequest } from '../protocol/modbus/request.js';
import { encodeWriteCommand, type WriteCommand } from '../protocol/modbus/write-command.js';
import { newCounters, type GatewayCounters } from './counters.js';
import { DtuListener } from './listener.js';
import { DtuUdpListener } from './udp-listener.js';
import { RegistrationFailures, type FailingAddress } from './registration-failures.js';
import { DeviceRegistry } from './registry.js';
import { reconfigureSessions } from './reconfigure-sessions.js';
import { DtuSession, type OutboundHooks, type SessionContext, type SessionStatus } from './session.js';
import { systemClock, TickScheduler, type Clock, type TransactionOutcome } from '../link/index.js';

export type { WriteCommand };

export class DeviceNotOnlineError extends Error {
  readonly code = 'DEVICE_NOT_ONLINE';
  constructor(readonly deviceId: string) {
    super(`device ${deviceId} is not online`);
  }
}

export class UnknownListenerError extends Error {
  readonly code = 'UNKNOWN_LISTENER';
  constructor(readonly listener: string) {
    super(`no listener named ${listener}`);
  }
}

/** A listener as supervision shows it. */
export interface ListenerStatus {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** `tcp`, or `udp` for DTUs that send datagrams. */
  readonly protocol: 'tcp' | 'udp';
  /** The first of `links`. */
  readonly link: string;
  /** The links tried in order on each connection. */
  readonly links: readonly string[];
  /** Connections that failed to register on this listener since start. */
  readonly registrationFailures: number;
  readonly state: 'stopped' | 'running' | 'error';
  /** Open sockets accepted by this listener. */
  readonly connections: number;
  /** Registered devices on this listener. */
  readonly online: number;
  readonly restarts: number;
  readonly startedAt: number | null;
  readonly lastError: string | null;
}

export interface GatewayDeps {
  readonly server: ServerConfig;
  readonly points: PointsConfig;
  readonly bus: EventBus<GatewayEvents>;
  readonly log: Logger;
  readonly clock?: Clock;
  /** The device registry in memory (absent: points.yml alone decides, as in benches). */
  readonly fleetRegistry?: RegistryLookup;
}

export class Gateway {
  readonly registry = new DeviceRegistry<DtuSession>();
  readonly counters: GatewayCounters = newCounters();
  private readonly dtuListeners: (DtuListener | DtuUdpListener)[] = [];
  private readonly startedAt: number;
  private readonly ctx: SessionContext;
  private readonly failures = new RegistrationFailures();
  /** What a reload may replace under running sessions; the session context reads through it. */
  private readonly live: { points: PointsConfig; recording: SessionContext['recording'] };
  /** Step of the shared scheduler: polls, timeouts and heartbeat checks due within it share a wake-up. */
  readonly timerResolutionMs: number;

  constructor(private readonly deps: GatewayDeps) {
    const clock = deps.clock ?? systemClock;
    this.startedAt = clock.now();
    this.timerResolutionMs = deps.server.sessions.timerResolutionMs;
    const live = { points: deps.points, recording: deps.server.retention as SessionContext['recording'] };
    this.live = live;
    const ctx: SessionContext = {
      limits: deps.server.sessions,
      get points() {
        return live.points;
      },
      registry: this.registry,
      bus: deps.bus,
      counters: this.counters,
      log: deps.log,
      clock,
      scheduler: new TickScheduler(this.timerResolutionMs),
      get recording() {
        return live.recording;
      },
      registrationFailures: this.failures,
      ...(deps.fleetRegistry ? { fleetRegistry: deps.fleetRegistry } : {}),
    };
    this.ctx = ctx;
    for (const listener of deps.server.listeners) this.dtuListeners.push(this.newListener(listener));
  }

  private newListener(listener: ListenerConfig): DtuListener | DtuUdpListener {
    const links = listener.links.map((name) => {
      const link = this.live.points.links.get(name);
      if (!link) throw new Error(`listener ${listener.name} refers to unknown link ${name}`);
      return link;
    });
    return listener.protocol === 'udp'
      ? new DtuUdpListener(listener, links, this.ctx)
      : new DtuListener(listener, links, this.ctx);
  }

  /**
   * points.yml reloaded: new sessions match against it at once; each online device whose
   * entry or profile changed is given its new name or plan (the rest are not touched), and
   * one no longer accepted is closed. Returns the devices reconfigured and closed.
   */
  applyPoints(points: PointsConfig, changedProfiles: ReadonlySet<string>): { reconfigured: number; closed: number } {
    this.live.points = points;
    const rejectsUnknown = (listener: string) => {
      const config = this.dtuListeners.find((l) => l.config.name === listener)?.config;
      return config !== undefined && config.links.every((name) => points.links.get(name)?.unknownIds === 'reject');
    };
    return reconfigureSessions(this.registry.sessions(), points, changedProfiles, rejectsUnknown, this.ctx);
  }

  /** The raw packet recording settings of `retention` (read by every session on each packet). */
  applyRecording(retention: RetentionConfig): void {
    this.live.recording = retention;
  }

  /**
   * server.yml listeners reloaded: each named one is stopped (removed), started (added) or
   * bound again (changed). Sessions it accepted stay connected when only its address changed,
   * and are closed when its links changed (they speak the old framing) or it was removed.
   * A listener that cannot bind is left in state `error` (logged) and the others go on.
   */
  async applyListeners(
    listeners: readonly ListenerConfig[],
    changed: ReadonlySet<string>,
    changedLinks: ReadonlySet<string>,
  ): Promise<void> {
    for (const name of changed) {
      const index = this.dtuListeners.findIndex((l) => l.config.name === name);
      const next = listeners.find((l) => l.name === name);
      if (index >= 0) {
        const old = this.dtuListeners[index]!;
        const sameLinks = next !== undefined && next.links.join() === old.config.links.join();
        if (sameLinks && !next.links.some((link) => changedLinks.has(link))) old.detach();
        else await this.stopListener(name);
        this.dtuListeners.splice(index, 1);
      }
      if (!next) continue;
      const listener = this.newListener(next);
      this.dtuListeners.splice(index >= 0 ? index : this.dtuListeners.length, 0, listener);
      await listener
        .start()
        .catch((err: Error) => this.deps.log.error({ listener: name, err: err.message }, 'listener not started'));
    }
  }

  async start(): Promise<void> {
    this.deps.log.info({ timerResolutionMs: this.timerResolutionMs }, 'scheduler timer resolution');
    try {
      for (const listener of this.dtuListeners) await listener.start();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Stops accepting, then closes every session (each records its disconnect). */
  async stop(): Promise<void> {
    const closing = this.dtuListeners.map((l) => l.stop());
    for (const session of [...this.registry.sessions()]) session.close('shutdown', 'server stopping');
    await Promise.all(closing);
  }

  /**
   * Runs a connection an outbound channel opened (a fixed-IP DTU, a serial device server)
   * as a DTU session: the same parser, heartbeat checks, queue and poller, in the registry
   * (so reads, writes and supervision reach it), listed under the channel's name.
   */
  attachOutbound(
    socket: Socket,
    options: { readonly channel: string; readonly link: LinkConfig; readonly hooks: OutboundHooks },
  ): DtuSession {
    const session = new DtuSession(socket, options.channel, options.link, this.ctx, options.hooks);
    this.registry.add(session);
    session.start();
    return session;
  }

  /** Bound ports by listener name (tests listen on port 0). */
  ports(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const l of this.dtuListeners) if (l.boundPort !== null) out[l.config.name] = l.boundPort;
    return out;
  }

  listenerStates(): { name: string; port: number; state: string; lastError: string | null }[] {
    return this.dtuListeners.map((l) => ({
      name: l.config.name,
      port: l.boundPort ?? l.config.port,
      state: l.state,
      lastError: l.lastError,
    }));
  }

  listeners(): ListenerStatus[] {
    return this.dtuListeners.map((l) => {
      let connections = 0;
      let online = 0;
      for (const s of this.registry.sessions()) {
        if (s.remote.listener !== l.config.name) continue;
        connections++;
        if (s.state === 'active') online++;
      }
      return {
        name: l.config.name,
        host: l.config.host,
        port: l.boundPort ?? l.config.port,
        protocol: l.config.protocol,
        link: l.config.link,
        links: l.config.links,
        registrationFailures: this.failures.total(l.config.name),
        state: l.state,
        connections,
        online,
        restarts: l.restarts,
        startedAt: l.startedAt,
        lastError: l.lastError,
      };
    });
  }

  /** Starts one listener (supervision); a failure leaves it in state `error` and throws. */
  async startListener(name: string): Promise<void> {
    await this.listener(name).start();
  }

  /** Stops accepting on one listener and closes the sessions it accepted. */
  async stopListener(name: string): Promise<void> {
    const listener = this.listener(name);
    const closing = listener.stop();
    for (const session of [...this.registry.sessions()]) {
      if (session.remote.listener === name) session.close('shutdown', `listener ${name} stopped`);
    }
    await closing;
  }

  async restartListener(name: string): Promise<void> {
    await this.stopListener(name);
    await this.startListener(name);
  }

  private listener(name: string): DtuListener | DtuUdpListener {
    const listener = this.dtuListeners.find((l) => l.config.name === name);
    if (!listener) throw new UnknownListenerError(name);
    return listener;
  }

  /** Addresses whose registrations failed lately, most recent first (bounded table). */
  failingAddresses(): FailingAddress[] {
    return this.failures.list();
  }

  sessions(): SessionStatus[] {
    return [...this.registry.devices()].map((s) => s.status());
  }

  uptimeMs(): number {
    return (this.deps.clock ?? systemClock).now() - this.startedAt;
  }

  /** Reads registers/bits from a device now, through its queue (not stored). */
  read(
    deviceId: string,
    slave: number,
    fn: ReadFunction,
    address: number,
    quantity: number,
  ): Promise<TransactionOutcome> {
    return this.sessionFor(deviceId).transact(encodeReadRequest(slave, fn, address, quantity));
  }

  /** Writes through the device's queue, so it never collides with a poll on the bus. */
  write(deviceId: string, command: WriteCommand): Promise<TransactionOutcome> {
    return this.sessionFor(deviceId).transact(encodeWriteCommand(command));
  }

  /**
   * An ad-hoc transaction (RTU request) through the queue of a device online here, or null
   * when no session holds that device (it may be fed by an outbound channel instead).
   */
  transact(deviceId: string, request: Uint8Array): Promise<TransactionOutcome> | null {
    const session = this.registry.get(deviceId);
    return session && session.state === 'active' ? session.transact(request) : null;
  }

  /** Closes the device's DTU session, if one holds it (the device was disabled in the registry). */
  disconnect(deviceId: string, details: string): boolean {
    const session = this.registry.get(deviceId);
    if (!session) return false;
    session.close('rejected', details);
    return true;
  }

  private sessionFor(deviceId: string) {
    const session = this.registry.get(deviceId);
    if (!session || session.state !== 'active') throw new DeviceNotOnlineError(deviceId);
    return session;
  }
}
