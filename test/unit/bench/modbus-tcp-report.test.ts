import { describe, expect, it } from 'vitest';
import {
  dtuhubRun,
  modbusTcpGoalRows,
  modbusTcpSection,
  peerRun,
  scheduledTxPerSec,
  sizeLabel,
  type ModbusTcpSize,
} from '../../../bench/modbus-tcp-report.js';
import type { ModbusTcpServersSnapshot } from '../../../bench/modbus-tcp-servers-proc.js';
import type { PeerSnapshot } from '../../../bench/peer-proc.js';
import type { ProcessSample } from '../../../bench/process-sample.js';
import type { ChannelTotals, ServerSnapshot } from '../../../bench/server-proc.js';

const LATENCY = { count: 10, p50: 1, p90: 2, p99: 3, max: 4, mean: 1.5 };

/** A process reading `seconds` into the run having used `cpuUs` of CPU, a quarter of it system time. */
function proc(seconds: number, cpuUs: number): ProcessSample {
  return {
    wallMs: seconds * 1000,
    cpuUserUs: cpuUs * 0.75,
    cpuSystemUs: cpuUs * 0.25,
    mainThreadCpuUs: cpuUs,
    diskReadBytes: 0,
    diskWriteBytes: 0,
    rss: 1,
    heapUsed: 1,
    heapTotal: 1,
    external: 0,
    arrayBuffers: 0,
    loopIdleMs: 0,
    loopActiveMs: 0,
  };
}

function sim(seconds: number, cpuUs: number): ModbusTcpServersSnapshot {
  return { process: proc(seconds, cpuUs), connections: 1, requests: 0, responses: 0 };
}

function server(
  seconds: number,
  cpuUs: number,
  channels: Partial<ChannelTotals>,
  samplesDecoded: number,
  committed: number | null,
  dropped = 0,
): ServerSnapshot {
  return {
    writer: committed === null ? null : { rowsDropped: dropped },
    process: proc(seconds, cpuUs),
    channels: { configured: 2, connected: 2, collects: 0, collectErrors: 0, disconnects: 0, samples: 0, ...channels },
    samplesDecoded,
    pollToDecodedMs: LATENCY,
    stored: committed === null ? null : { samplesCommitted: committed, latencyMs: LATENCY, pendingPolls: 0 },
  } as unknown as ServerSnapshot;
}

function peer(seconds: number, cpuUs: number, transactions: number, errors: number): PeerSnapshot {
  return {
    process: proc(seconds, cpuUs),
    connections: 2,
    requests: transactions,
    transactions,
    errors,
    skipped: 0,
    samplesDecoded: transactions * 50,
    pollToDecodedMs: LATENCY,
  };
}

const SIZE: ModbusTcpSize = { devices: 2, periodMs: 100, maxInFlight: 4 };

describe('scenario 8 figures', () => {
  it('schedules devices × blocks reads per period and names the size', () => {
    expect(scheduledTxPerSec(SIZE)).toBe(80);
    expect(sizeLabel(SIZE)).toBe('2 devices × 10 Hz, 4 in flight');
    expect(sizeLabel({ devices: 1, periodMs: 1, maxInFlight: 1 })).toBe('1 device flat out, 1 in flight');
  });

  it('counts answered channel polls as transactions and divides the window CPU by them', () => {
    // 10 s window: 800 polls answered, 40,000 samples decoded, 39,000 committed, 2 s of CPU.
    const run = dtuhubRun('app', SIZE, {
      from: server(5, 1_000_000, { collects: 100, collectErrors: 1, disconnects: 0 }, 5_000, 4_000, 10),
      to: server(15, 3_000_000, { collects: 900, collectErrors: 2, disconnects: 1 }, 45_000, 43_000, 60),
      simFrom: sim(5, 0),
      simTo: sim(15, 500_000),
    });
    expect(run).toMatchObject({
      side: 'app',
      connected: 2,
      scheduledTxPerSec: 80,
      txPerSec: 80,
      pointsDecodedPerSec: 4_000,
      pointsStoredPerSec: 3_900,
      rowsDropped: 50,
      errors: 2,
    });
    expect(run.cpuUsPerTx).toBe(2_500);
    expect(run.window.cpuCores).toBeCloseTo(0.2);
    expect(run.simulator.cpuCores).toBeCloseTo(0.05);
    expect(run.pollToStoredMs).toEqual(LATENCY);
  });

  it('has no stored figures for the channels alone, and refuses snapshots without channel totals', () => {
    const run = dtuhubRun('channels', SIZE, {
      from: server(0, 0, { collects: 0 }, 0, null),
      to: server(2, 100_000, { collects: 200 }, 10_000, null),
      simFrom: sim(0, 0),
      simTo: sim(2, 0),
    });
    expect(run).toMatchObject({
      side: 'channels',
      txPerSec: 100,
      pointsStoredPerSec: null,
      rowsDropped: null,
      pollToStoredMs: null,
      cpuUsPerTx: 500,
    });
    const bare = { ...server(0, 0, {}, 0, null), channels: null } as ServerSnapshot;
    expect(() => dtuhubRun('app', SIZE, { from: bare, to: bare, simFrom: sim(0, 0), simTo: sim(1, 0) })).toThrow(
      /channel totals/,
    );
  });

  it('reads the peer from its transactions and failed reads; no transactions gives 0 µs, not a division by zero', () => {
    const run = peerRun(SIZE, {
      from: peer(0, 0, 0, 0),
      to: peer(4, 400_000, 320, 3),
      simFrom: sim(0, 0),
      simTo: sim(4, 0),
    });
    expect(run).toMatchObject({ side: 'peer', txPerSec: 80, pointsDecodedPerSec: 4_000, cpuUsPerTx: 1_250, errors: 3 });
    const idle = peerRun(SIZE, {
      from: peer(0, 0, 0, 0),
      to: peer(4, 400_000, 0, 0),
      simFrom: sim(0, 0),
      simTo: sim(4, 0),
    });
    expect(idle.cpuUsPerTx).toBe(0);
  });
});

describe('scenario 8 report', () => {
  const window = (cpuUs: number, tx: number) => ({
    from: server(0, 0, { collects: 0 }, 0, 0),
    to: server(10, cpuUs, { collects: tx }, tx * 50, tx * 50),
    simFrom: sim(0, 0),
    simTo: sim(10, 0),
  });
  const result = {
    warmupMs: 3_000,
    measureMs: 10_000,
    sizes: [
      {
        size: SIZE,
        app: dtuhubRun('app', SIZE, window(2_000_000, 800)),
        channels: dtuhubRun('channels', SIZE, window(400_000, 800)),
        peer: peerRun(SIZE, {
          from: peer(0, 0, 0, 0),
          to: peer(10, 800_000, 800, 0),
          simFrom: sim(0, 0),
          simTo: sim(10, 0),
        }),
      },
    ],
  };

  it('puts app throughput and the channels ÷ peer CPU ratio in the goals table as context', () => {
    expect(modbusTcpGoalRows(result)).toEqual([
      [
        '8',
        'Modbus TCP client, 2 devices × 10 Hz, 4 in flight: app transactions/s, points stored/s, CPU per transaction',
        '(context)',
        '80 tx/s, 4,000 points/s, 2,500 µs',
        '—',
      ],
      ['8', '…CPU per transaction without storage, dtuhub channels ÷ modbus-serial', '(lower is better)', '0.50×', '—'],
    ]);
  });

  it('renders a section 8 with a table per size', () => {
    const text = modbusTcpSection(result);
    expect(text.startsWith('## 8. Modbus TCP client throughput')).toBe(true);
    expect(text).toContain('### 2 devices × 10 Hz, 4 in flight');
    expect(text).toContain('| **CPU per transaction** | **2,500 µs** | **500 µs** | **1,000 µs** | **0.50×** |');
    expect(text).toContain('| Points stored/s (committed rows) | 4,000 | — (dropped) | — (dropped) |  |');
    expect(text).toContain('3 s warm-up, 10 s measured');
  });
});
