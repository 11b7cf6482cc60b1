// Throughput of the SQLite history write path, end to end: Sample objects handed to the
// HistoryWriter on the main thread, batched, transferred to the writer thread, committed.
// Every device reports one row per point per round, one round per simulated second.
//
//   npm run build && node dist/bench/sqlite-write.js --rows 1000000 --devices 1000 --points 10
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Sample } from '../src/domain/point.js';
import { silentLogger } from '../src/log.js';
import { openSqliteHistory } from '../src/storage/index.js';

export interface SqliteWriteBenchOptions {
  readonly rows: number;
  readonly devices: number;
  readonly pointsPerDevice: number;
  /** writeBuffer.maxRows (default 20,000). */
  readonly maxRows?: number;
  /** writeBuffer.flushIntervalMs (default 1000). */
  readonly flushIntervalMs?: number;
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface SqliteWriteBenchResult {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly flushes: number;
  readonly rowsDropped: number;
  /** From sealing a batch to its commit (includes waiting behind earlier batches). */
  readonly flushLatencyMs: Percentiles;
  /** Commit time alone (shared by batches committed together). */
  readonly commitMs: Percentiles;
  readonly rowsPerFlush: number;
  /** Main-thread time inside writer.samples(), per row. */
  readonly mainThreadUsPerRow: number;
  readonly maxBacklogRows: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function benchSqliteWrites(options: SqliteWriteBenchOptions): Promise<SqliteWriteBenchResult> {
  const { rows, devices, pointsPerDevice } = options;
  const maxRows = options.maxRows ?? 20_000;
  const dir = await mkdtemp(join(tmpdir(), 'dtuhub-bench-'));
  const latencies: number[] = [];
  const commits: number[] = [];
  let flushedRows = 0;
  const maxPendingRows = Math.max(20 * maxRows, 100_000);
  const history = await openSqliteHistory(
    {
      storage: { driver: 'sqlite', path: join(dir, 'bench.db') },
      writeBuffer: { maxRows, flushIntervalMs: options.flushIntervalMs ?? 1000 },
      retention: {
        deviceDataMs: 0,
        heartbeatLogMs: 0,
        rawPacketsMs: 0,
        connectionHistoryMs: 0,
        rawPacketsMaxRows: 0,
        rawPackets: 'none',
        sweepIntervalMs: 3_600_000,
      },
    },
    silentLogger(),
    {
      maxPendingRows,
      onFlush: ({ rows: n, ms, writeMs }) => {
        latencies.push(ms);
        if (writeMs !== null) commits.push(writeMs);
        flushedRows += n;
      },
    },
  );
  try {
    const writer = history.writer;
    const ids = Array.from({ length: devices }, (_, d) => `DTU${String(d).padStart(6, '0')}`);
    const points = Array.from({ length: pointsPerDevice }, (_, p) => `point_${p}`);
    const epoch = Date.UTC(2025, 0, 1);
    for (const [d, id] of ids.entries()) {
      writer.deviceOnline({ registrationId: id, profile: 'bench', name: null, ip: '10.0.0.1', port: 10_000 + d, listener: 'main', at: epoch });
    }
    await writer.flush();
    flushedRows = 0;
    latencies.length = 0;
    commits.length = 0;

    let written = 0;
    let mainThreadMs = 0;
    let maxBacklogRows = 0;
    const started = performance.now();
    for (let round = 0; written < rows; round++) {
      const ts = epoch + round * 1000;
      for (let d = 0; d < devices && written < rows; d++) {
        const n = Math.min(pointsPerDevice, rows - written);
        const batch: Sample[] = new Array(n);
        for (let p = 0; p < n; p++) {
          const raw = (round * 7 + p) & 0xffff;
          batch[p] = { deviceId: ids[d]!, point: points[p]!, slave: 1, address: 2000 + 2 * p, value: raw / 10, text: null, raw: raw.toString(16).padStart(4, '0'), ts, quality: 'good' };
        }
        const t = performance.now();
        writer.samples(batch);
        mainThreadMs += performance.now() - t;
        written += n;
      }
      // Let replies from the writer thread in, and hold back while the backlog is deep:
      // a producer that outruns the store would only measure the drop counter.
      const backlog = writer.stats().rowsBuffered;
      maxBacklogRows = Math.max(maxBacklogRows, backlog);
      await nextTurn();
      while (writer.stats().rowsBuffered > maxPendingRows / 2) await new Promise((r) => setTimeout(r, 1));
    }
    await writer.flush();
    const seconds = (performance.now() - started) / 1000;
    const stats = writer.stats();
    return {
      rows: written,
      seconds: round2(seconds),
      rowsPerSecond: Math.round(flushedRows / seconds),
      flushes: latencies.length,
      rowsDropped: stats.rowsDropped,
      flushLatencyMs: percentiles(latencies),
      commitMs: percentiles(commits),
      rowsPerFlush: Math.round(flushedRows / Math.max(1, latencies.length)),
      mainThreadUsPerRow: round2((mainThreadMs * 1000) / written),
      maxBacklogRows,
    };
  } finally {
    await history.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => round2(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(value) ? value : fallback;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const result = await benchSqliteWrites({
    rows: flag(args, 'rows', 1_000_000),
    devices: flag(args, 'devices', 1000),
    pointsPerDevice: flag(args, 'points', 10),
    maxRows: flag(args, 'max-rows', 20_000),
    flushIntervalMs: flag(args, 'flush-ms', 1000),
  });
  console.log(JSON.stringify(result, null, 2));
}
