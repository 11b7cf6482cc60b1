// Request frames as the master sends them, and the parser the simulator (a slave) and the
// tests use to read them back. RTU frame: slave, function, PDU fields big-endian, CRC low
// byte first.

import type { ReadFunction } from '../../domain/point.js';
import { hasValidCrc, writeCrc } from './crc.js';
import {
  COIL_OFF,
  COIL_ON,
  MAX_SLAVE_ADDRESS,
  MAX_WRITE_COILS,
  MAX_WRITE_REGISTERS,
  type ModbusFunction,
  isModbusFunction,
  isReadFunction,
  maxReadQuantity,
} from './functions.js';

// ---------------------------------------------------------------- encoding

export function encodeReadRequest(slave: number, fn: ReadFunction, address: number, quantity: number): Buffer {
  if (!isReadFunction(fn)) throw new RangeError(`function code ${String(fn)} is not a read function (1, 2, 3 or 4)`);
  // A broadcast gets no answer, so a read to address 0 could only ever time out.
  checkSlave(slave, 1);
  checkRange(address, quantity, maxReadQuantity(fn), `fc${fn} read`);
  const frame = Buffer.allocUnsafe(8);
  frame[0] = slave;
  frame[1] = fn;
  frame.writeUInt16BE(address, 2);
  frame.writeUInt16BE(quantity, 4);
  writeCrc(frame, 6);
  return frame;
}

export function encodeWriteSingleCoil(slave: number, address: number, on: boolean): Buffer {
  checkSlave(slave, 0);
  checkAddress(address);
  return encodeSingleWrite(slave, 5, address, on ? COIL_ON : COIL_OFF);
}

export function encodeWriteSingleRegister(slave: number, address: number, value: number): Buffer {
  checkSlave(slave, 0);
  checkAddress(address);
  checkRegisterValue(value, 0);
  return encodeSingleWrite(slave, 6, address, value);
}

export function encodeWriteMultipleCoils(slave: number, address: number, values: readonly boolean[]): Buffer {
  checkSlave(slave, 0);
  checkRange(address, values.length, MAX_WRITE_COILS, 'fc15 write');
  const byteCount = (values.length + 7) >>> 3;
  const frame = Buffer.alloc(9 + byteCount);
  writeMultipleHeader(frame, slave, 15, address, values.length, byteCount);
  // Coils are packed LSB first: the first coil is bit 0 of the first data byte.
  for (let i = 0; i < values.length; i++) {
    if (values[i]) frame[7 + (i >>> 3)]! |= 1 << (i & 7);
  }
  writeCrc(frame, 7 + byteCount);
  return frame;
}

export function encodeWriteMultipleRegisters(slave: number, address: number, values: readonly number[]): Buffer {
  checkSlave(slave, 0);
  checkRange(address, values.length, MAX_WRITE_REGISTERS, 'fc16 write');
  const byteCount = values.length * 2;
  const frame = Buffer.allocUnsafe(9 + byteCount);
  writeMultipleHeader(frame, slave, 16, address, values.length, byteCount);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    checkRegisterValue(value, i);
    frame.writeUInt16BE(value, 7 + 2 * i);
  }
  writeCrc(frame, 7 + byteCount);
  return frame;
}

function encodeSingleWrite(slave: number, fn: 5 | 6, address: number, value: number): Buffer {
  const frame = Buffer.allocUnsafe(8);
  frame[0] = slave;
  frame[1] = fn;
  frame.writeUInt16BE(address, 2);
  frame.writeUInt16BE(value, 4);
  writeCrc(frame, 6);
  return frame;
}

function writeMultipleHeader(
  frame: Buffer,
  slave: number,
  fn: 15 | 16,
  address: number,
  quantity: number,
  byteCount: number,
): void {
  frame[0] = slave;
  frame[1] = fn;
  frame.writeUInt16BE(address, 2);
  frame.writeUInt16BE(quantity, 4);
  frame[6] = byteCount;
}

function checkSlave(slave: number, min: 0 | 1): void {
  if (!Number.isInteger(slave) || slave < min || slave > MAX_SLAVE_ADDRESS) {
    const why = min === 1 ? ' (0 is broadcast, which never answers a read)' : '';
    throw new RangeError(`slave address must be an integer ${min}..${MAX_SLAVE_ADDRESS}${why}, got ${String(slave)}`);
  }
}

function checkAddress(address: number): void {
  if (!Number.isInteger(address) || address < 0 || address > 0xffff) {
    throw new RangeError(`address must be an integer 0..65535, got ${String(address)}`);
  }
}

function checkRange(address: number, quantity: number, max: number, what: string): void {
  checkAddress(address);
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > max) {
    throw new RangeError(`${what} quantity must be an integer 1..${max}, got ${String(quantity)}`);
  }
  if (address + quantity > 0x10000) {
    throw new RangeError(`${what} of ${quantity} from address ${address} runs past address 65535`);
  }
}

function checkRegisterValue(value: number, index: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new RangeError(`register value #${index} must be an integer 0..65535, got ${String(value)}`);
  }
}

// ---------------------------------------------------------------- parsing

export interface ModbusRequest {
  readonly slave: number;
  readonly fn: ModbusFunction;
  readonly address: number;
  /** Registers or bits addressed; 1 for fc 5 and 6. */
  readonly quantity: number;
  /** Values written: register words (fc 6/16) or coil states as 0/1 (fc 5/15); empty for reads. */
  readonly values: readonly number[];
  /** Frame length in bytes, CRC included. */
  readonly length: number;
}

export type RequestScan =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'request'; readonly length: number }
  /** The function code is unknown, so the frame length cannot be told. */
  | { readonly kind: 'unknown-function'; readonly fn: number };

const INCOMPLETE: RequestScan = Object.freeze({ kind: 'incomplete' });

/**
 * Finds the length of the request frame at `buf[start]` from its function code (and
 * byte count for fc 15/16), for a slave reading requests off a byte stream.
 */
export function scanRequest(buf: Uint8Array, start: number, end: number): RequestScan {
  if (end - start < 2) return INCOMPLETE;
  const fn = buf[start + 1]!;
  if (fn === 15 || fn === 16) {
    if (end - start < 7) return INCOMPLETE;
    const length = 9 + buf[start + 6]!;
    return end - start < length ? INCOMPLETE : { kind: 'request', length };
  }
  if (!isModbusFunction(fn)) return { kind: 'unknown-function', fn };
  return end - start < 8 ? INCOMPLETE : { kind: 'request', length: 8 };
}

/**
 * Parses one whole request frame `buf[start, end)`. Throws a RangeError when the frame is
 * malformed (length, CRC, byte count). Quantity limits and address ranges are left to the
 * caller, which answers them with exception 3 or 2 as a real slave would.
 */
export function parseRequest(buf: Uint8Array, start = 0, end = buf.length): ModbusRequest {
  const length = end - start;
  if (length < 8) throw new RangeError(`a request frame has at least 8 bytes, got ${length}`);
  if (!hasValidCrc(buf, start, end)) throw new RangeError('request CRC does not match');
  const slave = buf[start]!;
  const fn = buf[start + 1]!;
  const address = readU16(buf, start + 2);
  const field = readU16(buf, start + 4);
  if (isReadFunction(fn)) {
    expectLength(length, 8, fn);
    return { slave, fn, address, quantity: field, values: [], length };
  }
  if (fn === 5) {
    expectLength(length, 8, fn);
    if (field !== COIL_ON && field !== COIL_OFF) {
      throw new RangeError(`fc5 coil value must be 0xff00 or 0x0000, got 0x${field.toString(16)}`);
    }
    return { slave, fn, address, quantity: 1, values: [field === COIL_ON ? 1 : 0], length };
  }
  if (fn === 6) {
    expectLength(length, 8, fn);
    return { slave, fn, address, quantity: 1, values: [field], length };
  }
  if (fn === 15 || fn === 16) {
    const byteCount = buf[start + 6]!;
    expectLength(length, 9 + byteCount, fn);
    const wanted = fn === 15 ? (field + 7) >>> 3 : field * 2;
    if (byteCount !== wanted) {
      throw new RangeError(`fc${fn} byte count ${byteCount} does not match quantity ${field}`);
    }
    const values: number[] = new Array<number>(field);
    for (let i = 0; i < field; i++) {
      values[i] = fn === 15 ? (buf[start + 7 + (i >>> 3)]! >>> (i & 7)) & 1 : readU16(buf, start + 7 + 2 * i);
    }
    return { slave, fn, address, quantity: field, values, length };
  }
  throw new RangeError(`unknown function code ${fn}`);
}

function expectLength(length: number, wanted: number, fn: number): void {
  if (length !== wanted) throw new RangeError(`fc${fn} request has ${wanted} bytes, got ${length}`);
}

function readU16(buf: Uint8Array, at: number): number {
  return (buf[at]! << 8) | buf[at + 1]!;
}
