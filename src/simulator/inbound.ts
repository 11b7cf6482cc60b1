// What the DTU's stream readers report. One reader per framing turns TCP chunks (any
// size, any split) into these events.

import type { MeterFrame } from './meter-frames.js';

export type InboundEvent =
  /** A request frame with a valid CRC, CRC included; `transactionId` when it came as an MBAP ADU. */
  | { readonly kind: 'request'; readonly frame: Buffer; readonly transactionId?: number }
  /** A DL/T 645 frame for the meters on the bus (transparent links). */
  | { readonly kind: 'meter-request'; readonly frame: MeterFrame }
  /** A frame of known length whose CRC failed: silently dropped, as on a real bus. */
  | { readonly kind: 'bad-crc'; readonly bytes: number }
  /** The server's heartbeat reply, skipped. */
  | { readonly kind: 'heartbeat-reply' }
  /** A typed-framing 1-byte ack. */
  | { readonly kind: 'ack'; readonly byte: number }
  /** Bytes that fit no frame, dropped to resynchronise. */
  | { readonly kind: 'garbage'; readonly bytes: number };

export interface InboundReader {
  /** Consumes a chunk; bytes of an incomplete frame are kept for the next chunk. */
  push(chunk: Buffer, atMs: number, emit: (event: InboundEvent) => void): void;
  reset(): void;
}

/**
 * Keeps the unconsumed tail between chunks. A tail older than `gapMs` when new bytes
 * arrive is dropped: on a bus the master's silence ends a frame, and without this one
 * stray byte would misalign every later request.
 */
export class PendingBytes {
  private tail: Buffer | null = null;
  private since = 0;

  constructor(private readonly gapMs: number) {}

  /** The tail joined with the new chunk. */
  take(chunk: Buffer, atMs: number, emit: (event: InboundEvent) => void): Buffer {
    const tail = this.tail;
    this.tail = null;
    if (!tail) return chunk;
    if (atMs - this.since > this.gapMs) {
      emit({ kind: 'garbage', bytes: tail.length });
      return chunk;
    }
    return Buffer.concat([tail, chunk]);
  }

  /** Keeps `buf[from..]` (copied, so a large chunk is not retained for a few bytes). */
  keep(buf: Buffer, from: number, atMs: number): void {
    if (from >= buf.length) return;
    this.tail = Buffer.from(buf.subarray(from));
    this.since = atMs;
  }

  clear(): void {
    this.tail = null;
  }
}
