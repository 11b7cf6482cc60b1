// Transparent and unsolicited links: after registration every byte from the server is a
// raw RTU request, except the server's heartbeat replies, which are skipped.
import { hasValidCrc } from '../protocol/modbus/crc.js';
import { PendingBytes, type InboundEvent, type InboundReader } from './inbound.js';
import { readMeterFrame } from './meter-frames.js';
import { MAX_RTU_FRAME, requestLength } from './slave-request.js';

export class RtuRequestReader implements InboundReader {
  private readonly pending: PendingBytes;

  constructor(
    /** The server's heartbeat reply, or null. */
    private readonly reply: Buffer | null,
    gapMs: number,
  ) {
    this.pending = new PendingBytes(gapMs);
  }

  push(chunk: Buffer, atMs: number, emit: (event: InboundEvent) => void): void {
    const buf = this.pending.take(chunk, atMs, emit);
    let i = 0;
    while (i < buf.length) {
      if (buf[i] === 0xfe) {
        // DL/T 645 wake-up bytes: a frame for the meters on the bus.
        const meter = readMeterFrame(buf, i);
        if (meter === 'need-more') break;
        if (meter === 'invalid') emit({ kind: 'garbage', bytes: 1 });
        else emit({ kind: 'meter-request', frame: meter.frame });
        i += meter === 'invalid' ? 1 : meter.length;
        continue;
      }
      const length = requestLength(buf, i, buf.length);
      // A reply can look like the start of a request: the CRC decides, the frame wins.
      if (this.reply && startsWith(buf, i, this.reply) && !isWholeFrame(buf, i, length)) {
        emit({ kind: 'heartbeat-reply' });
        i += this.reply.length;
        continue;
      }
      if (length === 'need-more') break;
      if (length === 'unknown') {
        const found = scanForCrc(buf, i);
        if (found > 0) {
          emit({ kind: 'request', frame: Buffer.from(buf.subarray(i, i + found)) });
          i += found;
          continue;
        }
        if (buf.length - i < MAX_RTU_FRAME) break;
        emit({ kind: 'garbage', bytes: 1 });
        i += 1;
        continue;
      }
      if (buf.length - i < length) break;
      if (hasValidCrc(buf, i, i + length)) emit({ kind: 'request', frame: Buffer.from(buf.subarray(i, i + length)) });
      else emit({ kind: 'bad-crc', bytes: length });
      i += length;
    }
    this.pending.keep(buf, i, atMs);
  }

  reset(): void {
    this.pending.clear();
  }
}

function isWholeFrame(buf: Buffer, start: number, length: number | 'need-more' | 'unknown'): boolean {
  if (length === 'unknown') return scanForCrc(buf, start) > 0;
  return typeof length === 'number' && buf.length - start >= length && hasValidCrc(buf, start, start + length);
}

/** Shortest frame from `start` whose CRC checks, for function codes of unknown length; 0 if none. */
function scanForCrc(buf: Buffer, start: number): number {
  const limit = Math.min(buf.length - start, MAX_RTU_FRAME);
  for (let length = 4; length <= limit; length++) {
    if (hasValidCrc(buf, start, start + length)) return length;
  }
  return 0;
}

export function startsWith(buf: Buffer, start: number, pattern: Buffer): boolean {
  if (buf.length - start < pattern.length) return false;
  for (let k = 0; k < pattern.length; k++) if (buf[start + k] !== pattern[k]) return false;
  return true;
}
