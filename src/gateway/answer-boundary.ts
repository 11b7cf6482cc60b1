// The boundary for handling an answer the parser matched to its request: decoding it and
// publishing its samples run inside the queue's `done`. A failure there (a decoder or a
// data listener with a bug) drops that one answer, counted and logged; it never reaches the
// socket's data handler, which would leave the parser mid-stream and the DTU unpolled.
import type { TransactionQueue } from '../link/index.js';
import type { SessionContext } from './session-types.js';

export function handOverAnswer(
  queue: TransactionQueue | null,
  buf: Uint8Array,
  frame: Parameters<TransactionQueue['onResponse']>[1],
  ctx: Pick<SessionContext, 'counters' | 'log'>,
  deviceId: string | null,
): void {
  try {
    queue?.onResponse(buf, frame);
  } catch (err) {
    ctx.counters.answersDropped++;
    ctx.log.error({ err, device: deviceId }, 'answer could not be handled: dropped');
  }
}
