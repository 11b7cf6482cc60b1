import { describe, expect, it } from 'vitest';
import {
  MAX_READ_BITS,
  MAX_READ_REGISTERS,
  MAX_WRITE_COILS,
  MAX_WRITE_REGISTERS,
  isReadFunction,
  isWriteFunction,
  maxReadQuantity,
  readByteCount,
} from '../../../../src/protocol/modbus/functions.js';

describe('function codes', () => {
  it('tell reads from writes', () => {
    expect([1, 2, 3, 4].every(isReadFunction)).toBe(true);
    expect([0, 5, 6, 15, 16, 0x83].some(isReadFunction)).toBe(false);
    expect([5, 6, 15, 16].every(isWriteFunction)).toBe(true);
    expect([3, 7, 0x90].some(isWriteFunction)).toBe(false);
  });

  it('keep every response within a 256-byte RTU frame', () => {
    expect([MAX_READ_REGISTERS, MAX_READ_BITS, MAX_WRITE_REGISTERS, MAX_WRITE_COILS]).toEqual([125, 2000, 123, 1968]);
    expect(maxReadQuantity(3)).toBe(125);
    expect(maxReadQuantity(2)).toBe(2000);
    expect(5 + readByteCount(3, MAX_READ_REGISTERS)).toBeLessThanOrEqual(256);
    expect(5 + readByteCount(1, MAX_READ_BITS)).toBeLessThanOrEqual(256);
    expect(readByteCount(1, 19)).toBe(3);
  });
});
