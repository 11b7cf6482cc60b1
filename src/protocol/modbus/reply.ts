// Responses as a slave builds them: the simulator answers the gateway with these, and the
// tests check them against frames from an independent implementation.

import { writeCrc } from './crc.js';
import {
  EXCEPTION_FLAG,
  MAX_READ_BITS,
  MAX_READ_REGISTERS,
  MAX_SLAVE_ADDRESS,
  type ModbusFunction,
} from './functions.js';

export function encodeRegistersResponse(slave: number, fn: 3 | 4, registers: ArrayLike<number>): Buffer {
  checkSlave(slave);
  const count = registers.length;
  if (count < 1 || count > MAX_READ_REGISTERS) {
    throw new RangeError(`a register response carries 1..${MAX_READ_REGISTERS} registers, got ${count}`);
  }
  const frame = Buffer.allocUnsafe(5 + 2 * count);
  frame[0] = slave;
  frame[1] = fn;
  frame[2] = 2 * count;
  for (let i = 0; i < count; i++) {
    const value = registers[i]!;
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
      throw new RangeError(`register value #${i} must be an integer 0..65535, got ${String(value)}`);
    }
    frame.writeUInt16BE(value, 3 + 2 * i);
  }
  writeCrc(frame, 3 + 2 * count);
  return frame;
}

/** Bits are packed LSB first; unused high bits of the last byte stay 0. */
export function encodeBitsResponse(slave: number, fn: 1 | 2, bits: ArrayLike<boolean | number>): Buffer {
  checkSlave(slave);
  const count = bits.length;
  if (count < 1 || count > MAX_READ_BITS) {
    throw new RangeError(`a bit response carries 1..${MAX_READ_BITS} bits, got ${count}`);
  }
  const byteCount = (count + 7) >>> 3;
  const frame = Buffer.alloc(5 + byteCount);
  frame[0] = slave;
  frame[1] = fn;
  frame[2] = byteCount;
  for (let i = 0; i < count; i++) {
    if (bits[i]) frame[3 + (i >>> 3)]! |= 1 << (i & 7);
  }
  writeCrc(frame, 3 + byteCount);
  return frame;
}

/** The normal answer to a write: its first six bytes echoed with a fresh CRC. */
export function encodeWriteResponse(request: Uint8Array): Buffer {
  if (request.length < 8) throw new RangeError('a write request has at least 8 bytes');
  const frame = Buffer.allocUnsafe(8);
  frame.set(request.subarray(0, 6), 0);
  writeCrc(frame, 6);
  return frame;
}

export function encodeExceptionResponse(slave: number, fn: ModbusFunction, code: number): Buffer {
  checkSlave(slave);
  if (!Number.isInteger(code) || code < 1 || code > 0xff) {
    throw new RangeError(`exception code must be an integer 1..255, got ${String(code)}`);
  }
  const frame = Buffer.allocUnsafe(5);
  frame[0] = slave;
  frame[1] = fn | EXCEPTION_FLAG;
  frame[2] = code;
  writeCrc(frame, 3);
  return frame;
}

function checkSlave(slave: number): void {
  if (!Number.isInteger(slave) || slave < 1 || slave > MAX_SLAVE_ADDRESS) {
    throw new RangeError(`a responding slave has an address 1..${MAX_SLAVE_ADDRESS}, got ${String(slave)}`);
  }
}
