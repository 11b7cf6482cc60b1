// A DTU in "Modbus TCP" mode: after registration the server sends MBAP ADUs, which the DTU
// converts to RTU for its serial bus (its answers go back as ADUs under the same
// transaction id), and its heartbeat replies between them. Uses the simulator's own MBAP
// reading (mbap-requests.ts), never the gateway's codec.
import { PendingBytes, type InboundEvent, type InboundReader } from './inbound.js';
import { requestFromAdu } from './mbap-requests.js';
import { startsWith } from './rtu-request-reader.js';

export class MbapDtuReader implements InboundReader {
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
      if (this.reply && startsWith(buf, i, this.reply)) {
        emit({ kind: 'heartbeat-reply' });
        i += this.reply.length;
        continue;
      }
      const adu = requestFromAdu(buf, i);
      if (adu === 'need-more') break;
      if (adu === 'bad-header') {
        // A DTU has no way to resynchronise but to skip a byte.
        emit({ kind: 'garbage', bytes: 1 });
        i += 1;
        continue;
      }
      emit({ kind: 'request', frame: adu.frame, transactionId: adu.transactionId });
      i += adu.length;
    }
    this.pending.keep(buf, i, atMs);
  }

  reset(): void {
    this.pending.clear();
  }
}
