// One simulated DTU: a TCP client that registers, sends heartbeats and answers Modbus RTU
// requests as the slaves on its RS-485 bus would, with optional injected faults. Kept
// small per instance (shared scheduler, shared profile index, lazily created buffers) so one
// process can run 10,000 of them.
import { connect, type Socket } from 'node:net';
import type { HeartbeatRule } from '../domain/config.js';
import { systemClock, type TickJob, type TickScheduler } from '../link/index.js';
import { BusAnswerer } from './bus-answerer.js';
import type { InboundEvent, InboundReader } from './inbound.js';
import { readerFor } from './link-reader.js';
import {
  emptyCounters,
  type DtuCounters,
  type DtuFaults,
  type PushBlock,
  type SimulatedDtuOptions,
} from './dtu-options.js';
import { dataPacket, heartbeatPacket, outboundFormat, type OutboundFormat } from './outbound.js';
import { PacketWriter } from './packet-writer.js';
import { RegisterModel } from './register-model.js';
import { registrationBytes } from './registration.js';
import { simulatorScheduler } from './scheduler.js';
import { parseRequest, readRequestFrame } from './slave-request.js';

export type DtuState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'stopped';

const DEFAULT_HEARTBEAT_MS = 30_000;
const DEFAULT_PUSH_MS = 5_000;
const DEFAULT_RECONNECT_MS = 1_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_FRAME_GAP_MS = 2_000;

/** A DTU made on demand shares this scheduler, so even ad-hoc DTUs use one timer. */
let sharedScheduler: TickScheduler | null = null;

export class SimulatedDtu {
  readonly counters: DtuCounters = emptyCounters();
  readonly model: RegisterModel;
  private faults: DtuFaults;
  private state_: DtuState = 'idle';
  private socket: Socket | null = null;
  private writer: PacketWriter | null = null;
  private reader: InboundReader | null = null;
  private format: OutboundFormat | null = null;
  private registration: Buffer | null = null;
  private heartbeatJob: TickJob | null = null;
  private pushJob: TickJob | null = null;
  private heartbeatsPaused = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private wakeRetry: (() => void) | null = null;
  private readonly bus: BusAnswerer;
  private ownScheduler: TickScheduler | null = null;

  constructor(private readonly options: SimulatedDtuOptions) {
    this.faults = options;
    this.model = new RegisterModel(options.profile ?? null, options.seed ?? options.id, options.id, options.clock);
    this.bus = new BusAnswerer({
      id: options.id,
      options,
      counters: this.counters,
      model: this.model,
      faults: () => this.faults,
      outlet: () => (this.connected ? this.format : null),
      send: (packet) => this.send(packet),
    });
  }

  get id(): string {
    return this.options.id;
  }

  get state(): DtuState {
    return this.state_;
  }

  get connected(): boolean {
    return this.state_ === 'connected';
  }

  /** The heartbeat rule in force: the profile's override, else the link's. */
  get heartbeatRule(): HeartbeatRule | null {
    return this.options.profile?.heartbeat ?? this.options.link.heartbeat;
  }

  /**
   * Connects, sends the registration and starts heartbeats (and pushes). Resolves once
   * the registration has been written. With `reconnect`, failed attempts are retried.
   */
  async start(): Promise<void> {
    if (this.state_ !== 'idle' && this.state_ !== 'stopped') throw new Error(`DTU ${this.id} already started`);
    const { link } = this.options;
    this.registration = this.options.registration ?? registrationBytes(link.registration, this.id);
    this.format = outboundFormat(link, this.registration);
    this.state_ = 'connecting';
    for (;;) {
      try {
        await this.connectOnce();
        return;
      } catch (err) {
        if (!this.options.reconnect || this.isStopped()) {
          this.state_ = 'stopped';
          throw err;
        }
        await this.sleepBeforeRetry();
        if (this.isStopped()) throw new Error(`DTU ${this.id} stopped before connecting`, { cause: err });
      }
    }
  }

  /** A method, not a field read: `stop()` may run while `start()` awaits. */
  private isStopped(): boolean {
    return this.state_ === 'stopped';
  }

  /** Closes the connection for good and cancels every timer. */
  async stop(): Promise<void> {
    this.state_ = 'stopped';
    this.stopTimers();
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  /** Drops the connection as a carrier loss would; with `reconnect` the DTU comes back. */
  disconnect(): void {
    this.socket?.destroy();
  }

  /** Changes injected faults from now on (copy on write: fleet DTUs share their options). */
  setFaults(faults: DtuFaults): void {
    this.faults = { ...this.faults, ...faults };
  }

  stopHeartbeats(): void {
    this.heartbeatsPaused = true;
    if (this.heartbeatJob) this.scheduler().cancel(this.heartbeatJob);
  }

  resumeHeartbeats(): void {
    this.heartbeatsPaused = false;
    if (this.connected) this.scheduleHeartbeat(this.now());
  }

  /** Sends one heartbeat now; false when the link has no heartbeat to send. */
  sendHeartbeat(): boolean {
    const packet = this.format && heartbeatPacket(this.format, this.heartbeatRule?.pattern ?? null);
    if (!packet || !this.connected) return false;
    this.counters.heartbeats += 1;
    this.send(packet);
    return true;
  }

  /** Sends a typed-framing data message (raw bytes on other framings). */
  sendData(payload: Buffer): void {
    if (this.format && this.connected) this.send(dataPacket(this.format, payload));
  }

  /** Pushes every unsolicited block once, now. */
  pushNow(): void {
    const at = this.now();
    for (const block of this.pushBlocks()) {
      const request = parseRequest(readRequestFrame(block.slave, block.fn, block.address, block.quantity));
      this.counters.pushes += 1;
      this.bus.serve(request, at);
    }
  }

  // -------------------------------------------------- register model, for tests

  registers(slave: number, fn: number, address: number, quantity: number, atMs?: number): number[] {
    return this.model.registers(slave, fn, address, quantity, atMs);
  }

  setRegisters(slave: number, fn: number, address: number, values: readonly number[]): void {
    this.model.setRegisters(slave, fn, address, values);
  }

  freeze(atMs?: number): void {
    this.model.freeze(atMs);
  }

  unfreeze(): void {
    this.model.unfreeze();
  }

  // -------------------------------------------------- connection

  private connectOnce(): Promise<void> {
    const { host, port } = this.options.target;
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise<void>((resolve, reject) => {
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      this.socket = socket;
      const timer = setTimeout(() => socket.destroy(new Error(`connect to ${host}:${port} timed out`)), timeoutMs);
      const failed = (err?: Error | boolean): void => {
        clearTimeout(timer);
        socket.removeListener('connect', connected);
        socket.removeListener('error', failed);
        socket.removeListener('close', failed);
        if (this.socket === socket) this.socket = null;
        reject(err instanceof Error ? err : new Error(`connection to ${host}:${port} closed before it opened`));
      };
      const connected = (): void => {
        clearTimeout(timer);
        socket.removeListener('error', failed);
        socket.removeListener('close', failed);
        if (this.isStopped()) {
          socket.destroy();
          reject(new Error(`DTU ${this.id} stopped before connecting`));
          return;
        }
        this.attach(socket);
        this.sendRegistration(resolve);
      };
      socket.once('error', failed);
      // stop() while connecting destroys the socket without an error.
      socket.once('close', failed);
      socket.once('connect', connected);
    });
  }

  private attach(socket: Socket): void {
    const { link } = this.options;
    const gap = this.options.frameGapMs ?? DEFAULT_FRAME_GAP_MS;
    this.writer = new PacketWriter(socket);
    this.reader = readerFor(link, this.heartbeatRule?.reply ?? null, gap);
    if (this.counters.connects > 0) this.counters.reconnects += 1;
    this.counters.connects += 1;
    this.state_ = 'connected';
    socket.on('data', (chunk: Buffer) => {
      this.counters.bytesIn += chunk.length;
      this.reader?.push(chunk, this.now(), this.onInbound);
    });
    socket.on('error', (err) => this.options.log?.debug({ err, dtu: this.id }, 'simulated DTU socket error'));
    socket.on('close', () => this.onClose(socket));
  }

  private sendRegistration(done: () => void): void {
    const registration = this.registration!;
    const now = this.now();
    let packet = registration;
    if (this.faults.mergeRegistrationWith === 'heartbeat') {
      const heartbeat = heartbeatPacket(this.format!, this.heartbeatRule?.pattern ?? null);
      if (heartbeat) {
        packet = Buffer.concat([registration, heartbeat]);
        this.counters.heartbeats += 1;
      }
    }
    // Whole, whatever the chunking: a DTU sends its registration in one packet, and an ID
    // without a terminator is taken once the line goes quiet, so a pause inside it (a busy
    // event loop between two pieces) would cut it short.
    this.send(packet, done, true);
    this.scheduleHeartbeat(now);
    this.schedulePush(now);
  }

  private onClose(socket: Socket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.writer?.clear();
    this.writer = null;
    this.reader = null;
    this.stopTimers();
    if (this.state_ === 'stopped') return;
    if (!this.options.reconnect) {
      this.state_ = 'stopped';
      return;
    }
    this.state_ = 'reconnecting';
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.reconnect();
    }, this.options.reconnectDelayMs ?? DEFAULT_RECONNECT_MS);
  }

  private reconnect(): void {
    if (this.state_ === 'stopped') return;
    this.connectOnce().catch((err: unknown) => {
      this.options.log?.debug({ err, dtu: this.id }, 'simulated DTU reconnect failed');
      if (this.state_ === 'stopped') return;
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        this.reconnect();
      }, this.options.reconnectDelayMs ?? DEFAULT_RECONNECT_MS);
    });
  }

  /** Waits before the next connect attempt; `stop()` ends the wait early. */
  private sleepBeforeRetry(): Promise<void> {
    return new Promise((resolve) => {
      this.wakeRetry = resolve;
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        this.wakeRetry = null;
        resolve();
      }, this.options.reconnectDelayMs ?? DEFAULT_RECONNECT_MS);
    });
  }

  private stopTimers(): void {
    const scheduler = this.scheduler();
    if (this.heartbeatJob) scheduler.cancel(this.heartbeatJob);
    if (this.pushJob) scheduler.cancel(this.pushJob);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.wakeRetry?.();
    this.wakeRetry = null;
    this.bus.clear();
  }

  // -------------------------------------------------- periodic work

  private scheduleHeartbeat(from: number): void {
    const every = this.options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_MS;
    if (every <= 0 || this.heartbeatsPaused || !this.format) return;
    if (!heartbeatPacket(this.format, this.heartbeatRule?.pattern ?? null)) return;
    this.heartbeatJob ??= this.scheduler().job(() => {
      if (this.sendHeartbeat()) this.scheduleHeartbeat(this.now());
    });
    this.scheduler().scheduleAt(this.heartbeatJob, from + every);
  }

  private schedulePush(from: number): void {
    if (this.options.link.framing !== 'unsolicited') return;
    const every = this.options.pushIntervalMs ?? DEFAULT_PUSH_MS;
    if (every <= 0) return;
    this.pushJob ??= this.scheduler().job(() => {
      if (!this.connected) return;
      this.pushNow();
      this.schedulePush(this.now());
    });
    this.scheduler().scheduleAt(this.pushJob, from + every);
  }

  private pushBlocks(): readonly PushBlock[] {
    if (this.options.pushBlocks) return this.options.pushBlocks;
    const seen = new Set<string>();
    const blocks: PushBlock[] = [];
    for (const task of this.options.profile?.tasks ?? []) {
      for (const block of task.blocks) {
        const key = `${block.slave}:${block.fn}:${block.address}:${block.quantity}`;
        if (seen.has(key)) continue;
        seen.add(key);
        blocks.push(block);
      }
    }
    return blocks;
  }

  // -------------------------------------------------- requests and answers

  private readonly onInbound = (event: InboundEvent): void => {
    const counters = this.counters;
    switch (event.kind) {
      case 'request':
        counters.requests += 1;
        this.bus.request(parseRequest(event.frame, event.transactionId), this.now());
        break;
      case 'meter-request':
        counters.requests += 1;
        this.bus.meterRequest(event.frame, this.now());
        break;
      case 'bad-crc':
        counters.badCrc += 1;
        break;
      case 'heartbeat-reply':
        counters.heartbeatReplies += 1;
        break;
      case 'ack':
        counters.acks += 1;
        break;
      case 'garbage':
        counters.garbageBytes += event.bytes;
        break;
    }
  };

  private send(packet: Buffer, done?: () => void, whole = false): void {
    if (!this.writer) return;
    this.counters.bytesOut += packet.length;
    const chunking = whole ? 'whole' : (this.faults.chunking ?? 'whole');
    const pieceSize = chunking === 'whole' ? 0 : chunking === 'byte' ? 1 : chunking;
    this.writer.write(packet, pieceSize, this.faults.chunkGapMs ?? 1, done);
  }

  private scheduler(): TickScheduler {
    if (this.options.scheduler) return this.options.scheduler;
    // A custom clock needs a scheduler that reads the same clock.
    if (this.options.clock) return (this.ownScheduler ??= simulatorScheduler(this.options.clock));
    return (sharedScheduler ??= simulatorScheduler(systemClock));
  }

  private now(): number {
    return (this.options.clock ?? systemClock).now();
  }
}
