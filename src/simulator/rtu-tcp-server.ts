// Raw Modbus RTU on an accepted TCP connection: a serial device server (RS-485 ↔ TCP
// server) or a fixed-IP DTU in server mode, for the gateway's outbound channels.
// As a DTU, it can send its registration packet on accept and heartbeat periodically, in
// the formats of a configured link. Tests can stop heartbeats and answers to make the
// gateway time the link out.
import type { Socket } from 'node:net';
import type { LinkConfig } from '../domain/config.js';
import type { InboundEvent, InboundReader } from './inbound.js';
import { ListeningServer, type SimServerOptions } from './listening-server.js';
import { heartbeatPacket, outboundFormat, responsePacket, type OutboundFormat } from './outbound.js';
import { PacketWriter } from './packet-writer.js';
import { registrationBytes } from './registration.js';
import { RtuRequestReader } from './rtu-request-reader.js';
import { parseRequest } from './slave-request.js';
import { TypedReader } from './typed-reader.js';

const DEFAULT_HEARTBEAT_MS = 30_000;
const DEFAULT_FRAME_GAP_MS = 2_000;

export interface RtuOverTcpServerOptions extends SimServerOptions {
  /**
   * Behave as a fixed-IP DTU of this link: registration packet on accept (for `id`, by the
   * link's rule), the link's heartbeat pattern, its framing. Absent: a plain serial device
   * server that only answers.
   */
  readonly link?: LinkConfig | null;
  /** Registration bytes to send instead of the ones the link's rule gives for `id`. */
  readonly registration?: Buffer;
  /** Heartbeat period when the link has a heartbeat (default 30 s); 0 sends none. */
  readonly heartbeatIntervalMs?: number;
  /** Incomplete request bytes older than this are dropped when new bytes arrive (default 2 s). */
  readonly frameGapMs?: number;
}

interface Connection {
  readonly socket: Socket;
  readonly writer: PacketWriter;
  heartbeat: NodeJS.Timeout | null;
}

export class RtuOverTcpServer extends ListeningServer {
  private readonly format: OutboundFormat;
  private readonly registration: Buffer | null;
  private readonly heartbeat: Buffer | null;
  private readonly open = new Set<Connection>();
  private heartbeatsPaused = false;
  private answering = true;

  constructor(protected override readonly options: RtuOverTcpServerOptions) {
    super(options);
    const link = options.link ?? null;
    this.registration = link
      ? (options.registration ?? registrationBytes(link.registration, options.id ?? 'SIM'))
      : null;
    this.format =
      link && this.registration ? outboundFormat(link, this.registration) : { prefix: null, typed: null, mbap: false };
    const pattern = options.profile?.heartbeat?.pattern ?? link?.heartbeat?.pattern ?? null;
    this.heartbeat = link ? heartbeatPacket(this.format, pattern) : null;
  }

  /** Heartbeats stop on every connection (and new ones), as a DTU whose link is dying. */
  stopHeartbeats(): void {
    this.heartbeatsPaused = true;
    for (const conn of this.open) this.cancelHeartbeat(conn);
  }

  resumeHeartbeats(): void {
    this.heartbeatsPaused = false;
    for (const conn of this.open) this.scheduleHeartbeats(conn);
  }

  /** Requests are read and counted `ignored`, never answered (a hung device). */
  stopAnswering(): void {
    this.answering = false;
  }

  resumeAnswering(): void {
    this.answering = true;
  }

  protected attach(socket: Socket): void {
    const conn: Connection = { socket, writer: new PacketWriter(socket), heartbeat: null };
    this.open.add(conn);
    const gap = this.options.frameGapMs ?? DEFAULT_FRAME_GAP_MS;
    const link = this.options.link ?? null;
    const reader: InboundReader =
      link?.framing === 'typed' && link.typed
        ? new TypedReader(link.typed, gap)
        : new RtuRequestReader(link?.heartbeat?.reply ?? null, gap);
    const onInbound = (event: InboundEvent): void => {
      if (event.kind === 'request') this.onRequest(conn, event.frame);
      else if (event.kind === 'bad-crc') this.counters.badCrc += 1;
    };
    socket.on('data', (chunk: Buffer) => reader.push(chunk, this.now(), onInbound));
    socket.on('close', () => {
      this.cancelHeartbeat(conn);
      conn.writer.clear();
      this.open.delete(conn);
    });
    if (this.registration) this.send(conn.writer, this.registration);
    this.scheduleHeartbeats(conn);
  }

  private onRequest(conn: Connection, frame: Buffer): void {
    const outcome = this.serve(parseRequest(frame));
    if (outcome.kind !== 'answer' || !this.answering) {
      this.counters.ignored += 1;
      return;
    }
    const rtu = outcome.answer.response;
    this.afterDelay(conn.socket, () => {
      this.send(conn.writer, responsePacket(this.format, rtu));
      this.countResponse(rtu[1]!);
    });
  }

  private scheduleHeartbeats(conn: Connection): void {
    const every = this.options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_MS;
    const packet = this.heartbeat;
    if (!packet || every <= 0 || this.heartbeatsPaused || conn.heartbeat) return;
    conn.heartbeat = setInterval(() => {
      this.counters.heartbeats += 1;
      this.send(conn.writer, packet);
    }, every);
  }

  private cancelHeartbeat(conn: Connection): void {
    if (conn.heartbeat) clearInterval(conn.heartbeat);
    conn.heartbeat = null;
  }
}

/** Starts a raw RTU-over-TCP server; resolves once it listens. */
export async function startRtuOverTcpServer(options: RtuOverTcpServerOptions = {}): Promise<RtuOverTcpServer> {
  const server = new RtuOverTcpServer(options);
  await server.start();
  return server;
}
