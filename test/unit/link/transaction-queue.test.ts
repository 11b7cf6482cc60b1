import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TransactionQueue, type TransactionOutcome } from '../../../src/link/index.js';
import { encodeReadRequest } from '../../../src/protocol/modbus/request.js';
import { expectationFor, type Expectation } from '../../../src/protocol/modbus/response.js';
import { fastTiming } from '../../helpers/links.js';

function rig(timing = fastTiming) {
  const sent: string[] = [];
  const expectations: (Expectation | null)[] = [];
  let discards = 0;
  let timedOut = 0;
  const queue = new TransactionQueue(
    {
      send: (request) => sent.push(Buffer.from(request).toString('hex')),
      expect: (e) => expectations.push(e as Expectation | null),
      discardPending: () => discards++,
      timedOut: () => timedOut++,
    },
    timing,
    { now: () => Date.now() },
  );
  const outcomes: TransactionOutcome[] = [];
  const enqueue = (address: number, key: string | null = null) => {
    const request = encodeReadRequest(1, 3, address, 1);
    return queue.enqueue({ request, expectation: expectationFor(request), key, done: (o) => outcomes.push(o) });
  };
  return { queue, sent, expectations, outcomes, enqueue, discards: () => discards, timedOut: () => timedOut };
}

const ok = { kind: 'ok' as const, dataOffset: 3, dataLength: 2 };

describe('TransactionQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps exactly one request in flight and sends the next only after the answer', () => {
    const r = rig();
    r.enqueue(100);
    r.enqueue(200);
    expect(r.sent).toHaveLength(1);
    r.queue.onResponse(Buffer.alloc(7), ok);
    expect(r.sent).toHaveLength(2);
    expect(r.outcomes.map((o) => o.kind)).toEqual(['ok']);
  });

  it('settles a transaction whose owner throws on its answer and sends the next one all the same', () => {
    const r = rig();
    const request = encodeReadRequest(1, 3, 100, 1);
    r.queue.enqueue({
      request,
      expectation: expectationFor(request),
      key: null,
      done: () => {
        throw new Error('a decoder that breaks');
      },
    });
    r.enqueue(200);
    expect(() => r.queue.onResponse(Buffer.alloc(7), ok)).toThrow('a decoder that breaks');
    expect(r.sent).toHaveLength(2);
    expect(r.queue.depth).toBe(1);
    expect(r.queue.transactions).toBe(1);
  });

  it('waits the inter-request delay between transactions', () => {
    const r = rig({ ...fastTiming, interRequestDelayMs: 100 });
    r.enqueue(100);
    r.enqueue(200);
    r.queue.onResponse(Buffer.alloc(7), ok);
    expect(r.sent).toHaveLength(1);
    vi.advanceTimersByTime(99);
    expect(r.sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(r.sent).toHaveLength(2);
  });

  it('retries after a timeout, once the line has been quiet, then gives up', () => {
    const r = rig({ ...fastTiming, retries: 1, responseTimeoutMs: 200, quietAfterTimeoutMs: 50 });
    r.enqueue(100);
    vi.advanceTimersByTime(200);
    expect(r.expectations.at(-1)).toBeNull(); // the late answer is no longer expected
    expect(r.sent).toHaveLength(1);
    vi.advanceTimersByTime(50);
    expect(r.sent).toHaveLength(2); // the retry
    vi.advanceTimersByTime(200);
    expect(r.outcomes).toEqual([expect.objectContaining({ kind: 'timeout', attempts: 2 })]);
    // The link hears of each unanswered attempt (the gateway's timeout counter).
    expect(r.timedOut()).toBe(2);
  });

  it('holds the next request while bytes keep arriving after a timeout', () => {
    const r = rig({ ...fastTiming, retries: 0, responseTimeoutMs: 200, quietAfterTimeoutMs: 50 });
    r.enqueue(100);
    r.enqueue(200);
    vi.advanceTimersByTime(200); // first times out
    vi.advanceTimersByTime(30);
    r.queue.noteInput(); // a late answer trickles in
    vi.advanceTimersByTime(30);
    expect(r.sent).toHaveLength(1);
    vi.advanceTimersByTime(20);
    expect(r.sent).toHaveLength(2);
    expect(r.discards()).toBeGreaterThan(0);
  });

  it('does not queue the same poll block twice while it waits or is in flight', () => {
    const r = rig();
    r.enqueue(1);
    expect(r.enqueue(2, 'task#0')).toBe(true);
    expect(r.enqueue(2, 'task#0')).toBe(false);
    r.queue.onResponse(Buffer.alloc(7), ok);
    // In flight now: a poll queued behind it would go out the moment its answer is read,
    // and two answers of one block in the same millisecond are one reading stored twice.
    expect(r.enqueue(2, 'task#0')).toBe(false);
    r.queue.onResponse(Buffer.alloc(7), ok);
    expect(r.enqueue(2, 'task#0')).toBe(true);
  });

  it('lets a poll queue behind its own retry', () => {
    const r = rig({ ...fastTiming, retries: 1, responseTimeoutMs: 200, quietAfterTimeoutMs: 50 });
    expect(r.enqueue(2, 'task#0')).toBe(true);
    vi.advanceTimersByTime(200); // timed out: the retry waits for the line to go quiet
    vi.advanceTimersByTime(50);
    expect(r.sent).toHaveLength(2); // the retry is in flight
    expect(r.enqueue(2, 'task#0')).toBe(true);
  });

  it('fails everything with closed when the connection goes away', () => {
    const r = rig();
    r.enqueue(1);
    r.enqueue(2);
    r.queue.close();
    expect(r.outcomes.map((o) => o.kind)).toEqual(['closed', 'closed']);
    r.enqueue(3);
    expect(r.outcomes.at(-1)!.kind).toBe('closed');
  });

  it('retries after a bad response like after a timeout', () => {
    const r = rig({ ...fastTiming, retries: 1, quietAfterTimeoutMs: 10 });
    r.enqueue(1);
    r.queue.onBadResponse();
    vi.advanceTimersByTime(10);
    expect(r.sent).toHaveLength(2);
    r.queue.onResponse(Buffer.alloc(7), ok);
    expect(r.outcomes.map((o) => o.kind)).toEqual(['ok']);
  });
});
