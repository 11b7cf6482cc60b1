// Finds 3E or 4E response frames (the one the channel is set to) in what a TCP connection delivers, however it was chunked. The
// peer may send anything (a port scanner's banner, a device that is not a PLC), so the
// splitter holds at most one frame's worth of bytes: bytes that cannot start a response are
// dropped at once and counted, and a header whose length is impossible gives up its first
// byte so a real frame behind it is still found.
import { MAX_WORD_POINTS, headerLength, type McFrameFormat, type McFrameType } from './frame.js';
import { RESPONSE_SUBHEADER, declaredLength, parseResponse, type McResponse } from './response.js';

/**
 * Longest response data we accept: a 960-word read with its end code is 1,922 bytes in
 * binary and 3,844 characters in ASCII; an error answer is 11 or 22.
 */
export function maxResponseLength(format: McFrameFormat): number {
  return format === 'binary' ? 2 + MAX_WORD_POINTS * 2 : 4 + MAX_WORD_POINTS * 4;
}

export type McStreamItem =
  { readonly kind: 'response'; readonly response: McResponse } | { readonly kind: 'junk'; readonly bytes: number };

export class McResponseSplitter {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly header: number;
  private readonly max: number;

  constructor(
    private readonly format: McFrameFormat,
    private readonly frame: McFrameType = '3e',
  ) {
    this.header = headerLength(format, frame);
    this.max = maxResponseLength(format);
  }

  /** Bytes held while waiting for the rest of a frame (never more than one frame). */
  get pending(): number {
    return this.buffer.length;
  }

  push(chunk: Buffer): McStreamItem[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: McStreamItem[] = [];
    let junk = 0;
    for (;;) {
      const start = this.syncStart();
      junk += start;
      this.buffer = this.buffer.subarray(start);
      if (this.buffer.length < this.header) break;
      const length = declaredLength(this.format, this.buffer, this.frame);
      if (length === null || length > this.max) {
        junk += 1;
        this.buffer = this.buffer.subarray(1);
        continue;
      }
      const total = this.header + length;
      if (this.buffer.length < total) break;
      const response = parseResponse(this.format, this.buffer.subarray(0, total), this.frame);
      if (!response) {
        junk += 1;
        this.buffer = this.buffer.subarray(1);
        continue;
      }
      if (junk > 0) out.push({ kind: 'junk', bytes: junk });
      junk = 0;
      out.push({ kind: 'response', response });
      this.buffer = this.buffer.subarray(total);
    }
    if (junk > 0) out.push({ kind: 'junk', bytes: junk });
    // A copy, so a retained slice never pins a large chunk the peer sent.
    this.buffer = Buffer.from(this.buffer);
    return out;
  }

  reset(): void {
    this.buffer = Buffer.alloc(0);
  }

  /** Where the first possible subheader starts; a trailing partial subheader is kept. */
  private syncStart(): number {
    const sub = RESPONSE_SUBHEADER[this.frame][this.format];
    const b = this.buffer;
    for (let i = 0; i < b.length; i++) {
      let match = true;
      for (let j = 0; j < sub.length && i + j < b.length; j++)
        if (b[i + j] !== sub[j]) {
          match = false;
          break;
        }
      if (match) return i;
    }
    return b.length;
  }
}
