// Checking the bytes received against the request in flight. The bus behind a DTU is
// half-duplex with one request outstanding, so the request alone tells how long the answer
// is: the length never comes from how TCP happened to chunk the bytes.

import { hasValidCrc } from './crc.js';
import { EXCEPTION_FLAG, type ModbusFunction, isModbusFunction, isReadFunction, readByteCount } from './functions.js';

export interface Expectation {
  readonly slave: number;
  readonly fn: ModbusFunction;
  readonly address: number;
  /** Registers or bits requested; 1 for fc 5 and 6. */
  readonly quantity: number;
  /** The encoded request; write responses echo its bytes 2..5. */
  readonly request: Uint8Array;
}

/**
 * Result of looking at `buf[start, end)`. Lengths count from `start`; `dataOffset` is an
 * absolute index into `buf`.
 */
export type ResponseCheck =
  /** Not enough bytes yet to decide. */
  | { readonly kind: 'incomplete' }
  /**
   * A valid normal response. Reads: `dataOffset` is the first data byte (after the byte
   * count) and `dataLength` the byte count. Writes carry no data: both are 0.
   */
  | { readonly kind: 'ok'; readonly length: number; readonly dataOffset: number; readonly dataLength: number }
  | { readonly kind: 'exception'; readonly length: 5; readonly code: number }
  /** The expected shape, but the CRC is wrong (noise, or a heartbeat spliced in). */
  | { readonly kind: 'bad-crc'; readonly length: number }
  /**
   * Not the answer to this request. `length` is the frame's own length when its header
   * tells it (byte count, write echo), else null.
   */
  | {
      readonly kind: 'mismatch';
      readonly reason: 'slave' | 'function' | 'byte-count' | 'echo';
      readonly length: number | null;
    };

const INCOMPLETE: ResponseCheck = Object.freeze({ kind: 'incomplete' });
const WRONG_SLAVE: ResponseCheck = Object.freeze({ kind: 'mismatch', reason: 'slave', length: null });
const WRONG_FUNCTION: ResponseCheck = Object.freeze({ kind: 'mismatch', reason: 'function', length: null });
const WRONG_ECHO: ResponseCheck = Object.freeze({ kind: 'mismatch', reason: 'echo', length: 8 });

/** The expectation for a request built by the encoders in request.ts. */
export function expectationFor(request: Uint8Array): Expectation {
  const fn = request[1] ?? 0;
  if (request.length < 8 || !isModbusFunction(fn)) {
    throw new RangeError('expectationFor needs an encoded Modbus request of at least 8 bytes');
  }
  const quantity = fn === 5 || fn === 6 ? 1 : (request[4]! << 8) | request[5]!;
  return { slave: request[0]!, fn, address: (request[2]! << 8) | request[3]!, quantity, request };
}

/** Length of a normal response in bytes, CRC included. */
export function expectedLength(exp: Expectation): number {
  return isReadFunction(exp.fn) ? 5 + readByteCount(exp.fn, exp.quantity) : 8;
}

export function checkResponse(exp: Expectation, buf: Uint8Array, start: number, end: number): ResponseCheck {
  const available = end - start;
  if (available < 1) return INCOMPLETE;
  if (buf[start] !== exp.slave) return WRONG_SLAVE;
  if (available < 2) return INCOMPLETE;

  const fn = buf[start + 1]!;
  if (fn === (exp.fn | EXCEPTION_FLAG)) {
    if (available < 5) return INCOMPLETE;
    if (!hasValidCrc(buf, start, start + 5)) return { kind: 'bad-crc', length: 5 };
    return { kind: 'exception', length: 5, code: buf[start + 2]! };
  }
  if (fn !== exp.fn) return WRONG_FUNCTION;

  if (isReadFunction(exp.fn)) {
    if (available < 3) return INCOMPLETE;
    const byteCount = buf[start + 2]!;
    if (byteCount !== readByteCount(exp.fn, exp.quantity)) {
      return { kind: 'mismatch', reason: 'byte-count', length: 5 + byteCount };
    }
    const length = 5 + byteCount;
    if (available < length) return INCOMPLETE;
    if (!hasValidCrc(buf, start, start + length)) return { kind: 'bad-crc', length };
    return { kind: 'ok', length, dataOffset: start + 3, dataLength: byteCount };
  }

  // Writes: the slave echoes address and value (fc 5/6) or address and quantity (fc 15/16).
  if (available < 8) return INCOMPLETE;
  if (!hasValidCrc(buf, start, start + 8)) return { kind: 'bad-crc', length: 8 };
  const request = exp.request;
  for (let i = 2; i < 6; i++) {
    if (buf[start + i] !== request[i]) return WRONG_ECHO;
  }
  return { kind: 'ok', length: 8, dataOffset: 0, dataLength: 0 };
}
