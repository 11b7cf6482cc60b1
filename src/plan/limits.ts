// Modbus protocol limits on one read request (Modbus Application Protocol v1.1b3, 6.1–6.4).
import type { ReadFunction } from '../domain/point.js';

/** Registers per read for function 3/4: the response byte count is one byte (≤ 250). */
export const MAX_READ_REGISTERS = 125;
/** Coils or discrete inputs per read for function 1/2. */
export const MAX_READ_BITS = 2000;
/** Addresses run 0..65535, so address + quantity may not exceed this. */
export const ADDRESS_SPACE = 65536;

/** Largest quantity one read request may ask for with this function. */
export function maxReadQuantity(fn: ReadFunction): number {
  return fn === 1 || fn === 2 ? MAX_READ_BITS : MAX_READ_REGISTERS;
}

/** What `quantity` counts for this function, for messages. */
export function quantityUnit(fn: ReadFunction): 'registers' | 'bits' {
  return fn === 1 || fn === 2 ? 'bits' : 'registers';
}

/** Bytes in a read response's data for this many registers or bits (the RTU byte count). */
export function responseByteCount(fn: ReadFunction, quantity: number): number {
  return fn === 1 || fn === 2 ? Math.ceil(quantity / 8) : quantity * 2;
}
