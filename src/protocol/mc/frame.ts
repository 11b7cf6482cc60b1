// The 3E and 4E frames of the MC protocol (SH-080008; iQ-R reference manual §5), binary and
// ASCII: the header every request and response carries, and the request encoder. Binary
// numbers are little endian; ASCII sends the same fields as upper-case hex text, most
// significant digit first.
//
//   3E request   5000                 | network | PC | module I/O | station | length | timer | command | subcommand | body
//   3E response  D000                 | network | PC | module I/O | station | length | end code | data
//   4E request   5400 | serial | 0000 | (the 3E request from `network` on)
//   4E response  D400 | serial | 0000 | (the 3E response from `network` on)
//
// `length` counts what follows it: from the monitoring timer (request) or the end code
// (response) to the end, in bytes (binary) or characters (ASCII). The 4E serial is any
// number the client picks; the answer carries it back, so an answer names its request.
import type { McDeviceKind } from './devices.js';

export type McFrameFormat = 'binary' | 'ascii';
/** 3E: no serial number; 4E: the 3E frame with a serial number in front. */
export type McFrameType = '3e' | '4e';

/** Who the request is for: the connected station itself unless a network route is given. */
export interface McDestination {
  /** 0: the station the connection reaches. */
  readonly network: number;
  /** 0xFF: the connected station's own CPU. */
  readonly pc: number;
  /** 0x03FF: the CPU module (own station). */
  readonly moduleIo: number;
  readonly station: number;
}

export const OWN_STATION: McDestination = { network: 0, pc: 0xff, moduleIo: 0x03ff, station: 0 };

export const MC_COMMAND = { batchRead: 0x0401, batchWrite: 0x1401 } as const;
export type McCommand = (typeof MC_COMMAND)[keyof typeof MC_COMMAND];
/** Subcommand 0000: word units (16 bits of a bit device per word); 0001: bit units. */
export const MC_SUBCOMMAND = { word: 0x0000, bit: 0x0001 } as const;
export type McUnit = keyof typeof MC_SUBCOMMAND;

/**
 * Points one 3E or 4E request may read or write to a Q/L CPU: 960 words; 3,584 bits in ASCII code
 * (binary allows 7,168, but 3,584 holds in both codes and keeps answers within the stream
 * limit of stream.ts). Reference manual appendix "Number of Processing per One Communication".
 */
export const MAX_WORD_POINTS = 960;
export const MAX_BIT_POINTS = 3584;

/** Bytes (binary) or characters (ASCII) before the length field's value starts counting, in a 3E frame. */
export const HEADER_LENGTH: Readonly<Record<McFrameFormat, number>> = { binary: 9, ascii: 18 };
/** What a 4E frame puts between the subheader and the network number: serial + 0000. */
const SERIAL_PART: Readonly<Record<McFrameFormat, number>> = { binary: 4, ascii: 8 };

/** Where the network number starts: after the subheader, and in 4E after serial + 0000. */
export function routeOffset(format: McFrameFormat, frame: McFrameType): number {
  return (format === 'binary' ? 2 : 4) + (frame === '4e' ? SERIAL_PART[format] : 0);
}

/** Bytes or characters up to and including the length field. */
export function headerLength(format: McFrameFormat, frame: McFrameType): number {
  return HEADER_LENGTH[format] + (frame === '4e' ? SERIAL_PART[format] : 0);
}

/** Serial numbers are two bytes: 0 to FFFFH. */
export const MAX_SERIAL = 0xffff;
/** The end code's size: 2 bytes or 4 characters. */
export const END_CODE_LENGTH: Readonly<Record<McFrameFormat, number>> = { binary: 2, ascii: 4 };

export interface McRequest {
  readonly command: McCommand;
  readonly unit: McUnit;
  readonly kind: McDeviceKind;
  readonly head: number;
  readonly points: number;
  /** Batch write: one word per point (word units) or 0/1 per point (bit units). */
  readonly values?: readonly number[];
}

export interface McRequestOptions {
  readonly destination?: McDestination;
  /** How long the PLC may take before it answers with an error itself, in 250 ms units; 0 waits forever. */
  readonly monitoringTimer: number;
  /** 3E unless given. */
  readonly frame?: McFrameType;
  /** 4E: the serial number the answer will carry back (0 to FFFFH). */
  readonly serial?: number;
}

/** The request's bytes: binary, or ASCII text as bytes. */
export function encodeRequest(format: McFrameFormat, request: McRequest, options: McRequestOptions): Buffer {
  checkRequest(request);
  const destination = options.destination ?? OWN_STATION;
  const serial = options.serial ?? 0;
  if (!Number.isInteger(serial) || serial < 0 || serial > MAX_SERIAL)
    throw new RangeError(`a 4E serial number is 0 to ${MAX_SERIAL}, not ${serial}`);
  const frame = options.frame ?? '3e';
  const body =
    format === 'binary' ? encodeBinary(request, destination, options) : encodeAscii(request, destination, options);
  return frame === '3e' ? body : withSerial(format, body, serial);
}

/** A 3E request made 4E: subheader 5400, then the serial and 0000, then the rest as it was. */
function withSerial(format: McFrameFormat, request3e: Buffer, serial: number): Buffer {
  if (format === 'ascii')
    return Buffer.concat([Buffer.from(`5400${hex(serial, 4)}0000`, 'latin1'), request3e.subarray(4)]);
  const head = Buffer.alloc(6);
  head.writeUInt16BE(0x5400, 0);
  head.writeUInt16LE(serial, 2);
  return Buffer.concat([head, request3e.subarray(2)]);
}

function checkRequest(r: McRequest): void {
  const max = r.unit === 'word' ? MAX_WORD_POINTS : MAX_BIT_POINTS;
  if (!Number.isInteger(r.points) || r.points < 1 || r.points > max)
    throw new RangeError(`an MC request carries 1 to ${max} points in ${r.unit} units, not ${r.points}`);
  if (r.unit === 'bit' && r.kind.unit !== 'bit') throw new RangeError(`${r.kind.name} is a word device: no bit units`);
  if (r.command === MC_COMMAND.batchWrite && r.values?.length !== r.points)
    throw new RangeError(`a batch write of ${r.points} points needs ${r.points} values`);
}

function encodeBinary(r: McRequest, d: McDestination, o: McRequestOptions): Buffer {
  const data = r.command === MC_COMMAND.batchWrite ? binaryData(r) : Buffer.alloc(0);
  const body = Buffer.alloc(12 + data.length);
  body.writeUInt16LE(o.monitoringTimer, 0);
  body.writeUInt16LE(r.command, 2);
  body.writeUInt16LE(MC_SUBCOMMAND[r.unit], 4);
  body.writeUIntLE(r.head, 6, 3);
  body.writeUInt8(r.kind.binaryCode, 9);
  body.writeUInt16LE(r.points, 10);
  data.copy(body, 12);
  const header = Buffer.alloc(HEADER_LENGTH.binary);
  header.writeUInt16BE(0x5000, 0);
  writeBinaryDestination(header, d);
  header.writeUInt16LE(body.length, 7);
  return Buffer.concat([header, body]);
}

/** Words little endian; bits two to a byte, the first point in the high nibble. */
function binaryData(r: McRequest): Buffer {
  const values = r.values ?? [];
  if (r.unit === 'word') {
    const out = Buffer.alloc(values.length * 2);
    values.forEach((w, i) => out.writeUInt16LE(w & 0xffff, i * 2));
    return out;
  }
  const out = Buffer.alloc(Math.ceil(values.length / 2));
  values.forEach((b, i) => {
    if (b) out[i >> 1]! |= i % 2 === 0 ? 0x10 : 0x01;
  });
  return out;
}

function encodeAscii(r: McRequest, d: McDestination, o: McRequestOptions): Buffer {
  let body =
    hex(o.monitoringTimer, 4) +
    hex(r.command, 4) +
    hex(MC_SUBCOMMAND[r.unit], 4) +
    r.kind.asciiCode +
    r.head.toString(r.kind.radix).toUpperCase().padStart(6, '0') +
    hex(r.points, 4);
  if (r.command === MC_COMMAND.batchWrite) {
    const values = r.values ?? [];
    body +=
      r.unit === 'word' ? values.map((w) => hex(w & 0xffff, 4)).join('') : values.map((b) => (b ? '1' : '0')).join('');
  }
  return Buffer.from('5000' + asciiDestination(d) + hex(body.length, 4) + body, 'latin1');
}

export function writeBinaryDestination(out: Buffer, d: McDestination): void {
  out.writeUInt8(d.network, 2);
  out.writeUInt8(d.pc, 3);
  out.writeUInt16LE(d.moduleIo, 4);
  out.writeUInt8(d.station, 6);
}

export function asciiDestination(d: McDestination): string {
  return hex(d.network, 2) + hex(d.pc, 2) + hex(d.moduleIo, 4) + hex(d.station, 2);
}

export function hex(n: number, digits: number): string {
  return n.toString(16).toUpperCase().padStart(digits, '0');
}

/** Size of a successful answer's data: bytes (binary) or characters (ASCII). */
export function expectedDataLength(format: McFrameFormat, r: Pick<McRequest, 'command' | 'unit' | 'points'>): number {
  if (r.command === MC_COMMAND.batchWrite) return 0;
  if (format === 'binary') return r.unit === 'word' ? r.points * 2 : Math.ceil(r.points / 2);
  return r.unit === 'word' ? r.points * 4 : r.points;
}
