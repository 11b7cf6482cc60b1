// One DTU connection: registration, heartbeats, the transaction queue and the poller.
// The parser turns bytes into events; this class owns the socket and every timer.
// A listener accepts most sessions; an outbound channel (RTU over TCP) opens the others
// and runs them the same way, but owns the device's presence itself (see OutboundHooks).
import type { DeviceProfile, LinkConfig } from '../domain/config.js';
import type { OfflineReason, PacketKind, Remote } from '../domain/events.js';
import { TransactionQueue, transactOn, type TransactionLink, type TransactionOutcome } from '../link/index.js';
import { admitDevice } from '../plan/device-match.js';
import { DevicePoller } from '../polling/device-poller.js';
import { ackByte, frameRequest } from '../protocol/dtu/outbound.js';
import { DtuStreamParser, type DiscardReason, type StreamEvents } from '../protocol/dtu/stream-parser.js';
import { exceptionName } from '../protocol/modbus/exceptions.js';
import { plainIp } from './admission.js';
import { handOverAnswer } from './answer-boundary.js';
import { countDiscard } from './counters.js';
import { PacketRecorder } from './packet-recorder.js';
import { HeartbeatWatch } from './heartbeat-watch.js';
import { RegistrationGate, type GateFailure } from './registration-gate.js';
import type { SessionSocket } from './session-socket.js';
import type { OutboundHooks, SessionContext, SessionState, SessionStatus } from './session-types.js';
export type { OutboundHooks, SessionContext, SessionState, SessionStatus } from './session-types.js';

export class DtuSession implements StreamEvents, TransactionLink {
  state: SessionState = 'registering';
  deviceId: string | null = null;
  name: string | null = null;
  profile: DeviceProfile | null = null;
  /** Moves only when a UDP DTU's address changes under NAT (udp-listener.ts). */
  remote: Remote;
  readonly connectedAt: number;
  private readonly links: readonly LinkConfig[];
  registeredAt: number | null = null;
  lastHeartbeatAt: number | null = null;

  /** The link the connection speaks: the first of the listener's until registration picks one. */
  private link: LinkConfig;
  private parser: DtuStreamParser;
  /** Until registered: where the first bytes go (null for a connection dtuhub opened). */
  private gate: RegistrationGate | null = null;
  private queue: TransactionQueue | null = null;
  private poller: DevicePoller | null = null;
  private readonly recorder: PacketRecorder;
  private heartbeatWatch: HeartbeatWatch | null = null;
  /**
   * @param source the listener that accepted the connection, or the channel that opened it
   * @param links the link, or the listener's links in the order they are tried
   * @param outbound set when a channel opened the connection
   */
  constructor(
    private readonly socket: SessionSocket,
    private readonly source: string,
    links: LinkConfig | readonly LinkConfig[],
    private readonly ctx: SessionContext,
    private readonly outbound: OutboundHooks | null = null,
  ) {
    this.links = Array.isArray(links) ? links : [links as LinkConfig];
    this.link = this.links[0]!;
    this.remote = {
      ip: plainIp(socket.remoteAddress),
      port: socket.remotePort ?? 0,
      listener: source,
    };
    this.connectedAt = ctx.clock.now();
    this.parser = new DtuStreamParser(this.link, this, ctx.limits.maxInputBytes);
    this.recorder = new PacketRecorder(ctx, this.remote);
  }

  start(): void {
    const { socket } = this;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.ctx.log.debug({ err, remote: this.remote, device: this.deviceId }, 'socket error');
      // A DTU that drops its link while a request is on the way resets rather than closes:
      // that is the peer closing, not a fault of ours or of the network.
      const peerClosed = err.code === 'ECONNRESET' || err.code === 'EPIPE';
      this.close(peerClosed ? 'closed' : 'error', err.message);
    });
    socket.on('close', () => this.close('closed', null));
    const preset = this.outbound?.preset;
    if (preset) {
      this.parser.assume(preset.deviceId);
      if (this.claim(preset.deviceId)) this.activate(preset.deviceId, preset.profile, preset.name);
      return;
    }
    this.gate = new RegistrationGate(this.links, this.ctx.scheduler, this.ctx.limits, {
      chosen: (index, bytes, quiet) => this.adopt(index, bytes, quiet),
      failed: (reason, bytes) => this.registrationFailed(reason, bytes),
    });
    this.gate.start(this.ctx.clock.now());
  }

  /** A transaction outside the schedules (writes, ad-hoc reads), through the same FIFO. */
  transact(request: Uint8Array): Promise<TransactionOutcome> {
    if (!this.queue) return Promise.resolve({ kind: 'closed', at: this.ctx.clock.now() });
    return transactOn(this.queue, request);
  }

  status(): SessionStatus {
    return {
      deviceId: this.deviceId,
      profile: this.profile?.name ?? null,
      name: this.name,
      state: this.state,
      remote: this.remote,
      connectedAt: this.connectedAt,
      registeredAt: this.registeredAt,
      lastHeartbeatAt: this.lastHeartbeatAt,
      lastDataAt: this.poller?.lastDataAt ?? null,
      heartbeatMisses: this.heartbeatWatch?.misses ?? 0,
      queueDepth: this.queue?.depth ?? 0,
    };
  }

  /** True when an outbound channel opened this connection (false: a listener accepted it). */
  get isOutbound(): boolean {
    return this.outbound !== null;
  }

  get devicePoller(): DevicePoller | null {
    return this.poller;
  }

  close(reason: OfflineReason, details: string | null): void {
    if (this.state === 'closed') return;
    const wasActive = this.state === 'active';
    this.state = 'closed';
    this.gate?.stop();
    this.gate = null;
    this.heartbeatWatch?.stop();
    this.poller?.stop();
    this.queue?.close();
    this.socket.destroy();
    this.ctx.registry.release(this);
    const remote = `${this.remote.ip}:${this.remote.port}`;
    if (this.outbound) {
      this.ctx.log.info({ device: this.deviceId, remote, reason, details }, 'outbound link closed');
      this.outbound.closed(reason, details);
    } else if (wasActive && this.deviceId !== null) {
      this.ctx.log.info({ device: this.deviceId, remote, reason, details }, 'device offline');
      this.ctx.bus.emit('device.offline', {
        deviceId: this.deviceId,
        remote: this.remote,
        at: this.ctx.clock.now(),
        reason,
        details,
      });
    }
  }

  /** points.yml changed under this online device: a new name, or its profile re-planned from the next cycle. */
  reconfigure(profile: DeviceProfile, name: string | null): void {
    [this.profile, this.name] = [profile, name];
    this.parser.setHeartbeat(profile.heartbeat ?? this.link.heartbeat);
    this.queue?.retime(profile.timing);
    this.poller?.replan(profile);
  }

  // ------------------------------------------------------------ input

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.ctx.counters.bytesIn += chunk.length;
    this.queue?.noteInput();
    if (this.state === 'active' && !this.hasHeartbeatRule()) this.heartbeatWatch?.alive(this.ctx.clock.now());
    if (!this.gate) return this.parser.push(chunk);
    this.gate.push(chunk, this.ctx.clock.now());
    if (this.socket.datagrams) this.gate?.packetEnded();
  }

  /** Registration picked `links[index]`: its parser reads the ID again and goes on from there. */
  private adopt(index: number, bytes: Buffer, quiet: boolean): void {
    this.gate = null;
    if (this.links[index] !== this.link) {
      this.link = this.links[index]!;
      this.parser = new DtuStreamParser(this.link, this, this.ctx.limits.maxInputBytes);
    }
    this.parser.push(bytes);
    if (quiet) this.parser.settle();
  }

  registered(id: string, raw: Uint8Array): void {
    if (this.state !== 'registering') return;
    this.ctx.counters.registrations++;
    this.record('in', 'registration', raw, null);
    const match = admitDevice(this.ctx.points, id, this.ctx.fleetRegistry?.entry(id), this.link.unknownIds);
    if (!match.admitted) {
      if (match.reason === 'disabled') this.ctx.counters.rejectedDisabled++;
      else this.ctx.counters.rejectedUnknown++;
      this.reject(id, match.reason === 'disabled' ? 'device disabled in the registry' : 'unknown registration ID');
      return;
    }
    if (!this.outbound) this.ctx.registrationFailures?.succeed(this.source, this.remote.ip);
    if (!this.claim(id)) return;
    if (this.link.framing === 'typed') {
      const ack = ackByte(this.link.typed?.ackRegistration ?? null);
      if (ack) this.write(ack, 'ack');
    }
    this.activate(id, match.profile, match.name);
  }

  /** Binds the ID to this session under the link's duplicate policy; false: rejected and closed. */
  private claim(id: string): boolean {
    const { result, reason } = this.ctx.registry.claimFor(id, this, this.link.duplicateIds);
    if (result === 'rejected') {
      this.ctx.counters.rejectedDuplicate++;
      this.reject(id, reason);
      return false;
    }
    if (result === 'replaced') this.ctx.counters.replaced++;
    return true;
  }

  /**
   * No registration (junk, a probe, silence): counted, and the connection closed. Only the
   * first failure from an address on record becomes an event, a stored row and a warning,
   * so a scanner cannot flood the history; an address that keeps failing is refused a while.
   */
  registrationFailed(reason: GateFailure, bytes: Uint8Array): void {
    if (this.state !== 'registering') return;
    const { ctx, remote } = this;
    if (reason === 'timeout') ctx.counters.registrationTimeouts++;
    else ctx.counters.registrationFailures++;
    const details = reason === 'timeout' ? 'registration timeout' : `bad registration: ${reason}`;
    const table = this.outbound ? undefined : ctx.registrationFailures;
    const verdict = table?.fail(this.source, remote.ip, ctx.clock.now()) ?? { first: true, backoffStarted: false };
    if (verdict.backoffStarted) {
      ctx.log.warn(
        { remote: remote.ip, listener: this.source, reason: details },
        'registrations keep failing: refusing',
      );
    }
    if (!verdict.first) {
      this.close('rejected', details);
      return;
    }
    if (bytes.length > 0) this.record('in', 'garbage', bytes, details);
    this.reject(null, details);
  }

  heartbeat(embedded: boolean): void {
    if (this.state !== 'active') return;
    const now = this.ctx.clock.now();
    this.ctx.counters.heartbeats++;
    if (embedded) this.ctx.counters.heartbeatsInsideResponse++;
    this.lastHeartbeatAt = now;
    this.heartbeatWatch?.alive(now);
    const rule = this.profile?.heartbeat ?? this.link.heartbeat;
    this.record('in', 'heartbeat', rule?.pattern ?? EMPTY, embedded ? 'inside a response' : null);
    const reply =
      this.link.framing === 'typed' ? ackByte(this.link.typed?.ackHeartbeat ?? null) : (rule?.reply ?? null);
    if (reply) this.write(reply, 'ack');
    this.ctx.bus.emit('heartbeat', { deviceId: this.deviceId!, remote: this.remote, at: now, embedded });
    this.poller?.onHeartbeat();
  }

  response(buf: Uint8Array, start: number, frame: Parameters<StreamEvents['response']>[2]): void {
    if (frame.kind === 'exception') this.ctx.counters.exceptions++;
    else this.ctx.counters.responses++;
    const note = frame.kind === 'exception' ? `exception ${frame.code} (${exceptionName(frame.code)})` : null;
    const kind = frame.kind === 'exception' ? 'exception' : 'response';
    // The copy of the frame is only made when raw packets are recorded.
    if (this.recorder.records(kind)) this.record('in', kind, buf.subarray(start, start + frame.length), note);
    handOverAnswer(this.queue, buf, frame, this.ctx, this.deviceId);
  }

  badResponse(bytes: Uint8Array): void {
    this.ctx.counters.badCrc++;
    this.record('in', 'garbage', bytes, 'response with bad CRC');
    this.recorder.logDiscard(this.deviceId, 'bad-crc', bytes.length);
    this.queue?.onBadResponse();
  }

  unsolicited(buf: Uint8Array, start: number, frame: Parameters<StreamEvents['unsolicited']>[2]): void {
    this.ctx.counters.unsolicitedFrames++;
    this.record(
      'in',
      frame.kind === 'exception' ? 'exception' : 'response',
      buf.subarray(start, start + frame.length),
      'unsolicited',
    );
    if (!this.poller?.onUnsolicited(buf, frame)) this.ctx.counters.unsolicitedUnmatched++;
  }

  data(payload: Uint8Array): void {
    this.ctx.counters.typedDataMessages++;
    this.record('in', 'data', payload, null);
    const ack = ackByte(this.link.typed?.ackData ?? null);
    if (ack) this.write(ack, 'ack');
  }

  discarded(bytes: Uint8Array, reason: DiscardReason): void {
    countDiscard(this.ctx.counters, reason, bytes.length);
    this.record('in', reason === 'stray-frame' ? 'stray' : 'garbage', bytes, reason);
    this.recorder.logDiscard(this.deviceId, reason, bytes.length);
  }

  heartbeatPatternInData(): void {
    this.ctx.counters.heartbeatPatternInData++;
  }

  // ------------------------------------------------------------ the queue's link (methods, not closures: 10,000 sessions)

  send(request: Uint8Array): void {
    this.ctx.counters.requestsSent++;
    this.write(frameRequest(this.link, request, this.parser.transactionId), 'request');
  }

  expect(expectation: Parameters<TransactionLink['expect']>[0]): void {
    this.parser.expect(expectation);
  }

  discardPending(): void {
    this.parser.discardPending('garbage');
  }

  timedOut(): void {
    this.ctx.counters.timeouts++;
  }

  // ------------------------------------------------------------ lifecycle

  private activate(id: string, profile: DeviceProfile, name: string | null): void {
    const { ctx } = this;
    this.gate?.stop();
    this.gate = null;
    this.state = 'active';
    this.deviceId = id;
    this.name = name;
    this.profile = profile;
    this.registeredAt = ctx.clock.now();
    this.parser.setHeartbeat(profile.heartbeat ?? this.link.heartbeat);
    this.queue = new TransactionQueue(this, profile.timing, ctx.clock, ctx.scheduler);
    const bus = this.outbound?.bus ?? ctx.bus;
    this.poller = new DevicePoller({ ...ctx, deviceId: id, profile, queue: this.queue, bus });
    // A DTU that connected in and goes quiet is dead whatever its link says; a serial device
    // server dtuhub connected to speaks only when asked, so it is watched only by a heartbeat rule.
    if (!this.outbound || this.hasHeartbeatRule()) {
      this.heartbeatWatch = new HeartbeatWatch(ctx.scheduler, ctx.clock, ctx.limits, (misses, timedOut) =>
        this.heartbeatMissed(misses, timedOut),
      );
      this.heartbeatWatch.start(this.registeredAt);
    }
    if (this.outbound) this.outbound.online(id, profile.name, name);
    else
      ctx.bus.emit('device.registered', {
        deviceId: id,
        profile: profile.name,
        name,
        remote: this.remote,
        at: this.registeredAt,
      });
    ctx.log.info(
      { device: id, profile: profile.name, remote: `${this.remote.ip}:${this.remote.port}`, listener: this.source },
      'device online',
    );
    this.poller.start();
  }

  private heartbeatMissed(misses: number, timedOut: boolean): void {
    if (this.state !== 'active') return;
    const { ctx } = this;
    const maxMisses = ctx.limits.heartbeatMaxMisses;
    ctx.bus.emit('heartbeat.missed', { deviceId: this.deviceId!, at: ctx.clock.now(), misses, maxMisses });
    if (!timedOut) return;
    ctx.counters.heartbeatTimeouts++;
    ctx.log.warn({ device: this.deviceId, misses }, 'heartbeat timeout: closing');
    this.close('heartbeat_timeout', `${misses} heartbeats missed`);
  }

  private reject(id: string | null, reason: string): void {
    if (this.state === 'closed') return;
    this.ctx.log.warn(
      { device: id, remote: `${this.remote.ip}:${this.remote.port}`, listener: this.source, reason },
      'connection rejected',
    );
    this.ctx.bus.emit('device.rejected', { deviceId: id, remote: this.remote, at: this.ctx.clock.now(), reason });
    this.close('rejected', reason);
  }

  private hasHeartbeatRule(): boolean {
    return (this.profile?.heartbeat ?? this.link.heartbeat) !== null;
  }

  // ------------------------------------------------------------ output and records

  private write(bytes: Buffer, kind: PacketKind): void {
    if (this.state === 'closed') return;
    this.ctx.counters.bytesOut += bytes.length;
    this.socket.write(bytes);
    this.record('out', kind, bytes, null);
  }

  private record(direction: 'in' | 'out', kind: PacketKind, raw: Uint8Array, note: string | null): void {
    this.recorder.record(this.deviceId, direction, kind, raw, note);
  }
}

const EMPTY = Buffer.alloc(0);
