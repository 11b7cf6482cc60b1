// Finds DL/T 645 frames in the bytes a DTU forwards, however TCP chunked them: wake-up
// bytes and line noise before a frame, a frame split across chunks, two frames in one
// chunk. The port faces the internet, so the splitter never holds more than one frame's
// worth of bytes: whatever cannot start a frame is dropped at once, and a candidate that
// fails its checks gives up only its first byte, so a real frame inside it is still found.

import { formatAddress } from './address.js';
import {
  checksum,
  FRAME_END,
  FRAME_START,
  HEADER_LENGTH,
  MAX_DATA_LENGTH,
  MAX_FRAME_LENGTH,
  MIN_FRAME_LENGTH,
  unmaskData,
  WAKE_UP,
} from './frame.js';

export interface Dlt645Frame {
  /** The meter address as printed on the nameplate (12 hex digits; BCD for a real meter). */
  readonly address: string;
  readonly control: number;
  /** The data field with the 0x33 taken off. */
  readonly data: Buffer;
  /** The frame as received, first 68 to the 16, for raw packet logs. */
  readonly bytes: Buffer;
}

export type Dlt645MalformedReason =
  /** L above the 200 bytes the standard allows. */
  | 'length'
  /** No 16 where the length says the frame ends. */
  | 'end-byte'
  /** The sum does not match: noise on the RS-485 bus or a spliced heartbeat. */
  | 'checksum'
  /** A header whose frame never finished: a whole frame came after it instead. */
  | 'truncated';

export type Dlt645StreamItem =
  | { readonly kind: 'frame'; readonly frame: Dlt645Frame }
  | { readonly kind: 'malformed'; readonly reason: Dlt645MalformedReason }
  /** Bytes skipped that were neither wake-up bytes nor part of a frame. */
  | { readonly kind: 'discarded'; readonly length: number };

// One shared object per reason: a port fed junk full of 68H yields one per byte.
const MALFORMED: Readonly<Record<Dlt645MalformedReason, Dlt645StreamItem>> = {
  length: Object.freeze({ kind: 'malformed', reason: 'length' }),
  'end-byte': Object.freeze({ kind: 'malformed', reason: 'end-byte' }),
  checksum: Object.freeze({ kind: 'malformed', reason: 'checksum' }),
  truncated: Object.freeze({ kind: 'malformed', reason: 'truncated' }),
};

export class Dlt645Splitter {
  private pending: Buffer | null = null;

  /** Bytes held of a frame not yet complete; never above MAX_FRAME_LENGTH - 1. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }

  /** Frames and problems found once `chunk` is added, in stream order. */
  push(chunk: Uint8Array): Dlt645StreamItem[] {
    const buf = this.pending
      ? Buffer.concat([this.pending, chunk])
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.pending = null;
    const out: Dlt645StreamItem[] = [];
    let skipped = 0;
    const flushSkipped = (): void => {
      if (skipped > 0) out.push({ kind: 'discarded', length: skipped });
      skipped = 0;
    };
    let at = 0;
    while (at < buf.length) {
      const byte = buf[at]!;
      if (byte !== FRAME_START) {
        if (byte !== WAKE_UP) skipped++;
        at++;
        continue;
      }
      const available = buf.length - at;
      // The second 68 is the first thing that tells a frame from a stray 68.
      if (available >= 8 && buf[at + 7] !== FRAME_START) {
        skipped++;
        at++;
        continue;
      }
      if (available < HEADER_LENGTH) break;
      const dataLength = buf[at + 9]!;
      if (dataLength > MAX_DATA_LENGTH) {
        flushSkipped();
        out.push(MALFORMED.length);
        at++;
        continue;
      }
      const total = MIN_FRAME_LENGTH + dataLength;
      if (available < total) {
        // A header that lost its tail (a DTU restarting mid-frame, a stray 68 … 68) would
        // otherwise hold back the whole answer behind it until more bytes come, which on a
        // half-duplex bus they do not: the meter said all it will say. A sound frame
        // ending exactly where the bytes end wins over the unfinished candidate.
        const next = frameEndingAt(buf, at + 1, buf.length);
        if (next < 0) break;
        flushSkipped();
        out.push(MALFORMED.truncated);
        at = next;
        continue;
      }
      const reason = check(buf, at, total);
      flushSkipped();
      if (reason) {
        out.push(MALFORMED[reason]);
        at++;
        continue;
      }
      out.push({ kind: 'frame', frame: frameAt(buf, at, total) });
      at += total;
    }
    flushSkipped();
    // Copied, so a large chunk is not kept alive for a few bytes of the next frame.
    if (at < buf.length) this.pending = Buffer.from(buf.subarray(at));
    return out;
  }

  /** Forgets a partial frame (after a timeout, when the link is reset). */
  reset(): void {
    this.pending = null;
  }
}

/** Start of a sound frame in `buf[from, end)` that ends at `end`, or -1. */
export function frameEndingAt(buf: Buffer, from: number, end: number): number {
  if (buf[end - 1] !== FRAME_END) return -1;
  for (let start = from; start <= end - MIN_FRAME_LENGTH; start++) {
    if (buf[start] !== FRAME_START || buf[start + 7] !== FRAME_START) continue;
    const total = end - start;
    if (buf[start + 9] !== total - MIN_FRAME_LENGTH) continue;
    if (checksum(buf, start, end - 2) === buf[end - 2]) return start;
  }
  return -1;
}

/** What the bytes at `buf[start]` are, looked at without keeping state (a DTU link's own buffer). */
export type FrameScan =
  | { readonly kind: 'incomplete' }
  /** The byte at `start` cannot begin a frame (no 68, or no second 68 seven bytes on). */
  | { readonly kind: 'not-frame' }
  /** `length`: the bytes the header claims (1 for a length above 200). */
  | {
      readonly kind: 'malformed';
      readonly reason: Exclude<Dlt645MalformedReason, 'truncated'>;
      readonly length: number;
    }
  | { readonly kind: 'frame'; readonly frame: Dlt645Frame; readonly length: number };

const INCOMPLETE: FrameScan = Object.freeze({ kind: 'incomplete' });
const NOT_FRAME: FrameScan = Object.freeze({ kind: 'not-frame' });

/** The frame starting at `buf[start]` (wake-up bytes already skipped), as far as `end` tells. */
export function scanFrame(buf: Buffer, start: number, end: number): FrameScan {
  if (buf[start] !== FRAME_START) return NOT_FRAME;
  const available = end - start;
  if (available < 8) return INCOMPLETE;
  if (buf[start + 7] !== FRAME_START) return NOT_FRAME;
  if (available < HEADER_LENGTH) return INCOMPLETE;
  const dataLength = buf[start + 9]!;
  if (dataLength > MAX_DATA_LENGTH) return { kind: 'malformed', reason: 'length', length: 1 };
  const total = MIN_FRAME_LENGTH + dataLength;
  if (available < total) return INCOMPLETE;
  const reason = check(buf, start, total);
  if (reason) return { kind: 'malformed', reason, length: total };
  return { kind: 'frame', frame: frameAt(buf, start, total), length: total };
}

function check(buf: Buffer, start: number, total: number): 'end-byte' | 'checksum' | null {
  if (buf[start + total - 1] !== FRAME_END) return 'end-byte';
  if (checksum(buf, start, start + total - 2) !== buf[start + total - 2]) return 'checksum';
  return null;
}

function frameAt(buf: Buffer, start: number, total: number): Dlt645Frame {
  return {
    address: formatAddress(buf, start + 1),
    control: buf[start + 8]!,
    data: unmaskData(buf, start + HEADER_LENGTH, total - MIN_FRAME_LENGTH),
    bytes: Buffer.from(buf.subarray(start, start + total)),
  };
}

/** Largest number of bytes a splitter may hold between pushes. */
export const MAX_BUFFERED = MAX_FRAME_LENGTH - 1;
