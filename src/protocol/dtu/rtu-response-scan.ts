// Questions the stream parser asks of bytes that may hold the RTU answer to the request in
// flight, where heartbeats, late frames and noise can sit in front of it or inside it. Pure.
import { checkResponse, type Expectation, type ResponseCheck } from '../modbus/response.js';
import { indexOfPattern, isPartialMatch } from './bytes.js';

const MAX_HEARTBEAT_CANDIDATES = 4;

/**
 * The answer at `pos` with a heartbeat cut out of it, when only that makes its CRC good;
 * 'wait' when the shortened frame needs more bytes; null when no cut helps. Bounded: a few
 * candidates inside one frame's length, so crafted input stays cheap.
 */
export function withoutHeartbeat(
  exp: Expectation,
  data: Uint8Array,
  pos: number,
  end: number,
  hb: Uint8Array,
): { joined: Buffer; check: Extract<ResponseCheck, { kind: 'ok' | 'exception' }> } | 'wait' | null {
  let at = indexOfPattern(data, pos + 1, end, hb);
  for (let tries = 0; at >= 0 && tries < MAX_HEARTBEAT_CANDIDATES; tries++) {
    const joined = Buffer.concat([data.subarray(pos, at), data.subarray(at + hb.length, end)]);
    const check = checkResponse(exp, joined, 0, joined.length);
    if (check.kind === 'incomplete') return 'wait';
    if ((check.kind === 'ok' || check.kind === 'exception') && at - pos < check.length) return { joined, check };
    at = indexOfPattern(data, at + 1, end, hb);
  }
  return null;
}

/** Slave and function (or its exception form) match the request in flight. */
export function looksLikeResponseStart(exp: Expectation, data: Uint8Array, pos: number, end: number): boolean {
  if (data[pos] !== exp.slave) return false;
  if (pos + 1 >= end) return true;
  const fn = data[pos + 1]!;
  return fn === exp.fn || fn === (exp.fn | 0x80);
}

/**
 * The buffer ends with the first bytes of a heartbeat, and what comes before them could
 * still begin the answer: a heartbeat arriving in pieces inside the response (right after
 * the slave byte, where nothing else says "wait"). Only the next bytes can tell.
 */
export function heartbeatArriving(
  exp: Expectation,
  data: Uint8Array,
  pos: number,
  end: number,
  hb: Uint8Array,
): boolean {
  for (let k = Math.max(pos + 1, end - hb.length + 1); k < end; k++) {
    if (isPartialMatch(data, k, end, hb) && checkResponse(exp, data, pos, k).kind === 'incomplete') return true;
  }
  return false;
}

export function findResponse(exp: Expectation, data: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    if (data[i] !== exp.slave) continue;
    const check = checkResponse(exp, data, i, end);
    if (check.kind === 'ok' || check.kind === 'exception') return i;
  }
  return -1;
}
