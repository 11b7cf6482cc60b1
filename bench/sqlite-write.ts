// Throughput of the SQLite history write path, end to end: Sample objects handed to the
// HistoryWriter on the main thread, batched, transferred to the writer thread, committed.
// Every device reports one row per point per round, one round per simulated second.
// With --queries, then times the web UI's history queries and a retention sweep on the
// table just written.
//
//   npm run build && node dist/bench/sqlite-write.js --rows 1000000 --devices 1000 --points 10
//   node dist/bench/sqlite-write.js --rows 5000000 --devices 10 --points 50 --queries
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultStorage, retentionKeepingEverything } from '../src/config/compile-server.js';
import type { Sample } from '../src/domain/point.js';
import { createLogger, silentLogger } from '../src/log.js';
import type { StorageConfig } from '../src/domain/config.js';
import {
  createHistoryStore,
  MAX_QUERY_LIMIT,
  type DataQuery,
  type HistoryReader,
  type HistoryStore,
} from '../src/storage/index.js';

export interface SqliteWriteBenchOptions {
  /** Default: a fresh SQLite file. MySQL: the database must exist and be empty. */
  readonly storage?: StorageConfig;
  readonly rows: number;
  readonly devices: number;
  readonly pointsPerDevice: number;
  /** writeBuffer.maxRows (default 20,000). */
  readonly maxRows?: number;
  /** writeBuffer.flushIntervalMs (default 1000). */
  readonly flushIntervalMs?: number;
  /** writeBuffer.idleFlushDelayMs (default: flushIntervalMs, i.e. batches sealed by size or age only). */
  readonly idleFlushDelayMs?: number;
  /** Time the UI queries and a retention sweep after writing. */
  readonly queries?: boolean;
  /**
   * Offer rows at this steady rate instead of as fast as the store takes them (then `rows`
   * is rate × seconds). Shows whether the store keeps up for good: the backlog must not grow.
   */
  readonly ratePerSecond?: number;
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface QueryTiming {
  readonly rows: number;
  readonly medianMs: number;
  readonly maxMs: number;
}

export interface QueryTimings {
  /** The device queried has this many rows; the window is the middle half of its history. */
  readonly deviceRows: number;
  readonly devicePage100: QueryTiming;
  readonly devicePage1000: QueryTiming;
  /** The page after devicePage1000, resumed from its last row. */
  readonly deviceNextPage1000: QueryTiming;
  readonly pointChart1000: QueryTiming;
  /** Every row of one point in the window, up to MAX_QUERY_LIMIT. */
  readonly pointExport: QueryTiming;
  /** Deleting the oldest tenth of the table by age. */
  readonly retention: { readonly rows: number; readonly ms: number; readonly msPer5000Rows: number };
}

export interface SqliteWriteBenchResult {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** Over the first and the second half of the rows: does the rate hold as the table grows? */
  readonly rowsPerSecondByHalf: readonly number[];
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
  /** Rows committed in each minute of the run (paced runs). */
  readonly rowsPerSecondByMinute: readonly number[];
  /** Largest backlog seen in each minute (paced runs): flat means the store keeps up. */
  readonly maxBacklogByMinute: readonly number[];
  /** Rows the MySQL store had to put in its spill journal (0 when it kept up). */
  readonly rowsSpilled: number;
  readonly queries?: QueryTimings;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const EPOCH = Date.UTC(2025, 0, 1);
const ROUND_MS = 1000;
const DAY_MS = 86_400_000;

export async function benchSqliteWrites(options: SqliteWriteBenchOptions): Promise<SqliteWriteBenchResult> {
  const { rows, devices, pointsPerDevice } = options;
  const maxRows = options.maxRows ?? 20_000;
  const dir = await mkdtemp(join(tmpdir(), 'dtuhub-bench-'));
  const latencies: number[] = [];
  const commits: number[] = [];
  let flushedRows = 0;
  const halves: number[] = [];
  let halfStarted = 0;
  let halfRows = 0;
  const maxPendingRows = Math.max(20 * maxRows, 100_000);
  const byMinute: number[] = [];
  const backlogByMinute: number[] = [];
  let started = 0;
  const minute = () => Math.floor((performance.now() - started) / 60_000);
  const history = createHistoryStore(
    {
      storage: options.storage ?? { ...defaultStorage(), path: join(dir, 'bench.db') },
      writeBuffer: {
        maxRows,
        flushIntervalMs: options.flushIntervalMs ?? 1000,
        idleFlushDelayMs: options.idleFlushDelayMs ?? options.flushIntervalMs ?? 1000,
        maxPendingRows,
      },
      // Only swept when asked (--queries): rows older than a day before the bench's "now".
      retention: { ...retentionKeepingEverything('none'), deviceDataMs: DAY_MS },
    },
    process.env['BENCH_LOG'] ? createLogger({ level: 'debug', pretty: false }) : silentLogger(),
    {
      onFlush: ({ rows: n, ms, writeMs }) => {
        latencies.push(ms);
        if (writeMs !== null) commits.push(writeMs);
        flushedRows += n;
        halfRows += n;
        if (started > 0) byMinute[minute()] = (byMinute[minute()] ?? 0) + n;
        if (halves.length === 0 && halfRows >= rows / 2) {
          const now = performance.now();
          halves.push(Math.round(halfRows / ((now - halfStarted) / 1000)));
          halfStarted = now;
          halfRows = 0;
        }
      },
    },
  );
  await history.start();
  try {
    const writer = history.writer;
    const ids = Array.from({ length: devices }, (_, d) => `DTU${String(d).padStart(6, '0')}`);
    const points = Array.from({ length: pointsPerDevice }, (_, p) => `point_${p}`);
    for (const [d, id] of ids.entries()) {
      writer.deviceOnline({
        registrationId: id,
        profile: 'bench',
        name: null,
        ip: '10.0.0.1',
        port: 10_000 + d,
        listener: 'main',
        at: EPOCH,
      });
    }
    await writer.flush();
    flushedRows = 0;
    latencies.length = 0;
    commits.length = 0;

    let written = 0;
    let mainThreadMs = 0;
    let maxBacklogRows = 0;
    let rounds = 0;
    // Let replies from the writer in, and hold back while the backlog is deep: a producer
    // that outruns the store would only measure the drop counter (or, for MySQL, the spill
    // journal, which takes over above half the cap; a quarter stays clear of it).
    const holdBack = async () => {
      const backlog = writer.stats().rowsBuffered;
      maxBacklogRows = Math.max(maxBacklogRows, backlog);
      backlogByMinute[minute()] = Math.max(backlogByMinute[minute()] ?? 0, backlog);
      await nextTurn();
      while (writer.stats().rowsBuffered > maxPendingRows / 4) await new Promise((r) => setTimeout(r, 1));
    };
    started = performance.now();
    halfStarted = started;
    // Paced: round r (one simulated second of every device) is offered at started + r × roundMs.
    const roundMs = options.ratePerSecond ? (1000 * devices * pointsPerDevice) / options.ratePerSecond : 0;
    halfRows = 0;
    for (let round = 0; written < rows; round++) {
      const ts = EPOCH + round * ROUND_MS;
      rounds = round + 1;
      const due = started + round * roundMs;
      if (roundMs > 0 && performance.now() < due) await new Promise((r) => setTimeout(r, due - performance.now()));
      for (let d = 0; d < devices && written < rows; d++) {
        const n = Math.min(pointsPerDevice, rows - written);
        const batch: Sample[] = new Array(n);
        for (let p = 0; p < n; p++) {
          const raw = (round * 7 + p) & 0xffff;
          batch[p] = {
            deviceId: ids[d]!,
            point: points[p]!,
            slave: 1,
            address: 2000 + 2 * p,
            value: raw / 10,
            text: null,
            raw: raw.toString(16).padStart(4, '0'),
            ts,
            quality: 'good',
          };
        }
        const t = performance.now();
        writer.samples(batch);
        mainThreadMs += performance.now() - t;
        written += n;
        if (d % 100 === 99) await holdBack();
      }
      await holdBack();
    }
    await writer.flush();
    await history.drained();
    const seconds = (performance.now() - started) / 1000;
    if (halves.length === 1) halves.push(Math.round(halfRows / ((performance.now() - halfStarted) / 1000)));
    const stats = writer.stats();
    const queried = options.queries
      ? await timeQueries(history, ids[Math.floor(devices / 2)]!, points, rounds)
      : undefined;
    return {
      rows: written,
      seconds: round2(seconds),
      rowsPerSecond: Math.round(flushedRows / seconds),
      rowsPerSecondByHalf: halves,
      flushes: latencies.length,
      rowsDropped: stats.rowsDropped,
      flushLatencyMs: percentiles(latencies),
      commitMs: percentiles(commits),
      rowsPerFlush: Math.round(flushedRows / Math.max(1, latencies.length)),
      mainThreadUsPerRow: round2((mainThreadMs * 1000) / written),
      maxBacklogRows,
      rowsPerSecondByMinute: byMinute.map((n) => Math.round(n / 60)),
      maxBacklogByMinute: backlogByMinute,
      rowsSpilled: stats.rowsSpilled,
      ...(queried ? { queries: queried } : {}),
    };
  } finally {
    await history.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The UI's three history queries on one device, then a retention sweep of the oldest tenth. */
async function timeQueries(
  history: HistoryStore,
  device: string,
  points: readonly string[],
  rounds: number,
): Promise<QueryTimings> {
  const reader = history.reader;
  const span = rounds * ROUND_MS;
  const window = { registrationId: device, from: EPOCH + Math.floor(span / 4), to: EPOCH + Math.floor((3 * span) / 4) };
  const deviceRows = (await reader.counts()).deviceData; // warms the page cache like a live server's would be
  const firstPage = await reader.data({ ...window, limit: 1000 });
  const last = firstPage.at(-1);
  const after = last ? { ts: last.ts, point: last.point } : undefined;
  const point = points[Math.floor(points.length / 2)]!;
  const timings = {
    deviceRows: Math.round(deviceRows / Math.max(1, (await reader.devices()).length)),
    devicePage100: await timeQuery(reader, { ...window, limit: 100 }, 20),
    devicePage1000: await timeQuery(reader, { ...window, limit: 1000 }, 20),
    deviceNextPage1000: await timeQuery(reader, { ...window, limit: 1000, ...(after ? { after } : {}) }, 20),
    pointChart1000: await timeQuery(reader, { ...window, point, limit: 1000 }, 20),
    pointExport: await timeQuery(reader, { ...window, point, limit: MAX_QUERY_LIMIT }, 5),
  };
  // "Now" such that the oldest tenth of the rounds is older than deviceDataMs.
  const report = await history.sweepRetention(EPOCH + DAY_MS + Math.floor(span / 10));
  return {
    ...timings,
    retention: {
      rows: report.deviceData,
      ms: round2(report.ms),
      msPer5000Rows: round2((report.ms * 5000) / Math.max(1, report.deviceData)),
    },
  };
}

async function timeQuery(reader: HistoryReader, query: DataQuery, repeats: number): Promise<QueryTiming> {
  let rows = (await reader.data(query)).length; // warm-up
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    rows = (await reader.data(query)).length;
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { rows, medianMs: round2(ms[Math.floor(ms.length / 2)]!), maxMs: round2(ms.at(-1)!) };
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
    queries: args.includes('--queries'),
  });
  console.log(JSON.stringify(result, null, 2));
}
