// The history scenario's store side, in its own process so its disk writes (/proc/self/io,
// every thread: writer, checkpointer, readers) and CPU are the store's alone.
//
//   node dist/bench/history-proc.js   (then `sqlite` or `mysql` requests over IPC)
//
// `sqlite`: generate a dataset into a fresh file, stop the store (which checkpoints and
// removes the WAL), measure the file, then time its charts on the store reopened. `mysql`:
// the same generation into a fresh MariaDB database, then its table sizes.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultStorage } from '../src/config/compile-server.js';
import { announceReady, serveRequests } from './child-rpc.js';
import { timeChart, type ChartTiming } from './history-chart.js';
import { chartCost, type ChartCost } from './history-chart-cost.js';
import { expectedChartSamples } from './history-expected.js';
import { fillHistory, openStore, type FillResult, type HistoryDataset } from './history-fill.js';
import { mysqlSizes, sqliteSizes, type MysqlSizes, type SqliteSizes } from './history-size.js';
import { createBenchDatabase } from './mysql-bench-db.js';
import { processWindow, sampleProcess, type ProcessWindow } from './process-sample.js';
import { newThreads, threadWriteBytes } from './thread-io.js';

export interface SqliteDatasetArgs {
  readonly dataset: HistoryDataset;
  /** The last round is just before this (epoch ms). */
  readonly endAt: number;
  /** Time a chart of the whole range of the first device, all its points, with these bucket counts. */
  readonly chartBuckets: readonly number[];
  /** Keep a copy of the database file here (the fleet run with charts serves it). */
  readonly keepAt?: string;
}

export interface SqliteDatasetResult {
  readonly dataset: HistoryDataset;
  readonly fill: FillResult;
  /** From opening the store to its stop (the final checkpoint included). */
  readonly window: ProcessWindow;
  /** Bytes the process caused to be written to storage, all of it, per sample. */
  readonly diskWriteBytesPerSample: number | null;
  /**
   * The same split by thread, per sample: the writer thread (WAL appends), the checkpointer
   * thread (WAL pages copied into the database file), and the rest (the last checkpoint and
   * rollups written at stop, the main thread). Null without /proc/self/task.
   */
  readonly diskWrites: { readonly wal: number; readonly checkpoints: number; readonly rest: number } | null;
  readonly sizes: SqliteSizes;
  readonly charts: readonly ChartTiming[];
  /** The widest chart's hour-tier reads alone, three ways (null without charts). */
  readonly chartCost: ChartCost | null;
}

export interface MysqlDatasetResult {
  readonly dataset: HistoryDataset;
  readonly fill: FillResult;
  readonly sizes: MysqlSizes;
}

async function sqlite(args: unknown): Promise<SqliteDatasetResult> {
  const { dataset, endAt, chartBuckets, keepAt } = args as SqliteDatasetArgs;
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-history-'));
  try {
    const storage = { ...defaultStorage(), path: join(dir, 'history.db') };
    const before = sampleProcess();
    const threadsBefore = threadWriteBytes();
    let commits = 0;
    const store = openStore(storage, () => commits++);
    await store.start();
    let fill: FillResult;
    let threads: { tid: number; bytes: number }[];
    try {
      fill = await fillHistory(store, dataset, endAt, () => commits);
      // Before the stop, while the writer and checkpointer threads (started in that order) still run.
      threads = newThreads(threadsBefore, threadWriteBytes());
    } finally {
      await store.stop();
    }
    const window = processWindow(before, sampleProcess());
    const sizes = sqliteSizes(storage.path);
    const open = async () => {
      const s = openStore(storage);
      await s.start();
      return s;
    };
    const charts: ChartTiming[] = [];
    const expectedSamples = expectedChartSamples(storage.path, dataset, fill);
    for (const buckets of chartBuckets) {
      charts.push(
        await timeChart(open, {
          label: dataset.label,
          registrationId: fill.deviceIds[0]!,
          points: fill.pointNames,
          from: fill.from,
          to: fill.to,
          buckets,
          expectedSamples,
        }),
      );
    }
    const widest = charts.at(-1);
    const cost = widest
      ? chartCost(storage.path, {
          registrationId: fill.deviceIds[0]!,
          points: fill.pointNames,
          from: fill.from,
          to: fill.to,
          bucketMs: widest.bucketMs,
        })
      : null;
    if (keepAt) copyFileSync(storage.path, keepAt);
    const written = window.diskWriteBytesPerSec === null ? null : window.diskWriteBytesPerSec * window.seconds;
    const [writer, checkpointer] = threads;
    return {
      dataset,
      fill,
      window,
      diskWriteBytesPerSample: written === null ? null : written / fill.samples,
      diskWrites:
        written === null || !writer || !checkpointer
          ? null
          : {
              wal: writer.bytes / fill.samples,
              checkpoints: checkpointer.bytes / fill.samples,
              rest: (written - writer.bytes - checkpointer.bytes) / fill.samples,
            },
      sizes,
      charts,
      chartCost: cost,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function mysql(args: unknown): Promise<MysqlDatasetResult> {
  const { dataset, endAt } = args as SqliteDatasetArgs;
  const database = await createBenchDatabase();
  try {
    let commits = 0;
    const store = openStore(database.storage, () => commits++);
    await store.start();
    let fill: FillResult;
    try {
      fill = await fillHistory(store, dataset, endAt, () => commits);
    } finally {
      await store.stop();
    }
    return { dataset, fill, sizes: await mysqlSizes(database.storage) };
  } finally {
    await database.drop();
  }
}

serveRequests({ sqlite, mysql }, async () => undefined);
announceReady({ pid: process.pid });
