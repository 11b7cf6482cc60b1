// What comes next on a transparent DTU link while a DL/T 645 request is in flight: wake-up
// bytes, the meter's answer, a late or foreign frame, a broken one, or noise. Pure; the
// stream parser acts on the item. The search is bounded like the RTU one: a candidate
// gives up only its first byte, a header whose frame never finishes yields to a sound
// frame behind it, and a heartbeat is cut out of a frame only when the checksum fails and
// only at a few places, so crafted input stays cheap.
import {
  checkAnswer,
  FRAME_START,
  frameEndingAt,
  MAX_FRAME_LENGTH,
  scanFrame,
  WAKE_UP,
  type Dlt645Answer,
  type Dlt645Expectation,
  type Dlt645Frame,
  type Dlt645MalformedReason,
} from '../dlt645/index.js';
import { indexOfPattern, isPartialMatch } from './bytes.js';

export type MeterStreamItem =
  | { readonly kind: 'wait' }
  /** 0xFE wake-up bytes: not part of a frame, not garbage either. */
  | { readonly kind: 'preamble'; readonly length: number }
  /** This byte starts nothing: skip it. */
  | { readonly kind: 'garbage' }
  /** The answer to the request in flight; `consumed` includes a heartbeat cut out of it. */
  | {
      readonly kind: 'answer';
      readonly frame: Dlt645Frame;
      readonly answer: Exclude<Dlt645Answer, { kind: 'mismatch' }>;
      readonly consumed: number;
      readonly heartbeatInside: boolean;
    }
  /** A sound frame that answers something else (late, another meter, an echo). */
  | { readonly kind: 'stray'; readonly length: number }
  /**
   * A frame that fails its checks. `ours`: its header names the meter asked (or any, for the
   * wildcard), so the request in flight has a broken answer and is retried.
   */
  | {
      readonly kind: 'malformed';
      readonly reason: Dlt645MalformedReason;
      readonly length: number;
      readonly ours: boolean;
    };

const WAIT: MeterStreamItem = Object.freeze({ kind: 'wait' });
const GARBAGE: MeterStreamItem = Object.freeze({ kind: 'garbage' });
const MAX_HEARTBEAT_CANDIDATES = 4;

export function nextMeterItem(
  exp: Dlt645Expectation,
  data: Buffer,
  pos: number,
  end: number,
  heartbeat: Uint8Array | null,
): MeterStreamItem {
  if (data[pos] === WAKE_UP) {
    let at = pos + 1;
    while (at < end && data[at] === WAKE_UP) at++;
    return { kind: 'preamble', length: at - pos };
  }
  const scan = scanFrame(data, pos, end);
  switch (scan.kind) {
    case 'not-frame': {
      // A heartbeat the DTU sent between two packets of the answer's header hides its
      // second 68: cut out, the header is whole again.
      if (heartbeat && data[pos] === FRAME_START) {
        if (heartbeatInHeader(data, pos, end, heartbeat)) {
          const joined = withoutHeartbeat(exp, data, pos, end, heartbeat);
          if (joined && (joined.kind !== 'wait' || frameEndingAt(data, pos + 1, end) < 0)) return joined;
        } else if (heartbeatArriving(data, pos + 1, pos + 7, end, heartbeat)) return WAIT;
      }
      return GARBAGE;
    }
    case 'frame':
      return classify(exp, scan.frame, scan.length, false);
    case 'incomplete': {
      if (heartbeat) {
        const joined = withoutHeartbeat(exp, data, pos, end, heartbeat);
        if (joined) return joined;
      }
      // A header that lost its tail must not hold back a whole answer behind it.
      const next = frameEndingAt(data, pos + 1, end);
      return next < 0 ? WAIT : { kind: 'malformed', reason: 'truncated', length: next - pos, ours: false };
    }
    case 'malformed': {
      if (heartbeat && scan.reason !== 'length') {
        const joined = withoutHeartbeat(exp, data, pos, end, heartbeat);
        if (joined) return joined;
        // The bytes end with the start of a heartbeat inside the frame: its end byte or
        // checksum are still to come after it.
        if (heartbeatArriving(data, pos + 1, pos + scan.length - 1, end, heartbeat)) return WAIT;
      }
      const ours = scan.reason !== 'length' && addressedToUs(exp, data, pos);
      // Not ours: give up one byte only, a real frame may start inside.
      return { kind: 'malformed', reason: scan.reason, length: ours ? scan.length : 1, ours };
    }
  }
}

function classify(
  exp: Dlt645Expectation,
  frame: Dlt645Frame,
  consumed: number,
  heartbeatInside: boolean,
): MeterStreamItem {
  const answer = checkAnswer(exp.request, frame);
  if (answer.kind === 'mismatch') return { kind: 'stray', length: consumed };
  return { kind: 'answer', frame, answer, consumed, heartbeatInside };
}

/** The frame with a heartbeat cut out of it, when that makes a sound frame; null otherwise. */
function withoutHeartbeat(
  exp: Dlt645Expectation,
  data: Buffer,
  pos: number,
  end: number,
  hb: Uint8Array,
): MeterStreamItem | null {
  // No frame is longer than MAX_FRAME_LENGTH: what lies beyond it with one heartbeat cut out
  // cannot belong to this one, so a large buffer is never copied whole.
  end = Math.min(end, pos + MAX_FRAME_LENGTH + hb.length);
  let at = indexOfPattern(data, pos + 1, end, hb);
  for (let tries = 0; at >= 0 && tries < MAX_HEARTBEAT_CANDIDATES; tries++) {
    const joined = Buffer.concat([data.subarray(pos, at), data.subarray(at + hb.length, end)]);
    const scan = scanFrame(joined, 0, joined.length);
    if (scan.kind === 'incomplete') return WAIT;
    if (scan.kind === 'frame' && at - pos < scan.length)
      return classify(exp, scan.frame, scan.length + hb.length, true);
    at = indexOfPattern(data, at + 1, end, hb);
  }
  return null;
}

/** A heartbeat starts before the place of the header's second 68 (7 bytes after the first). */
function heartbeatInHeader(data: Buffer, pos: number, end: number, hb: Uint8Array): boolean {
  return indexOfPattern(data, pos + 1, Math.min(end, pos + 7 + hb.length), hb) >= 0;
}

/** The bytes end with the start of a heartbeat that begins in `[from, to]`: more may explain them. */
function heartbeatArriving(data: Buffer, from: number, to: number, end: number, hb: Uint8Array): boolean {
  for (let at = Math.max(from, end - hb.length + 1); at <= to; at++) if (isPartialMatch(data, at, end, hb)) return true;
  return false;
}

/** The header at `pos` names the meter the request went to (any meter, for the wildcard). */
function addressedToUs(exp: Dlt645Expectation, data: Buffer, pos: number): boolean {
  const request = exp.request;
  if (request.kind === 'read-address') return true;
  for (let i = 0; i < 6; i++) {
    const byte = data[pos + 1 + i]!;
    const digits = request.address.slice(10 - 2 * i, 12 - 2 * i);
    if (digits !== 'AA' && byte !== Number.parseInt(digits, 16)) return false;
  }
  return true;
}
