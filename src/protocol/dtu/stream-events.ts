// What the DTU stream parser tells its session: one method per kind of thing found in the
// byte stream, and why bytes were thrown away.

import type { Dlt645Expectation } from '../dlt645/index.js';
import type { Expectation, ResponseCheck } from '../modbus/response.js';
import type { UnsolicitedScan } from '../modbus/unsolicited.js';
import type { RegistrationFailure } from './registration.js';

/** What the request in flight expects: a Modbus answer, or (transparent links) a DL/T 645 one. */
export type LinkExpectation = Expectation | Dlt645Expectation;

/**
 * An RTU answer, or an MBAP one (an exception ADU is 9 bytes, not 5), or a DL/T 645 frame
 * (meter-answer.ts: its data still carries the +0x33, `code` is the error-status byte).
 */
export type ResponseFrame =
  | Extract<ResponseCheck, { kind: 'ok' }>
  | { readonly kind: 'exception'; readonly length: number; readonly code: number };

export type DiscardReason =
  /** Bytes that are not a heartbeat, registration or frame. */
  | 'garbage'
  /** A well-formed RTU frame (or MBAP ADU) that answers no request in flight (late or foreign). */
  | 'stray-frame'
  /** The input buffer grew past its limit without producing anything. */
  | 'overflow'
  /** A typed-framing message of an unknown type. */
  | 'unknown-type'
  /** A response of the right length whose CRC is wrong. */
  | 'bad-crc';

export interface StreamEvents {
  registered(id: string, raw: Uint8Array): void;
  registrationFailed(reason: RegistrationFailure, bytes: Uint8Array): void;
  /** `embedded`: the heartbeat was cut out of the middle of a Modbus response. */
  heartbeat(embedded: boolean): void;
  /** The response to the request in flight; `buf` holds the frame at `start`. */
  response(buf: Uint8Array, start: number, frame: ResponseFrame): void;
  /**
   * The request in flight got a broken answer (bad CRC; on an mbap link, its transaction's
   * ADU with the wrong unit, function or length); the session decides to retry.
   */
  badResponse(bytes: Uint8Array): void;
  /** Unsolicited framing: an RTU response pushed by the DTU with no request. */
  unsolicited(buf: Uint8Array, start: number, frame: UnsolicitedFrame): void;
  /** Typed framing: an opaque data message (type 0x03). */
  data(payload: Uint8Array): void;
  discarded(bytes: Uint8Array, reason: DiscardReason): void;
  /** Counted, not an error: register data that happens to contain the heartbeat pattern. */
  heartbeatPatternInData(): void;
}

export type UnsolicitedFrame = Extract<UnsolicitedScan, { kind: 'frame' } | { kind: 'exception' }>;
