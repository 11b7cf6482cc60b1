// What comes next on a DTU link in Modbus TCP mode (framing: mbap): MBAP ADUs with the
// DTU's own heartbeats between them; and what a typed link's Modbus message answers. Pure.
import { checkResponse, type Expectation } from '../modbus/response.js';
import { checkMbapResponse, mbapTransactionId, scanMbapAdu } from '../modbus/mbap.js';
import { isPartialMatch, matchesAt } from './bytes.js';
import type { ResponseFrame } from './stream-events.js';

export type MbapStreamItem =
  /** More bytes are needed to tell. */
  | { readonly kind: 'wait' }
  | { readonly kind: 'heartbeat'; readonly length: number }
  | { readonly kind: 'adu'; readonly length: number }
  /** This byte starts neither: skip it and look again (a bad header cannot be resynchronised otherwise). */
  | { readonly kind: 'garbage' };

/**
 * `transaction` is the id of the request in flight, or null: the header of our answer
 * wins over a heartbeat pattern that happens to start the same way.
 */
export function nextMbapItem(
  data: Uint8Array,
  pos: number,
  end: number,
  heartbeat: Uint8Array | null,
  transaction: number | null,
): MbapStreamItem {
  const scan = scanMbapAdu(data, pos, end);
  const ours = scan.kind !== 'invalid' && end - pos >= 2 && mbapTransactionId(data, pos) === transaction;
  if (heartbeat && !ours) {
    if (matchesAt(data, pos, end, heartbeat)) return { kind: 'heartbeat', length: heartbeat.length };
    if (isPartialMatch(data, pos, end, heartbeat)) return { kind: 'wait' };
  }
  if (scan.kind === 'incomplete') return { kind: 'wait' };
  if (scan.kind === 'invalid') return { kind: 'garbage' };
  return { kind: 'adu', length: scan.length };
}

export type MbapAnswer =
  | ResponseFrame
  /** Not the transaction in flight (late, retried or foreign): dropped. */
  | { readonly kind: 'stray' }
  /** The transaction in flight, but not an answer to its request (unit, function, length). */
  | { readonly kind: 'bad' };

/** What an ADU is to the request in flight (`exp` sent under `transaction`), if any. */
export function classifyMbapAdu(adu: Uint8Array, exp: Expectation | null, transaction: number): MbapAnswer {
  if (!exp || mbapTransactionId(adu) !== transaction) return { kind: 'stray' };
  const check = checkMbapResponse(exp, transaction, adu);
  return check.kind === 'mismatch' ? { kind: 'bad' } : check;
}

/** Typed framing: what the RTU payload of a Modbus message (type 0x04) is to the request in flight. */
export function typedModbusAnswer(exp: Expectation | null, payload: Uint8Array): MbapAnswer {
  if (!exp) return { kind: 'stray' };
  const check = checkResponse(exp, payload, 0, payload.length);
  if ((check.kind === 'ok' || check.kind === 'exception') && check.length === payload.length) return check;
  return check.kind === 'bad-crc' ? { kind: 'bad' } : { kind: 'stray' };
}
