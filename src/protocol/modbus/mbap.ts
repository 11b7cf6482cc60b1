// Modbus TCP (MBAP) framing for outbound channels: a Modbus TCP device is polled
// with the same compiled RTU requests as a DTU, wrapped in the 7-byte MBAP header instead
// of carrying a CRC. Unlike RTU behind a DTU, the ADU says its own length, so the TCP
// stream is split by the header alone; the transaction id pairs answers with requests,
// which lets a channel keep several in flight.
//
// ADU: transaction id u16, protocol id u16 (0 = Modbus), length u16 (unit id + PDU),
// unit id u8, PDU. All big-endian.

import { hasValidCrc } from './crc.js';
import { EXCEPTION_FLAG, isReadFunction, readByteCount } from './functions.js';
import type { Expectation, ResponseCheck } from './response.js';

export const MBAP_HEADER_LENGTH = 7;
/** 7-byte header + 253-byte PDU (Modbus Messaging on TCP/IP v1.0b, section 4.1). */
export const MAX_ADU_LENGTH = 260;
export const MODBUS_PROTOCOL_ID = 0;
/** Smallest length field: unit id and function code. */
const MIN_LENGTH_FIELD = 2;
const MAX_LENGTH_FIELD = MAX_ADU_LENGTH - 6;

// ---------------------------------------------------------------- requests

/**
 * The MBAP ADU for an RTU request as request.ts encodes it (slave, PDU, CRC): the slave
 * becomes the unit id and the CRC is dropped (TCP has its own checksums).
 */
export function encodeMbapRequest(rtu: Uint8Array, transactionId: number): Buffer {
  if (!Number.isInteger(transactionId) || transactionId < 0 || transactionId > 0xffff) {
    throw new RangeError(`transaction id must be an integer 0..65535, got ${String(transactionId)}`);
  }
  // Slave + function + CRC at least; the CRC check catches an ADU or a bare PDU passed by mistake.
  if (rtu.length < 4 || !hasValidCrc(rtu, 0, rtu.length)) {
    throw new RangeError('encodeMbapRequest needs an RTU request frame with a valid CRC');
  }
  const unitAndPdu = rtu.length - 2;
  if (unitAndPdu > MAX_LENGTH_FIELD) throw new RangeError(`an RTU request of ${rtu.length} bytes does not fit one ADU`);
  const adu = Buffer.allocUnsafe(6 + unitAndPdu);
  adu.writeUInt16BE(transactionId, 0);
  adu.writeUInt16BE(MODBUS_PROTOCOL_ID, 2);
  adu.writeUInt16BE(unitAndPdu, 4);
  adu.set(rtu.subarray(0, unitAndPdu), 6);
  return adu;
}

/** Transaction id of the ADU at `buf[start]` (the caller knows 2 bytes are there). */
export function mbapTransactionId(buf: Uint8Array, start = 0): number {
  return (buf[start]! << 8) | buf[start + 1]!;
}

// ---------------------------------------------------------------- stream splitting

export type MbapSplitError =
  /** Not Modbus (protocol id ≠ 0): something else speaks on this port, or the stream is misaligned. */
  | { readonly kind: 'bad-protocol'; readonly protocolId: number }
  /** A length field no ADU can have (below 2, or an ADU above 260 bytes). */
  | { readonly kind: 'bad-length'; readonly length: number };

export type MbapSplit = { readonly kind: 'adu'; readonly adu: Buffer } | MbapSplitError;

/**
 * Cuts a TCP byte stream into whole ADUs, however the bytes were chunked. There is no way
 * to resynchronise a stream whose header is wrong (any byte could start a header), so
 * the first bad header is reported once and the splitter refuses everything after it:
 * the caller drops the connection.
 */
export class MbapSplitter {
  private pending: Buffer | null = null;
  private failed: MbapSplitError | null = null;

  /** Bytes held of an incomplete ADU. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }

  /** The error that stopped the splitter, or null while the stream is sound. */
  get error(): MbapSplitError | null {
    return this.failed;
  }

  /**
   * Whole ADUs completed by `chunk`, in order, each its own copy; an error ends the list.
   * After an error, returns [] for any further bytes.
   */
  push(chunk: Uint8Array): MbapSplit[] {
    if (this.failed) return [];
    const buf = this.pending
      ? Buffer.concat([this.pending, chunk])
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.pending = null;
    const out: MbapSplit[] = [];
    let at = 0;
    while (buf.length - at >= 6) {
      const protocolId = (buf[at + 2]! << 8) | buf[at + 3]!;
      if (protocolId !== MODBUS_PROTOCOL_ID) return this.fail(out, { kind: 'bad-protocol', protocolId });
      const length = (buf[at + 4]! << 8) | buf[at + 5]!;
      if (length < MIN_LENGTH_FIELD || length > MAX_LENGTH_FIELD) return this.fail(out, { kind: 'bad-length', length });
      if (buf.length - at < 6 + length) break;
      out.push({ kind: 'adu', adu: Buffer.from(buf.subarray(at, at + 6 + length)) });
      at += 6 + length;
    }
    // Copied, so a large chunk is not kept alive for a few bytes of the next ADU.
    if (at < buf.length) this.pending = Buffer.from(buf.subarray(at));
    return out;
  }

  reset(): void {
    this.pending = null;
    this.failed = null;
  }

  private fail(out: MbapSplit[], error: MbapSplitError): MbapSplit[] {
    this.failed = error;
    this.pending = null;
    out.push(error);
    return out;
  }
}

/**
 * What starts at `buf[at]` of a stream that also carries other bytes (a DTU's heartbeats
 * between ADUs): a whole ADU of `length` bytes, the first bytes of one, or no ADU header at
 * all. Unlike MbapSplitter, a bad header is not fatal: the caller skips a byte and looks
 * again.
 */
export type MbapScan =
  { readonly kind: 'adu'; readonly length: number } | { readonly kind: 'incomplete' } | { readonly kind: 'invalid' };

export function scanMbapAdu(buf: Uint8Array, at: number, end: number): MbapScan {
  const have = end - at;
  // Protocol id 0 in bytes 2..3: judged on what is there so far.
  if ((have > 2 && buf[at + 2] !== 0) || (have > 3 && buf[at + 3] !== 0)) return { kind: 'invalid' };
  if (have < 6) return { kind: 'incomplete' };
  const length = (buf[at + 4]! << 8) | buf[at + 5]!;
  if (length < MIN_LENGTH_FIELD || length > MAX_LENGTH_FIELD) return { kind: 'invalid' };
  return have < 6 + length ? { kind: 'incomplete' } : { kind: 'adu', length: 6 + length };
}

// ---------------------------------------------------------------- responses

export type MbapMismatchReason =
  | 'transaction'
  | 'unit'
  | 'function'
  | 'byte-count'
  | 'echo'
  /** The length field disagrees with the PDU the function and byte count describe. */
  | 'length';

/**
 * Result of checking a whole ADU against the request it should answer: `ok` and
 * `exception` as the RTU path reports them (ResponseCheck), so the same decoding runs on
 * `dataOffset`, an index into the ADU. `length` is the ADU's length.
 */
export type MbapResponseCheck =
  | Extract<ResponseCheck, { kind: 'ok' }>
  | { readonly kind: 'exception'; readonly length: number; readonly code: number }
  | { readonly kind: 'mismatch'; readonly reason: MbapMismatchReason; readonly length: number };

/**
 * Checks the ADU `adu` (as the splitter returns it: header and length field consistent)
 * against the request `exp` sent with `transactionId`.
 */
export function checkMbapResponse(exp: Expectation, transactionId: number, adu: Uint8Array): MbapResponseCheck {
  const length = adu.length;
  if (length < MBAP_HEADER_LENGTH + 1) return mismatch('length', length);
  if (mbapTransactionId(adu) !== transactionId) return mismatch('transaction', length);
  if (adu[6] !== exp.slave) return mismatch('unit', length);
  const fn = adu[7]!;
  if (fn === (exp.fn | EXCEPTION_FLAG)) {
    if (length !== MBAP_HEADER_LENGTH + 2) return mismatch('length', length);
    return { kind: 'exception', length, code: adu[8]! };
  }
  if (fn !== exp.fn) return mismatch('function', length);

  if (isReadFunction(exp.fn)) {
    if (length < MBAP_HEADER_LENGTH + 2) return mismatch('length', length);
    const byteCount = adu[8]!;
    if (byteCount !== readByteCount(exp.fn, exp.quantity)) return mismatch('byte-count', length);
    if (length !== MBAP_HEADER_LENGTH + 2 + byteCount) return mismatch('length', length);
    return { kind: 'ok', length, dataOffset: MBAP_HEADER_LENGTH + 2, dataLength: byteCount };
  }

  // Writes echo address and value (fc 5/6) or address and quantity (fc 15/16): PDU bytes
  // 1..4, which are bytes 2..5 of the RTU request.
  if (length !== MBAP_HEADER_LENGTH + 5) return mismatch('length', length);
  for (let i = 0; i < 4; i++) {
    if (adu[8 + i] !== exp.request[2 + i]) return mismatch('echo', length);
  }
  return { kind: 'ok', length, dataOffset: 0, dataLength: 0 };
}

function mismatch(reason: MbapMismatchReason, length: number): MbapResponseCheck {
  return { kind: 'mismatch', reason, length };
}
