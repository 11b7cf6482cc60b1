import { afterEach, beforeEach, describe, it, expect, vi } from 'vitest';
import { PollToStoredTracker } from '../../../bench/poll-to-stored.js';
import type { Sample } from '../../../src/domain/point.js';
import { silentLogger } from '../../../src/log.js';
import { BufferedHistoryWriter, type BatchSink, type SinkResult } from '../../../src/storage/buffered-writer.js';

/** Holds every batch until the test commits the oldest one. */
class ManualSink implements BatchSink {
  readonly pending: ((result: SinkResult) => void)[] = [];
  write(): Promise<SinkResult> {
    return new Promise((resolve) => this.pending.push(resolve));
  }
  async close(): Promise<void> {}
  commitOldest(): void {
    this.pending.shift()?.({ ok: true, failedAttempts: 0 });
  }
}

function samples(n: number, ts: number): Sample[] {
  return Array.from({ length: n }, (_, i) => ({
    deviceId: 'DTU1',
    point: `p${i}`,
    slave: 1,
    address: 2000 + i,
    value: i,
    text: null,
    raw: '0000',
    ts,
    quality: 'good',
  }));
}

const settle = () => Promise.resolve().then(() => undefined);

describe('PollToStoredTracker', () => {
  let sink: ManualSink;
  let writer: BufferedHistoryWriter;
  let tracker: PollToStoredTracker;

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    sink = new ManualSink();
    tracker = new PollToStoredTracker(() => writer.stats());
    writer = new BufferedHistoryWriter(
      {
        maxRows: 4,
        flushIntervalMs: 10_000,
        idleFlushDelayMs: 10_000,
        maxPendingRows: 8,
        recordRawPackets: 'none',
        onFlush: () => tracker.onFlush(),
      },
      sink,
      silentLogger(),
    );
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  /** What the app's history recorder does first, then the benchmark's listener. */
  function poll(n: number, polledAt: number): void {
    writer.samples(samples(n, polledAt));
    tracker.onData(polledAt, n);
  }

  it('records each poll once its last row is committed, from the time the request was sent', async () => {
    tracker.startWindow(0);
    poll(2, 1_000_000); // rows 1–2
    vi.setSystemTime(1_000_010);
    poll(2, 1_000_005); // rows 3–4: batch 1 sealed
    poll(2, 1_000_010); // rows 5–6
    writer.heartbeat({ registrationId: 'DTU1', at: 1_000_010, ip: '127.0.0.1', port: 1 }); // row 7, not a poll
    poll(1, 1_000_010); // row 8: batch 2 sealed

    vi.setSystemTime(1_000_050);
    sink.commitOldest();
    await settle();
    let snap = tracker.snapshot();
    expect(snap.samplesCommitted).toBe(4);
    expect(snap.pendingPolls).toBe(2);
    expect(snap.latencyMs).toMatchObject({ count: 4, max: 50, p50: 45 });

    vi.setSystemTime(1_000_100);
    sink.commitOldest();
    await settle();
    snap = tracker.snapshot();
    expect(snap.samplesCommitted).toBe(7);
    expect(snap.pendingPolls).toBe(0);
    expect(snap.latencyMs.count).toBe(7);
    expect(snap.latencyMs.max).toBe(90); // rows 5–8 were polled at 1_000_010
  });

  it('counts refused samples apart, so they never wait for a commit that cannot come', async () => {
    tracker.startWindow(0);
    poll(4, 1_000_000); // batch 1 sealed, in flight
    poll(4, 1_000_000); // batch 2 sealed: backlog at the cap of 8
    poll(3, 1_000_000); // refused
    expect(tracker.snapshot()).toMatchObject({ samplesAccepted: 8, samplesRefused: 3, pendingPolls: 2 });
    sink.commitOldest();
    sink.commitOldest();
    await settle();
    expect(tracker.snapshot()).toMatchObject({ samplesCommitted: 8, pendingPolls: 0 });
  });

  it('leaves polls sent before the window out of the latency figures', async () => {
    poll(4, 999_000);
    tracker.startWindow(1_000_000);
    poll(4, 1_000_000);
    vi.setSystemTime(1_000_020);
    sink.commitOldest();
    sink.commitOldest();
    await settle();
    const snap = tracker.snapshot();
    expect(snap.samplesCommitted).toBe(8);
    expect(snap.latencyMs).toMatchObject({ count: 4, max: 20 });
  });
});
