// Modbus function codes and the per-request limits of the Modbus Application Protocol
// (v1.1b3, section 6). The limits keep every PDU within 253 bytes, so a response always
// fits the 256-byte RTU frame that slaves and DTUs buffer.

import type { ReadFunction, WriteFunction } from '../../domain/point.js';

export const FunctionCode = {
  ReadCoils: 1,
  ReadDiscreteInputs: 2,
  ReadHoldingRegisters: 3,
  ReadInputRegisters: 4,
  WriteSingleCoil: 5,
  WriteSingleRegister: 6,
  WriteMultipleCoils: 15,
  WriteMultipleRegisters: 16,
} as const;

export type ModbusFunction = ReadFunction | WriteFunction;

/** Set in the function byte of a response that carries an exception code. */
export const EXCEPTION_FLAG = 0x80;

/** Slave address 0 is a broadcast: every slave acts on it and none answers. */
export const BROADCAST_ADDRESS = 0;
export const MAX_SLAVE_ADDRESS = 247;

/** Registers per read (fc 3/4): 125 × 2 bytes + header fits one RTU frame. */
export const MAX_READ_REGISTERS = 125;
/** Bits per read (fc 1/2): 2000 bits = 250 data bytes. */
export const MAX_READ_BITS = 2000;
/** Registers per write (fc 16): the request also carries address, quantity and byte count. */
export const MAX_WRITE_REGISTERS = 123;
/** Coils per write (fc 15): 1968 bits = 246 data bytes. */
export const MAX_WRITE_COILS = 1968;

/** Value of a coil that is on in fc 5 requests and responses. */
export const COIL_ON = 0xff00;
export const COIL_OFF = 0x0000;

export function isReadFunction(fn: number): fn is ReadFunction {
  return fn === 1 || fn === 2 || fn === 3 || fn === 4;
}

export function isWriteFunction(fn: number): fn is WriteFunction {
  return fn === 5 || fn === 6 || fn === 15 || fn === 16;
}

export function isModbusFunction(fn: number): fn is ModbusFunction {
  return isReadFunction(fn) || isWriteFunction(fn);
}

/** True for fc 1/2, whose data are packed bits rather than 16-bit registers. */
export function isBitFunction(fn: number): fn is 1 | 2 {
  return fn === 1 || fn === 2;
}

export function maxReadQuantity(fn: ReadFunction): number {
  return isBitFunction(fn) ? MAX_READ_BITS : MAX_READ_REGISTERS;
}

/** Data bytes in a normal read response: bits are packed 8 per byte, registers take 2. */
export function readByteCount(fn: ReadFunction, quantity: number): number {
  return isBitFunction(fn) ? (quantity + 7) >>> 3 : quantity * 2;
}
