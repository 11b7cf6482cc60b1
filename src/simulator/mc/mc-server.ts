// A simulated MELSEC CPU's Ethernet port speaking the MC protocol's 3E and 4E frames, in binary or
// ASCII code (one per port, as the module's settings choose): batch read and batch write
// (commands 0401 and 1401) in word and bit units over the device memory of mc-memory.ts,
// answering end codes for what a CPU refuses. Tests and `dtuhub simulate --serve mc` use it.
import type { Socket } from 'node:net';
import type { Logger } from '../../log.js';
import { SimulatorPort, type PortAddress } from '../tcp-port.js';
import { McMemory, type SimDeviceKind } from './mc-memory.js';
import { SimRequestReader, h, simAnswer, type SimFrameCode, type SimMcRequest } from './mc-requests.js';

/** End codes the simulated CPU answers (SH-080008, "Error codes"). */
export const SIM_END_CODES = {
  /** ASCII data that is not hexadecimal. */
  notHex: 0xc050,
  /** Number of points outside 1–960 words, or bits beyond the port's limit (MAX_BITS). */
  pointCount: 0xc051,
  /** The devices asked for run past the device kind's end. */
  beyondRange: 0xc056,
  /** A command or subcommand the CPU does not have. */
  command: 0xc059,
  /** A device code the CPU does not have, or bit units on a word device. */
  device: 0xc05c,
  /** Write data whose size does not match the number of points. */
  dataLength: 0xc061,
} as const;

/**
 * Most bits one batch read or write carries through a Q/L Ethernet port: 3,584 in ASCII code,
 * 7,168 in binary (reference manual, appendix "Number of Processing per One Communication").
 */
export const MAX_BITS: Readonly<Record<SimFrameCode, number>> = { ascii: 3584, binary: 7168 };

export interface McServerOptions extends PortAddress {
  readonly code?: SimFrameCode;
  readonly log?: Logger;
}

export interface McServerFaults {
  /** Answer this long after the request. */
  readonly responseDelayMs?: number;
  /**
   * The next requests' delays, one each in order, before responseDelayMs applies again: one
   * answer made late and the next on time, whenever the test got to set them.
   */
  readonly nextDelaysMs?: readonly number[];
  /** Read requests and answer nothing (a CPU in STOP behind a converter, a wrong port). */
  readonly silent?: boolean;
}

export interface McServerCounters {
  connections: number;
  requests: number;
  responses: number;
  /** Answers with an end code other than 0. */
  errors: number;
  /** Connections closed for bytes that are not a 3E or 4E request. */
  badHeaders: number;
}

export class McServer extends SimulatorPort {
  readonly memory = new McMemory();
  readonly counters: McServerCounters = { connections: 0, requests: 0, responses: 0, errors: 0, badHeaders: 0 };
  private faults: McServerFaults = {};

  constructor(private readonly options: McServerOptions = {}) {
    super(options);
  }

  get code(): SimFrameCode {
    return this.options.code ?? 'binary';
  }

  setFaults(faults: McServerFaults): void {
    this.faults = { ...this.faults, ...faults };
  }

  /** The answer to one whole request frame, or null for silence: also what tests feed directly. */
  answer(frame: Buffer): Buffer | null {
    let out: Buffer | null = null;
    new SimRequestReader(this.code).push(frame, (event) => {
      if (event.kind === 'request' && event.route) out = this.respond(event.request, event.route, event.serial);
    });
    return out;
  }

  protected accept(socket: Socket): void {
    this.counters.connections += 1;
    const reader = new SimRequestReader(this.code);
    socket.on('error', (err) => this.options.log?.debug({ err }, 'simulated MC port: socket error'));
    socket.on('data', (chunk: Buffer) =>
      reader.push(chunk, (event) => {
        if (event.kind === 'bad-header') {
          this.counters.badHeaders += 1;
          socket.destroy();
          return;
        }
        if (!event.route || this.faults.silent) return;
        const answer = this.respond(event.request, event.route, event.serial);
        this.later(socket, this.nextDelay(), () => socket.write(answer));
      }),
    );
  }

  private nextDelay(): number {
    const [next, ...rest] = this.faults.nextDelaysMs ?? [];
    if (next === undefined) return this.faults.responseDelayMs ?? 0;
    this.faults = { ...this.faults, nextDelaysMs: rest };
    return next;
  }

  /** `serial`: a 4E request's serial number, carried back; null for 3E. */
  private respond(request: SimMcRequest | null, route: SimMcRequest['route'], serial: number | null): Buffer {
    this.counters.requests += 1;
    this.counters.responses += 1;
    const result = request ? this.execute(request) : SIM_END_CODES.dataLength;
    if (typeof result !== 'number') return simAnswer(this.code, route, 0, result, serial);
    this.counters.errors += 1;
    return simAnswer(this.code, route, result, this.errorInformation(request, route), serial);
  }

  /** What follows a non-zero end code: the failed request's route, command and subcommand. */
  private errorInformation(request: SimMcRequest | null, route: SimMcRequest['route']): Buffer | string {
    const command = request?.command ?? 0;
    const sub = request?.subcommand ?? 0;
    if (this.code === 'ascii')
      return h(route.network, 2) + h(route.pc, 2) + h(route.io, 4) + h(route.station, 2) + h(command, 4) + h(sub, 4);
    const out = Buffer.alloc(9);
    out.writeUInt8(route.network, 0);
    out.writeUInt8(route.pc, 1);
    out.writeUInt16LE(route.io, 2);
    out.writeUInt8(route.station, 4);
    out.writeUInt16LE(command, 5);
    out.writeUInt16LE(sub, 7);
    return out;
  }

  /** Read data (encoded for the port's code), empty for a write, or an end code. */
  private execute(r: SimMcRequest): Buffer | string | number {
    const write = r.command === 0x1401;
    if ((r.command !== 0x0401 && !write) || (r.subcommand !== 0 && r.subcommand !== 1)) return SIM_END_CODES.command;
    const kind = r.kind;
    const bitUnits = r.subcommand === 1;
    if (!kind || r.head < 0 || (bitUnits && !kind.bits)) return SIM_END_CODES.device;
    if (r.points < 1 || r.points > (bitUnits ? MAX_BITS[this.code] : 960)) return SIM_END_CODES.pointCount;
    // In word units a bit device gives 16 devices per point.
    const span = bitUnits || !kind.bits ? r.points : r.points * 16;
    if (!this.memory.fits(kind, r.head, span)) return SIM_END_CODES.beyondRange;
    if (write) {
      const values = this.writeValues(r, bitUnits);
      if (typeof values === 'number') return values;
      values.forEach((v, i) => this.put(kind, r.head, i, bitUnits, v));
      return this.code === 'binary' ? Buffer.alloc(0) : '';
    }
    const values = Array.from({ length: r.points }, (_, i) => this.get(kind, r.head, i, bitUnits));
    return this.encode(values, bitUnits);
  }

  private get(kind: SimDeviceKind, head: number, i: number, bitUnits: boolean): number {
    if (bitUnits) return this.memory.bit(kind.name, head + i);
    return this.memory.word(kind.name, kind.bits ? head + i * 16 : head + i);
  }

  private put(kind: SimDeviceKind, head: number, i: number, bitUnits: boolean, value: number): void {
    if (bitUnits) this.memory.setBit(kind.name, head + i, value);
    else this.memory.setWord(kind.name, kind.bits ? head + i * 16 : head + i, value);
  }

  private encode(values: number[], bitUnits: boolean): Buffer | string {
    if (this.code === 'ascii') return values.map((v) => (bitUnits ? (v ? '1' : '0') : h(v, 4))).join('');
    if (!bitUnits) {
      const out = Buffer.alloc(values.length * 2);
      values.forEach((v, i) => out.writeUInt16LE(v, i * 2));
      return out;
    }
    const out = Buffer.alloc(Math.ceil(values.length / 2));
    values.forEach((v, i) => {
      if (v) out[i >> 1]! |= i % 2 === 0 ? 0x10 : 0x01;
    });
    return out;
  }

  private writeValues(r: SimMcRequest, bitUnits: boolean): number[] | number {
    const { data, points } = r;
    if (this.code === 'binary') {
      const expected = bitUnits ? Math.ceil(points / 2) : points * 2;
      if (data.length !== expected) return SIM_END_CODES.dataLength;
      return Array.from({ length: points }, (_, i) =>
        bitUnits ? (data[i >> 1]! >> (i % 2 === 0 ? 4 : 0)) & 1 : data.readUInt16LE(i * 2),
      );
    }
    const text = data.toString('latin1');
    if (text.length !== (bitUnits ? points : points * 4)) return SIM_END_CODES.dataLength;
    if (!(bitUnits ? /^[01]*$/ : /^[0-9A-F]*$/).test(text)) return SIM_END_CODES.notHex;
    return Array.from({ length: points }, (_, i) =>
      bitUnits ? Number(text[i]) : parseInt(text.slice(i * 4, i * 4 + 4), 16),
    );
  }
}

/** Starts a simulated MC port; resolves once it listens. */
export async function startMcServer(options: McServerOptions = {}): Promise<McServer> {
  const server = new McServer(options);
  await server.start();
  return server;
}
