// Modbus RTU requests as a slave sees them: how long a frame is (TCP delivers bytes, not
// frames) and what it asks for. Private to the simulator so it stays an independent
// reading of the protocol from the gateway's master-side codec.
import { writeCrc } from '../protocol/modbus/crc.js';

export interface SlaveRequest {
  readonly slave: number;
  readonly fn: number;
  /** Start address (0 for function codes the simulator does not implement). */
  readonly address: number;
  /** Registers or bits addressed; 1 for fc 05/06. */
  readonly quantity: number;
  /** fc 05: [0 | 1], or [-1] for a value other than FF00/0000; fc 06: [word]; fc 15: bits as 0/1; fc 16: words; reads: []. */
  readonly values: readonly number[];
  /** The whole frame, CRC included. */
  readonly frame: Buffer;
  /** The MBAP transaction the request came in (a DTU in Modbus TCP mode answers under it). */
  readonly transactionId?: number;
}

export const SUPPORTED_FUNCTIONS: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 15, 16]);

/** Longest RTU frame on the bus (address + PDU of 253 + CRC). */
export const MAX_RTU_FRAME = 256;

/**
 * Length of the request starting at `buf[start]`: a number of bytes, `need-more` when
 * the header is incomplete, or `unknown` for a function code whose length only a CRC
 * scan can tell.
 */
export function requestLength(buf: Uint8Array, start: number, end: number): number | 'need-more' | 'unknown' {
  if (end - start < 2) return 'need-more';
  const fn = buf[start + 1]!;
  if (fn >= 1 && fn <= 6) return 8;
  if (fn === 15 || fn === 16) {
    if (end - start < 7) return 'need-more';
    return 9 + buf[start + 6]!;
  }
  return 'unknown';
}

/** Fields of a frame whose CRC has already been checked. */
export function parseRequest(frame: Buffer, transactionId?: number): SlaveRequest {
  const request = parseFrame(frame);
  return transactionId === undefined ? request : { ...request, transactionId };
}

function parseFrame(frame: Buffer): SlaveRequest {
  const slave = frame[0]!;
  const fn = frame[1]!;
  if (!SUPPORTED_FUNCTIONS.has(fn) || frame.length < 8) {
    return { slave, fn, address: 0, quantity: 0, values: [], frame };
  }
  const address = frame.readUInt16BE(2);
  const word = frame.readUInt16BE(4);
  switch (fn) {
    case 5:
      return { slave, fn, address, quantity: 1, values: [word === 0xff00 ? 1 : word === 0 ? 0 : -1], frame };
    case 6:
      return { slave, fn, address, quantity: 1, values: [word], frame };
    case 15:
      return { slave, fn, address, quantity: word, values: unpackBits(frame, 7, frame.length - 2, word), frame };
    case 16:
      return { slave, fn, address, quantity: word, values: unpackWords(frame, 7, frame.length - 2), frame };
    default:
      return { slave, fn, address, quantity: word, values: [], frame };
  }
}

function unpackBits(frame: Buffer, start: number, end: number, count: number): number[] {
  const bits: number[] = [];
  for (let i = 0; i < count && start + (i >>> 3) < end; i++) bits.push((frame[start + (i >>> 3)]! >>> (i & 7)) & 1);
  return bits;
}

function unpackWords(frame: Buffer, start: number, end: number): number[] {
  const words: number[] = [];
  for (let i = start; i + 1 < end; i += 2) words.push(frame.readUInt16BE(i));
  return words;
}

/** A read request frame, as the master would send it (used for unsolicited pushes). */
export function readRequestFrame(slave: number, fn: number, address: number, quantity: number): Buffer {
  const frame = Buffer.alloc(8);
  frame[0] = slave;
  frame[1] = fn;
  frame.writeUInt16BE(address, 2);
  frame.writeUInt16BE(quantity, 4);
  writeCrc(frame, 6);
  return frame;
}
