// In-process DTUs for the gateway-path scenarios (4a in gateway-inproc.ts, meters in
// meter-inproc.ts): real DtuSession objects on sockets that answer each request from
// memory on the next turn of the event loop, as a DTU on a fast link would, and a session
// context like the Gateway's whose only `data` listener counts samples.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { EventBus } from '../src/bus.js';
import type { DtuhubConfig, LinkConfig } from '../src/domain/config.js';
import type { GatewayEvents } from '../src/domain/events.js';
import { newCounters } from '../src/gateway/counters.js';
import { DeviceRegistry } from '../src/gateway/registry.js';
import { DtuSession, type SessionContext } from '../src/gateway/session.js';
import { TickScheduler, systemClock } from '../src/link/index.js';
import { silentLogger } from '../src/log.js';

/** The pre-encoded answer to a request, or undefined for a request nobody answers. */
export type LoopbackAnswer = (request: Uint8Array) => Buffer | undefined;

/** Enough of net.Socket for DtuSession, answering requests from memory. */
export class LoopbackDtuSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  destroyed = false;
  /** Wall time inside the synchronous receive path (parse, match, decode, emit), and how many deliveries. */
  static receiveMs = 0;
  static receives = 0;

  constructor(
    readonly remotePort: number,
    private readonly answer: LoopbackAnswer,
  ) {
    super();
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  write(bytes: Uint8Array): boolean {
    const answer = this.destroyed ? undefined : this.answer(bytes);
    // On the next turn, in a fresh buffer as a socket read would be.
    if (answer) setImmediate(() => this.deliver(Buffer.from(answer)));
    return true;
  }

  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      setImmediate(() => this.emit('close'));
    }
    return this;
  }

  private deliver(chunk: Buffer): void {
    if (this.destroyed) return;
    const started = performance.now();
    this.emit('data', chunk);
    LoopbackDtuSocket.receiveMs += performance.now() - started;
    LoopbackDtuSocket.receives++;
  }
}

/** Counts read at both ends of a measured window. */
export interface WindowCounts {
  readonly transactions: number;
  readonly samples: number;
  readonly receiveMs: number;
  readonly receives: number;
}

/** What an in-process bench reports of a window, whatever the protocol. */
export interface TransactionRates {
  readonly transactions: number;
  readonly transactionsPerSec: number;
  readonly samplesPerSec: number;
  readonly cpuUsPerTransaction: number;
  /** Wall time inside the synchronous receive path (parse, match, decode, emit), per answer. */
  readonly receivePathUsPerTransaction: number;
}

/** A window's rates and CPU per transaction, from its counts at both ends. */
export function transactionRates(
  window: { readonly seconds: number; readonly cpuUs: number },
  from: WindowCounts,
  to: WindowCounts,
): TransactionRates {
  const transactions = to.transactions - from.transactions;
  const receives = to.receives - from.receives;
  return {
    transactions,
    transactionsPerSec: transactions / window.seconds,
    samplesPerSec: (to.samples - from.samples) / window.seconds,
    cpuUsPerTransaction: transactions > 0 ? window.cpuUs / transactions : 0,
    receivePathUsPerTransaction: receives > 0 ? ((to.receiveMs - from.receiveMs) * 1000) / receives : 0,
  };
}

export interface InprocGateway {
  readonly ctx: SessionContext;
  /** Samples published so far. */
  samples(): number;
  /** A DTU on a loopback socket, registered with `id` (ASCII). */
  connect(id: string, port: number, answer: LoopbackAnswer): DtuSession;
}

/** Sessions as the Gateway would run them for `config`: its limits and scheduler step, no storage. */
export function inprocGateway(config: DtuhubConfig, link: LinkConfig, listenerName: string): InprocGateway {
  const log = silentLogger();
  const bus = new EventBus<GatewayEvents>(log);
  const ctx: SessionContext = {
    limits: config.server.sessions,
    points: config.points,
    registry: new DeviceRegistry(),
    bus,
    counters: newCounters(),
    log,
    clock: systemClock,
    // The same step as the Gateway would take for this config.
    scheduler: new TickScheduler(config.server.sessions.timerResolutionMs),
    recording: { recordRawPackets: 'none', rawPacketMaxBytes: 256, rawPacketBytesPerMinute: 0 },
  };
  let samples = 0;
  bus.on('data', (e) => {
    samples += e.samples.length;
  });
  return {
    ctx,
    samples: () => samples,
    connect(id, port, answer) {
      const socket = new LoopbackDtuSocket(port, answer);
      const session = new DtuSession(socket as unknown as Socket, listenerName, link, ctx);
      ctx.registry.add(session);
      session.start();
      socket.emit('data', Buffer.from(id, 'latin1'));
      return session;
    },
  };
}
