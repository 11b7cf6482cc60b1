// The slave side of one Modbus transaction: validate the request the way a real device
// does, read or write the register model, and build the response or exception frame.
import { writeCrc } from '../protocol/modbus/crc.js';
import type { RegisterModel } from './register-model.js';
import { SUPPORTED_FUNCTIONS, type SlaveRequest } from './slave-request.js';

export const ILLEGAL_FUNCTION = 1;
export const ILLEGAL_DATA_ADDRESS = 2;
export const ILLEGAL_DATA_VALUE = 3;

export interface Answer {
  readonly response: Buffer;
  /** Words or bits read, values written, or [] for an exception. */
  readonly registers: readonly number[];
}

export interface AnswerOptions {
  /** Reject ranges that touch an address without a point (exception 02). */
  readonly strictAddresses: boolean;
  /** Answer every request to this slave with this exception code instead. */
  readonly exceptionCode: number | null;
}

/** Quantity limits from the Modbus application protocol, per function code. */
const MAX_QUANTITY: Readonly<Record<number, number>> = { 1: 2000, 2: 2000, 3: 125, 4: 125, 15: 1968, 16: 123 };

/** Response to a request addressed to one of our slaves (broadcasts are handled by the caller). */
export function answerRequest(
  model: RegisterModel,
  request: SlaveRequest,
  atMs: number,
  options: AnswerOptions,
): Answer {
  const { slave, fn, address, quantity } = request;
  if (options.exceptionCode !== null) return exception(slave, fn, options.exceptionCode);
  if (!SUPPORTED_FUNCTIONS.has(fn)) return exception(slave, fn, ILLEGAL_FUNCTION);
  const invalid = invalidValue(request);
  if (invalid) return exception(slave, fn, ILLEGAL_DATA_VALUE);
  if (address + quantity > 0x10000) return exception(slave, fn, ILLEGAL_DATA_ADDRESS);
  if (options.strictAddresses && !model.covers(slave, fn, address, quantity)) {
    return exception(slave, fn, ILLEGAL_DATA_ADDRESS);
  }
  switch (fn) {
    case 1:
    case 2: {
      const bits = model.registers(slave, fn, address, quantity, atMs);
      return { response: bitsResponse(slave, fn, bits), registers: bits };
    }
    case 3:
    case 4: {
      const words = model.registers(slave, fn, address, quantity, atMs);
      return { response: wordsResponse(slave, fn, words), registers: words };
    }
    default:
      applyWrite(model, request);
      return { response: writeResponse(request), registers: request.values };
  }
}

/** Applies a write to the model without answering (broadcasts to slave 0 get no response). */
export function applyWrite(model: RegisterModel, request: SlaveRequest, slave: number = request.slave): void {
  if (request.fn === 5 || request.fn === 6 || request.fn === 15 || request.fn === 16) {
    if (!invalidValue(request)) model.setRegisters(slave, request.fn, request.address, request.values);
  }
}

export function exception(slave: number, fn: number, code: number): Answer {
  const frame = Buffer.alloc(5);
  frame[0] = slave;
  frame[1] = (fn | 0x80) & 0xff;
  frame[2] = code;
  writeCrc(frame, 3);
  return { response: frame, registers: [] };
}

function invalidValue(request: SlaveRequest): boolean {
  const { fn, quantity, frame } = request;
  if (fn === 5) return request.values[0] === -1;
  if (fn === 6) return false;
  const max = MAX_QUANTITY[fn];
  if (max === undefined) return false;
  if (quantity < 1 || quantity > max) return true;
  if (fn === 15) return frame[6] !== Math.ceil(quantity / 8);
  if (fn === 16) return frame[6] !== quantity * 2;
  return false;
}

function bitsResponse(slave: number, fn: number, bits: readonly number[]): Buffer {
  const byteCount = Math.ceil(bits.length / 8);
  const frame = Buffer.alloc(3 + byteCount + 2);
  frame[0] = slave;
  frame[1] = fn;
  frame[2] = byteCount;
  // Bit i of the request lands in byte i / 8, least significant bit first.
  bits.forEach((bit, i) => {
    if (bit) frame[3 + (i >>> 3)]! |= 1 << (i & 7);
  });
  writeCrc(frame, 3 + byteCount);
  return frame;
}

function wordsResponse(slave: number, fn: number, words: readonly number[]): Buffer {
  const frame = Buffer.alloc(3 + words.length * 2 + 2);
  frame[0] = slave;
  frame[1] = fn;
  frame[2] = words.length * 2;
  words.forEach((word, i) => frame.writeUInt16BE(word & 0xffff, 3 + i * 2));
  writeCrc(frame, 3 + words.length * 2);
  return frame;
}

/** fc 05/06 echo the request; fc 15/16 echo address and quantity. */
function writeResponse(request: SlaveRequest): Buffer {
  const frame = Buffer.alloc(8);
  request.frame.copy(frame, 0, 0, 6);
  writeCrc(frame, 6);
  return frame;
}
