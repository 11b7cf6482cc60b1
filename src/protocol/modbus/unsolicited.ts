// Framing responses with no request in flight: some DTUs poll their bus themselves and
// push the slaves' answers. The length then has to come from the frame itself (function
// code and byte count) and only the CRC can tell a frame from line noise.

import { hasValidCrc } from './crc.js';
import { EXCEPTION_FLAG, MAX_READ_BITS, MAX_READ_REGISTERS, MAX_SLAVE_ADDRESS, isModbusFunction } from './functions.js';

export type UnsolicitedScan =
  | { readonly kind: 'incomplete' }
  /**
   * A normal response. Reads: `byteCount` data bytes from `dataOffset` (absolute index).
   * Writes: the 4 echoed bytes (address, then value or quantity).
   */
  | {
      readonly kind: 'frame';
      readonly length: number;
      readonly slave: number;
      readonly fn: number;
      readonly byteCount: number;
      readonly dataOffset: number;
    }
  | {
      readonly kind: 'exception';
      readonly length: 5;
      readonly slave: number;
      readonly fn: number;
      readonly code: number;
    }
  /** No frame starts at `start`: the caller skips one byte and scans again. */
  | { readonly kind: 'invalid' };

const INCOMPLETE: UnsolicitedScan = Object.freeze({ kind: 'incomplete' });
const INVALID: UnsolicitedScan = Object.freeze({ kind: 'invalid' });

/** Largest byte count a read response may carry: 125 registers or 2000 bits, 250 bytes both. */
const MAX_BYTE_COUNT = Math.max(MAX_READ_REGISTERS * 2, MAX_READ_BITS / 8);

/**
 * Looks for a response frame at `buf[start]`. A garbage header with a plausible byte count
 * reads as 'incomplete' until enough bytes arrive for its CRC to fail.
 */
export function scanUnsolicited(buf: Uint8Array, start: number, end: number): UnsolicitedScan {
  const available = end - start;
  if (available < 2) return INCOMPLETE;
  const slave = buf[start]!;
  if (slave < 1 || slave > MAX_SLAVE_ADDRESS) return INVALID;
  const fnByte = buf[start + 1]!;

  if (fnByte & EXCEPTION_FLAG) {
    const fn = fnByte & 0x7f;
    if (!isModbusFunction(fn)) return INVALID;
    if (available < 5) return INCOMPLETE;
    if (!hasValidCrc(buf, start, start + 5)) return INVALID;
    return { kind: 'exception', length: 5, slave, fn, code: buf[start + 2]! };
  }

  if (fnByte >= 1 && fnByte <= 4) {
    if (available < 3) return INCOMPLETE;
    const byteCount = buf[start + 2]!;
    // Registers come in pairs of bytes; bits pack into at most 250 bytes.
    if (byteCount === 0 || byteCount > MAX_BYTE_COUNT || (fnByte >= 3 && byteCount % 2 !== 0)) return INVALID;
    const length = 5 + byteCount;
    if (available < length) return INCOMPLETE;
    if (!hasValidCrc(buf, start, start + length)) return INVALID;
    return { kind: 'frame', length, slave, fn: fnByte, byteCount, dataOffset: start + 3 };
  }

  if (fnByte === 5 || fnByte === 6 || fnByte === 15 || fnByte === 16) {
    if (available < 8) return INCOMPLETE;
    if (!hasValidCrc(buf, start, start + 8)) return INVALID;
    return { kind: 'frame', length: 8, slave, fn: fnByte, byteCount: 4, dataOffset: start + 2 };
  }
  return INVALID;
}
