// Server-to-client WebSocket text frames (RFC 6455, section 5.2), several in one buffer: a
// viewer's held frames leave in one write to its TCP socket. Unmasked, as a server's frames
// are, and without extension bits, which is valid whatever extensions were negotiated.

const FIN_TEXT = 0x81;
const LENGTH_16 = 126;
const LENGTH_64 = 127;

/** Bytes of the header before a payload of `length` bytes. */
export function textFrameHeaderLength(length: number): number {
  if (length < LENGTH_16) return 2;
  return length <= 0xffff ? 4 : 10;
}

/** Each payload (UTF-8 text) as one final text frame, one after the other in one buffer. */
export function encodeTextFrames(payloads: readonly Buffer[]): Buffer {
  let total = 0;
  for (const p of payloads) total += textFrameHeaderLength(p.length) + p.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const p of payloads) {
    out[at++] = FIN_TEXT;
    if (p.length < LENGTH_16) out[at++] = p.length;
    else if (p.length <= 0xffff) {
      out[at++] = LENGTH_16;
      at = out.writeUInt16BE(p.length, at);
    } else {
      out[at++] = LENGTH_64;
      // The high half stays 0: a live-feed frame is far below 4 GiB.
      at = out.writeUInt32BE(0, at);
      at = out.writeUInt32BE(p.length, at);
    }
    at += p.copy(out, at);
  }
  return out;
}
