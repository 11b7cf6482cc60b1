// ISO-on-TCP (RFC 1006) splits the S7 byte stream into TPKT packets: version 3, a reserved
// byte, a 16-bit length that counts the 4-byte header. TCP has no frame boundaries, and
// nodes7 reads each 'data' chunk as one whole packet, so the channel cuts the stream here
// and hands nodes7 exactly one packet at a time. Anything that is not a TPKT header is
// junk: the stream cannot be resynchronised, so the caller drops the connection. Pure.

/** A header, a COTP header and an S7 PDU of at most 960 bytes fit easily; a larger length is junk. */
export const TPKT_MAX_LENGTH = 4096;
/** The smallest packet: header (4) and a COTP length byte, type and flags (3). */
export const TPKT_MIN_LENGTH = 7;

export type TpktResult = { readonly packets: Buffer[] } | { readonly junk: string };

export class TpktSplitter {
  private pending: Buffer = Buffer.alloc(0);

  /** The whole packets completed by `chunk`, in order; or why the stream is not TPKT. */
  push(chunk: Buffer): TpktResult {
    let buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const packets: Buffer[] = [];
    while (buffer.length >= 4) {
      if (buffer[0] !== 3 || buffer[1] !== 0) {
        this.pending = Buffer.alloc(0);
        return { junk: `not a TPKT header: ${buffer.subarray(0, 4).toString('hex')}` };
      }
      const length = buffer.readUInt16BE(2);
      if (length < TPKT_MIN_LENGTH || length > TPKT_MAX_LENGTH) {
        this.pending = Buffer.alloc(0);
        return { junk: `TPKT length ${length} outside ${TPKT_MIN_LENGTH}..${TPKT_MAX_LENGTH}` };
      }
      if (buffer.length < length) break;
      // A copy: nodes7 keeps slices of what it is given, and the read buffer is reused.
      packets.push(Buffer.from(buffer.subarray(0, length)));
      buffer = buffer.subarray(length);
    }
    this.pending = Buffer.from(buffer);
    return { packets };
  }

  /** Bytes of an unfinished packet (bounded by TPKT_MAX_LENGTH). */
  get buffered(): number {
    return this.pending.length;
  }
}
