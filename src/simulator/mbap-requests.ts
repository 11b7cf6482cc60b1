// Modbus TCP as a server sees it: ADUs cut from the stream by their header and turned into
// the RTU frames the slave logic already answers, and RTU answers wrapped back. Private to
// the simulator (it must not import protocol/modbus/mbap.ts) so a framing bug in the
// gateway's codec cannot hide by being repeated on the other end.
import { writeCrc } from '../protocol/modbus/crc.js';

export type MbapInbound =
  /** One request; `frame` is unit id + PDU + a fresh CRC, as a slave on a bus would get it. */
  | { readonly kind: 'request'; readonly transactionId: number; readonly frame: Buffer }
  /** A header no Modbus TCP client sends: a real server closes the connection. */
  | { readonly kind: 'bad-header'; readonly detail: string };

/** Header (7) + the longest PDU (253). */
const LONGEST_ADU = 260;

/**
 * The request in the ADU at `buf[at]`: its RTU frame (unit id + PDU + a fresh CRC), its
 * transaction id and the ADU's length; 'need-more' while it is incomplete.
 */
export function requestFromAdu(
  buf: Buffer,
  at: number,
): { readonly transactionId: number; readonly frame: Buffer; readonly length: number } | 'need-more' | 'bad-header' {
  const have = buf.length - at;
  if (have >= 4 && buf.readUInt16BE(at + 2) !== 0) return 'bad-header';
  if (have < 6) return 'need-more';
  const follows = buf.readUInt16BE(at + 4);
  if (follows < 2 || follows + 6 > LONGEST_ADU) return 'bad-header';
  const total = 6 + follows;
  if (have < total) return 'need-more';
  const frame = Buffer.alloc(follows + 2);
  buf.copy(frame, 0, at + 6, at + total);
  writeCrc(frame, follows);
  return { transactionId: buf.readUInt16BE(at), frame, length: total };
}

export class MbapRequestReader {
  private held: Buffer = Buffer.alloc(0);
  private broken = false;

  push(chunk: Buffer, emit: (event: MbapInbound) => void): void {
    if (this.broken) return;
    let buf = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    for (;;) {
      const adu = requestFromAdu(buf, 0);
      if (adu === 'need-more') break;
      if (adu === 'bad-header') {
        this.broken = true;
        this.held = Buffer.alloc(0);
        emit({ kind: 'bad-header', detail: `protocol ${buf.readUInt16BE(2)}, length ${buf.readUInt16BE(4)}` });
        return;
      }
      emit({ kind: 'request', transactionId: adu.transactionId, frame: adu.frame });
      buf = buf.subarray(adu.length);
    }
    this.held = Buffer.from(buf);
  }
}

/** The ADU carrying an RTU answer (CRC dropped) under the request's transaction id. */
export function mbapResponse(transactionId: number, rtu: Buffer): Buffer {
  const body = rtu.length - 2;
  const adu = Buffer.alloc(6 + body);
  adu.writeUInt16BE(transactionId, 0);
  adu.writeUInt16BE(body, 4);
  rtu.copy(adu, 6, 0, body);
  return adu;
}
