import { afterEach, beforeEach, describe, it, expect, vi } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import { silentLogger } from '../../../src/log.js';
import {
  BufferedHistoryWriter,
  type BatchSink,
  type BufferedWriterOptions,
  type SinkResult,
} from '../../../src/storage/buffered-writer.js';
import type { WriteBatch } from '../../../src/storage/write-batch.js';

/** A sink that holds each batch until the test commits or fails it. */
class FakeSink implements BatchSink {
  readonly batches: WriteBatch[] = [];
  readonly pending: ((result: SinkResult) => void)[] = [];
  closed = false;
  autoCommit = false;

  write(batch: WriteBatch): Promise<SinkResult> {
    this.batches.push(batch);
    if (this.autoCommit) return Promise.resolve({ ok: true, failedAttempts: 0 });
    return new Promise((resolve) => this.pending.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  commitAll(result: SinkResult = { ok: true, failedAttempts: 0 }): void {
    for (const resolve of this.pending.splice(0)) resolve(result);
  }
}

function sample(i: number, deviceId = 'DTU1'): Sample {
  return {
    deviceId,
    point: `p${i % 10}`,
    slave: 1,
    address: i,
    value: i,
    text: null,
    raw: '0001',
    ts: 1000 + i,
    quality: 'good',
  };
}

function samples(n: number, deviceId = 'DTU1'): Sample[] {
  return Array.from({ length: n }, (_, i) => sample(i, deviceId));
}

function writer(sink: BatchSink, options: Partial<BufferedWriterOptions> = {}): BufferedHistoryWriter {
  return new BufferedHistoryWriter(
    {
      maxRows: 100,
      flushIntervalMs: 1000,
      idleFlushDelayMs: 1000,
      maxPendingRows: 1000,
      recordRawPackets: 'all',
      ...options,
    },
    sink,
    silentLogger(),
  );
}

const online = {
  registrationId: 'DTU1',
  profile: 'p',
  name: null,
  ip: '10.0.0.1',
  port: 5000,
  listener: 'main',
  at: 1,
};

describe('BufferedHistoryWriter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('seals a batch as soon as it holds maxRows rows', () => {
    const sink = new FakeSink();
    const w = writer(sink, { maxRows: 100 });
    w.samples(samples(99));
    expect(sink.batches).toHaveLength(0);
    w.samples(samples(1));
    expect(sink.batches).toHaveLength(1);
    expect(sink.batches[0]!.rows).toBe(100);
  });

  it('seals a partial batch flushIntervalMs after its first row', () => {
    const sink = new FakeSink();
    const w = writer(sink, { flushIntervalMs: 1000 });
    w.samples(samples(5));
    vi.advanceTimersByTime(600);
    w.samples(samples(5));
    vi.advanceTimersByTime(399);
    expect(sink.batches).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(sink.batches).toHaveLength(1);
    expect(sink.batches[0]!.rows).toBe(10);
  });

  it('seals idleFlushDelayMs after the first row while the database is idle', () => {
    const sink = new FakeSink();
    const w = writer(sink, { flushIntervalMs: 1000, idleFlushDelayMs: 20 });
    w.samples(samples(5));
    vi.advanceTimersByTime(19);
    expect(sink.batches).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(sink.batches.map((b) => b.rows)).toEqual([5]);
  });

  it('while a commit is in flight, collects rows until it ends, then seals them within idleFlushDelayMs', async () => {
    const sink = new FakeSink();
    const w = writer(sink, { flushIntervalMs: 1000, idleFlushDelayMs: 20 });
    w.samples(samples(5));
    vi.advanceTimersByTime(20); // first batch in flight
    w.samples(samples(7));
    vi.advanceTimersByTime(200);
    w.samples(samples(3));
    expect(sink.batches.map((b) => b.rows)).toEqual([5]); // the database is busy: keep collecting
    sink.commitAll();
    await vi.advanceTimersByTimeAsync(0);
    // The batch's first row is 200 ms old, past the idle delay: sealed at once.
    expect(sink.batches.map((b) => b.rows)).toEqual([5, 10]);
  });

  it('sets no timer while nothing is buffered', () => {
    const sink = new FakeSink();
    writer(sink);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves flush only after the sink has committed everything accepted before it', async () => {
    const sink = new FakeSink();
    const w = writer(sink);
    w.samples(samples(150)); // one full batch sealed, 50 rows left
    let flushed = false;
    const done = w.flush().then(() => {
      flushed = true;
    });
    expect(sink.batches.map((b) => b.rows)).toEqual([100, 50]);
    await Promise.resolve();
    expect(flushed).toBe(false);
    sink.commitAll();
    await done;
    expect(w.stats()).toMatchObject({
      rowsAccepted: 150,
      rowsWritten: 150,
      rowsBuffered: 0,
      flushes: 2,
      batchesInFlight: 0,
    });
  });

  it('resolves flush at once when nothing is pending', async () => {
    const w = writer(new FakeSink());
    await expect(w.flush()).resolves.toBeUndefined();
  });

  it('reports the backlog and refuses samples past the cap while keeping device and connection events', () => {
    const sink = new FakeSink();
    const w = writer(sink, { maxRows: 100, maxPendingRows: 250 });
    w.samples(samples(200)); // two batches in flight, never committed
    w.samples(samples(40));
    w.samples(samples(20)); // 260 > 250: refused
    w.heartbeat({ registrationId: 'DTU1', at: 5, ip: '10.0.0.1', port: 5000 }); // 241 ≤ 250: taken
    w.deviceOnline(online);
    w.connection({
      registrationId: 'DTU1',
      event: 'connect',
      ip: '10.0.0.1',
      port: 5000,
      listener: 'main',
      details: null,
      at: 1,
    });
    expect(w.stats()).toMatchObject({ rowsAccepted: 243, rowsDropped: 20, rowsBuffered: 243, batchesInFlight: 2 });
  });

  it('counts rows of a batch the sink gave up on as dropped, with its failed attempts', async () => {
    const sink = new FakeSink();
    const w = writer(sink);
    w.samples(samples(10));
    const done = w.flush();
    sink.commitAll({ ok: false, failedAttempts: 3, error: 'disk full' });
    await done;
    expect(w.stats()).toMatchObject({ rowsWritten: 0, rowsDropped: 10, failures: 3, flushes: 0, rowsBuffered: 0 });
  });

  it('records raw packets according to the recordRawPackets policy', () => {
    const packet = (kind: 'response' | 'garbage') => ({
      registrationId: null,
      direction: 'in' as const,
      kind,
      bytes: new Uint8Array([1, 2]),
      at: 1,
      ip: '10.0.0.9',
      port: 1,
      note: null,
    });
    const none = writer(new FakeSink(), { recordRawPackets: 'none' });
    none.rawPacket(packet('garbage'));
    const errors = writer(new FakeSink(), { recordRawPackets: 'errors' });
    errors.rawPacket(packet('response'));
    errors.rawPacket(packet('garbage'));
    const all = writer(new FakeSink(), { recordRawPackets: 'all' });
    all.rawPacket(packet('response'));
    all.rawPacket(packet('garbage'));
    expect([none, errors, all].map((w) => w.stats().rowsAccepted)).toEqual([0, 1, 2]);
  });

  it('does not throw into the caller on a malformed record', () => {
    const w = writer(new FakeSink());
    const broken = {
      registrationId: 'X',
      direction: 'in',
      kind: 'data',
      bytes: null,
      at: 1,
      ip: 'x',
      port: 1,
      note: null,
    };
    w.samples([sample(1)]);
    expect(() => w.rawPacket(broken as never)).not.toThrow();
    expect(() => w.samples([null as never])).not.toThrow();
    expect(() => w.rawPacket(null as never)).not.toThrow();
    expect(() => w.samples(null as never)).not.toThrow();
    expect(() => w.deviceOnline(undefined as never)).not.toThrow();
    expect(w.stats()).toMatchObject({ rowsDropped: 4, rowsAccepted: 1, rowsBuffered: 1 });
  });

  it('flushes on close, closes the sink, then ignores further writes', async () => {
    const sink = new FakeSink();
    sink.autoCommit = true;
    const w = writer(sink);
    w.deviceOnline(online);
    w.samples(samples(30));
    await w.close();
    expect(sink.closed).toBe(true);
    expect(sink.batches.map((b) => b.rows)).toEqual([31]);
    w.samples(samples(5));
    expect(w.stats()).toMatchObject({ rowsAccepted: 31, rowsWritten: 31, rowsDropped: 5 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('tells onFlush about every committed batch', async () => {
    const sink = new FakeSink();
    sink.autoCommit = true;
    const seen: number[] = [];
    const w = writer(sink, { onFlush: (info) => seen.push(info.rows) });
    w.samples(samples(130));
    await w.flush();
    expect(seen).toEqual([100, 30]);
  });
});
