// The Modbus TCP request pipeline on bytes: MBAP framing of the compiled RTU requests,
// in-flight limit, answers paired by transaction id in any order, stray and mismatched
// answers, retries, the "nothing answers any more" verdict, and close.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOST_AFTER_TIMEOUTS, MbapPipeline } from '../../../src/channels/modbus-tcp/mbap-pipeline.js';
import type { ModbusTiming } from '../../../src/domain/config.js';
import type { Transaction, TransactionOutcome } from '../../../src/link/index.js';
import { encodeReadRequest } from '../../../src/protocol/modbus/request.js';
import { expectationFor } from '../../../src/protocol/modbus/response.js';

const TIMING: ModbusTiming = {
  responseTimeoutMs: 1000,
  retries: 1,
  interRequestDelayMs: 0,
  quietAfterTimeoutMs: 0,
  maxReadGap: 0,
  backoffAfterFailures: 3,
  backoffInitialMs: 1000,
  backoffMaxMs: 60_000,
};

function tx(
  slave: number,
  address: number,
  quantity: number,
  key: string | null,
  outcomes: TransactionOutcome[],
): Transaction {
  const request = encodeReadRequest(slave, 3, address, quantity);
  return { request, expectation: expectationFor(request), key, done: (o) => outcomes.push(o) };
}

/** A read response ADU: transaction id, unit, fc 03, the registers. */
function answer(id: number, unit: number, registers: number[]): Buffer {
  const pdu = Buffer.alloc(2 + registers.length * 2);
  pdu[0] = 3;
  pdu[1] = registers.length * 2;
  registers.forEach((r, i) => pdu.writeUInt16BE(r, 2 + i * 2));
  const head = Buffer.alloc(7);
  head.writeUInt16BE(id, 0);
  head.writeUInt16BE(pdu.length + 1, 4);
  head[6] = unit;
  return Buffer.concat([head, pdu]);
}

function setup(maxInFlight: number, timing: ModbusTiming = TIMING, firstId = 0xfffe) {
  const sent: Buffer[] = [];
  const lost: Error[] = [];
  const pipeline = new MbapPipeline(
    { send: (adu) => sent.push(adu), lost: (err) => lost.push(err) },
    timing,
    maxInFlight,
    { now: () => Date.now() },
    firstId,
  );
  return { pipeline, sent, lost };
}

describe('MbapPipeline', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('frames requests as MBAP, keeps up to maxInFlight outstanding, ids wrap, answers in any order', () => {
    const { pipeline, sent } = setup(2);
    const out: TransactionOutcome[] = [];
    pipeline.enqueue(tx(1, 2000, 2, 'a', out));
    pipeline.enqueue(tx(2, 100, 1, 'b', out));
    pipeline.enqueue(tx(1, 2200, 1, 'c', out));
    expect(sent.map((b) => b.toString('hex'))).toEqual([
      'fffe00000006010307d00002',
      'ffff000000060203006400 01'.replace(' ', ''),
    ]);
    expect(pipeline.depth).toBe(3);
    // The second answer first: it completes 'b' and lets 'c' go out with id 0 (wrapped).
    pipeline.onData(answer(0xffff, 2, [7]));
    expect(sent[2]!.toString('hex')).toBe('0000000000060103089800 01'.replace(' ', ''));
    pipeline.onData(Buffer.concat([answer(0x0000, 1, [9]), answer(0xfffe, 1, [1, 2])]));
    expect(
      out.map((o) =>
        o.kind === 'ok'
          ? Buffer.from(o.buf.subarray(o.dataOffset, o.dataOffset + o.dataLength)).toString('hex')
          : o.kind,
      ),
    ).toEqual(['0007', '0009', '00010002']);
    expect(pipeline.counters).toMatchObject({ sent: 3, answered: 3, stray: 0 });
  });

  it('splits answers however the bytes arrive', () => {
    const { pipeline } = setup(1);
    const out: TransactionOutcome[] = [];
    pipeline.enqueue(tx(1, 0, 2, null, out));
    for (const byte of answer(0xfffe, 1, [0x1234, 0x5678])) pipeline.onData(Buffer.from([byte]));
    expect(out).toMatchObject([{ kind: 'ok', dataOffset: 9, dataLength: 4 }]);
  });

  it('does not queue a block twice, drops stray answers, retries a mismatched one', () => {
    const { pipeline, sent } = setup(1);
    const out: TransactionOutcome[] = [];
    expect(pipeline.enqueue(tx(1, 0, 2, 'k', out))).toBe(true);
    expect(pipeline.enqueue(tx(1, 0, 2, 'k', out))).toBe(false);
    pipeline.onData(answer(0x1234, 1, [1, 2]));
    expect(pipeline.counters.stray).toBe(1);
    // Wrong unit for the request in flight: a mismatch, sent again with a new id.
    pipeline.onData(answer(0xfffe, 9, [1, 2]));
    expect(pipeline.counters.mismatched).toBe(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.readUInt16BE(0)).toBe(0xffff);
    pipeline.onData(answer(0xffff, 1, [3, 4]));
    expect(out).toMatchObject([{ kind: 'ok' }]);
  });

  it('retries a timeout, then fails it; after enough timeouts in a row the link counts as gone', async () => {
    const { pipeline, sent, lost } = setup(1);
    const out: TransactionOutcome[] = [];
    pipeline.enqueue(tx(1, 0, 1, null, out));
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(2);
    expect(out).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(out).toMatchObject([{ kind: 'timeout', attempts: 2 }]);
    expect(lost).toEqual([]);
    pipeline.enqueue(tx(1, 0, 1, null, out));
    await vi.advanceTimersByTimeAsync(1000 * (LOST_AFTER_TIMEOUTS - 2));
    expect(lost.map((e) => e.message)).toEqual([
      `${LOST_AFTER_TIMEOUTS} requests in a row got no answer within 1000 ms`,
    ]);
    expect(out).toHaveLength(2);
  });

  it('a header that is not Modbus TCP drops the link', () => {
    const { pipeline, lost } = setup(1);
    pipeline.onData(Buffer.from('474554202f20485454502f312e310d0a', 'hex'));
    expect(lost.map((e) => e.message)).toEqual(['not Modbus TCP: MBAP header with protocol id 21536']);
  });

  it('close fails everything waiting and in flight, and later enqueues', () => {
    const { pipeline } = setup(1);
    const out: TransactionOutcome[] = [];
    pipeline.enqueue(tx(1, 0, 1, null, out));
    pipeline.enqueue(tx(1, 5, 1, null, out));
    pipeline.close();
    expect(pipeline.enqueue(tx(1, 9, 1, null, out))).toBe(false);
    expect(out.map((o) => o.kind)).toEqual(['closed', 'closed', 'closed']);
  });
});
