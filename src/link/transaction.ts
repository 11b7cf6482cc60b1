// A Modbus transaction as every link carries it: the request (RTU bytes with CRC, as the
// read plan compiled them), what its answer must look like, and who is told the outcome.
// A DTU's serial line and a Modbus TCP channel's pipeline are both transports for it. On a
// DTU's serial line a transaction can also be a DL/T 645 meter read: same queue, same
// one-in-flight and late-frame rules, its own framing.

import type { LinkExpectation } from '../protocol/dtu/stream-events.js';
import { expectationFor } from '../protocol/modbus/response.js';

export type TransactionOutcome =
  /** DL/T 645: `buf` is the meter's frame, its data still +0x33; `code` is the error-status byte. */
  | {
      readonly kind: 'ok';
      readonly buf: Uint8Array;
      readonly dataOffset: number;
      readonly dataLength: number;
      readonly sentAt: number;
      readonly at: number;
    }
  | { readonly kind: 'exception'; readonly code: number; readonly sentAt: number; readonly at: number }
  | { readonly kind: 'timeout'; readonly attempts: number; readonly at: number }
  | { readonly kind: 'bad-response'; readonly attempts: number; readonly at: number }
  | { readonly kind: 'closed'; readonly at: number };

export interface Transaction {
  /** The request as it goes into the framing (RTU bytes with CRC, or a DL/T 645 frame). */
  readonly request: Uint8Array;
  readonly expectation: LinkExpectation;
  /** Polls carry a key so a block still waiting in the queue is not queued twice. */
  readonly key: string | null;
  readonly done: (outcome: TransactionOutcome) => void;
}

/**
 * Where transactions go: a DTU's TransactionQueue (one in flight on a half-duplex bus) or a
 * Modbus TCP channel's MbapPipeline. Polls and writes see no difference between the two.
 */
export interface ModbusTransport {
  /** False when a transaction with the same key is still waiting (the poll is an overrun). */
  enqueue(tx: Transaction): boolean;
  /** Transactions waiting or in flight. */
  readonly depth: number;
}

/**
 * A transaction outside the schedules (a write, an ad-hoc read) on any transport; resolves
 * with its outcome. No key: never skipped.
 */
export function transactOn(
  transport: Pick<ModbusTransport, 'enqueue'>,
  request: Uint8Array,
): Promise<TransactionOutcome> {
  return new Promise((resolve) => {
    transport.enqueue({ request, expectation: expectationFor(request), key: null, done: resolve });
  });
}
