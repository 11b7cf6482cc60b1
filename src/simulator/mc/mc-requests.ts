// A simulated PLC port's side of the 3E and 4E frames: requests cut from the TCP stream and
// parsed, and answers built — written from the frame layout apart from protocol/mc (see
// mc-memory.ts). A port is set to binary or ASCII code, as on a real Ethernet module, and
// takes either frame on the same connection: a 4E request (subheader 5400, serial, 0000) is
// the 3E request behind those six bytes (twelve characters), answered D400 with its serial.
import { SIM_DEVICE_KINDS, type SimDeviceKind } from './mc-memory.js';

export type SimFrameCode = 'binary' | 'ascii';

/** The request's routing fields, echoed in the answer. */
export interface SimRoute {
  readonly network: number;
  readonly pc: number;
  readonly io: number;
  readonly station: number;
}

export interface SimMcRequest {
  readonly route: SimRoute;
  readonly command: number;
  readonly subcommand: number;
  /** null: a device code the PLC does not have. */
  readonly kind: SimDeviceKind | null;
  readonly head: number;
  readonly points: number;
  /** What follows the point count: write data, still encoded (bytes or characters). */
  readonly data: Buffer;
}

/** Longest request accepted: a 960-word write in ASCII is 3,902 characters. */
const MAX_REQUEST = 4096;

export type SimInbound =
  | {
      readonly kind: 'request';
      readonly request: SimMcRequest | null;
      readonly route: SimRoute | null;
      /** 4E: the request's serial number, for the answer; 3E: null. */
      readonly serial: number | null;
    }
  | { readonly kind: 'bad-header' };

/** Cuts requests from the stream; anything but a 3E or 4E request header ends the connection. */
export class SimRequestReader {
  private buffer = Buffer.alloc(0);

  constructor(private readonly code: SimFrameCode) {}

  push(chunk: Buffer, on: (event: SimInbound) => void): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const headerSize = this.code === 'binary' ? 9 : 18;
    while (this.buffer.length >= headerSize) {
      // 4E: the serial and 0000 sit between the subheader and the 3E header's network number.
      const serialPart = this.is4e() ? (this.code === 'binary' ? 4 : 8) : 0;
      if (this.buffer.length < headerSize + serialPart) return;
      const length = this.length(serialPart);
      if (length === null || headerSize + serialPart + length > MAX_REQUEST) {
        this.buffer = Buffer.alloc(0);
        on({ kind: 'bad-header' });
        return;
      }
      if (this.buffer.length < headerSize + serialPart + length) return;
      const frame = this.buffer.subarray(0, headerSize + serialPart + length);
      this.buffer = this.buffer.subarray(headerSize + serialPart + length);
      const serial = serialPart === 0 ? null : this.serialOf(frame);
      const as3e = serialPart === 0 ? frame : this.without4e(frame);
      on({ ...(this.code === 'binary' ? parseBinary(as3e) : parseAscii(as3e)), serial });
    }
  }

  private is4e(): boolean {
    const b = this.buffer;
    return this.code === 'binary' ? b[0] === 0x54 && b[1] === 0x00 : b.toString('latin1', 0, 4) === '5400';
  }

  private length(serialPart: number): number | null {
    const b = this.buffer;
    if (this.code === 'binary') {
      const sub = serialPart === 0 ? b[0] === 0x50 && b[1] === 0x00 : b.readUInt16LE(4) === 0;
      return sub ? b.readUInt16LE(7 + serialPart) : null;
    }
    const text = b.toString('latin1', 0, 18 + serialPart);
    const header = serialPart === 0 ? /^5000[0-9A-F]{14}$/ : /^5400[0-9A-F]{4}0000[0-9A-F]{14}$/;
    return header.test(text) ? parseInt(text.slice(-4), 16) : null;
  }

  private serialOf(frame: Buffer): number {
    return this.code === 'binary' ? frame.readUInt16LE(2) : parseInt(frame.toString('latin1', 4, 8), 16);
  }

  /** The 3E request inside a 4E one: subheader 5000 and the rest after serial + 0000. */
  private without4e(frame: Buffer): Buffer {
    return this.code === 'binary'
      ? Buffer.concat([Buffer.from([0x50, 0x00]), frame.subarray(6)])
      : Buffer.concat([Buffer.from('5000', 'latin1'), frame.subarray(12)]);
  }
}

type SimRequestEvent = Omit<Extract<SimInbound, { kind: 'request' }>, 'serial'>;

function parseBinary(frame: Buffer): SimRequestEvent {
  const route = { network: frame[2]!, pc: frame[3]!, io: frame.readUInt16LE(4), station: frame[6]! };
  if (frame.length < 21) return { kind: 'request', request: null, route };
  const request = {
    route,
    command: frame.readUInt16LE(11),
    subcommand: frame.readUInt16LE(13),
    head: frame.readUIntLE(15, 3),
    kind: SIM_DEVICE_KINDS.find((k) => k.binaryCode === frame[18]) ?? null,
    points: frame.readUInt16LE(19),
    data: frame.subarray(21),
  };
  return { kind: 'request', request, route };
}

function parseAscii(frame: Buffer): SimRequestEvent {
  const text = frame.toString('latin1');
  const route = {
    network: parseInt(text.slice(4, 6), 16),
    pc: parseInt(text.slice(6, 8), 16),
    io: parseInt(text.slice(8, 12), 16),
    station: parseInt(text.slice(12, 14), 16),
  };
  const fields = /^([0-9A-F]{4})([0-9A-F]{4})([0-9A-F]{4})(..)([0-9A-F]{6})([0-9A-F]{4})/.exec(text.slice(18));
  if (!fields) return { kind: 'request', request: null, route };
  const [, , command, subcommand, deviceCode, head, points] = fields;
  const kind = SIM_DEVICE_KINDS.find((k) => k.asciiCode === deviceCode) ?? null;
  // The head number is decimal or hexadecimal text, as the device kind numbers its devices.
  const number =
    kind && (kind.radix === 10 ? /^\d{6}$/ : /^[0-9A-F]{6}$/).test(head!) ? parseInt(head!, kind.radix) : -1;
  return {
    kind: 'request',
    route,
    request: {
      route,
      command: parseInt(command!, 16),
      subcommand: parseInt(subcommand!, 16),
      kind,
      head: number,
      points: parseInt(points!, 16),
      data: frame.subarray(18 + 24),
    },
  };
}

/**
 * An answer: the route echoed, the end code, then data (or the error information); in a 4E
 * frame (serial given) behind subheader D400, the serial and 0000.
 */
export function simAnswer(
  code: SimFrameCode,
  route: SimRoute,
  endCode: number,
  data: Buffer | string,
  serial: number | null = null,
): Buffer {
  const answer = simAnswer3e(code, route, endCode, data);
  if (serial === null) return answer;
  if (code === 'ascii') return Buffer.concat([Buffer.from(`D400${h(serial, 4)}0000`, 'latin1'), answer.subarray(4)]);
  return Buffer.concat([Buffer.from([0xd4, 0x00, serial & 0xff, serial >> 8, 0, 0]), answer.subarray(2)]);
}

function simAnswer3e(code: SimFrameCode, route: SimRoute, endCode: number, data: Buffer | string): Buffer {
  if (code === 'binary') {
    const body = Buffer.concat([Buffer.from([endCode & 0xff, endCode >> 8]), data as Buffer]);
    const header = Buffer.from([
      0xd0,
      0x00,
      route.network,
      route.pc,
      route.io & 0xff,
      route.io >> 8,
      route.station,
      0,
      0,
    ]);
    header.writeUInt16LE(body.length, 7);
    return Buffer.concat([header, body]);
  }
  const body = h(endCode, 4) + (data as string);
  return Buffer.from(
    `D000${h(route.network, 2)}${h(route.pc, 2)}${h(route.io, 4)}${h(route.station, 2)}${h(body.length, 4)}${body}`,
    'latin1',
  );
}

export function h(n: number, digits: number): string {
  return n.toString(16).toUpperCase().padStart(digits, '0');
}
