// The "history at fleet scale" scenario (issue 16): a year of history charted, bytes per
// stored point on disk (SQLite and MariaDB), disk bytes written per stored row against the
// commit before rollups, and scenario 1 run while a client charts that year nonstop.
//
// Each part runs in its own child process (history-proc.ts, sqlite-proc.ts, the fleet's
// server-proc.ts), so disk writes and CPU read from /proc belong to the store alone.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChartLoad, type ChartLoadSummary } from './chart-load.js';
import { BenchChild } from './child-rpc.js';
import { runFleetScenario, type AppWeb, type FleetScenarioResult, type FleetScenarioSpec } from './fleet-scenario.js';
import type { HistoryDataset } from './history-fill.js';
import type { MysqlDatasetResult, SqliteDatasetArgs, SqliteDatasetResult } from './history-proc.js';
import type { SqliteRunResult } from './sqlite-proc.js';
import type { SqliteWriteBenchOptions } from './sqlite-write.js';
import { WalWatch, type WalSummary } from './wal-watch.js';

const DAY_MS = 86_400_000;
const DIST = new URL('./', import.meta.url);
const script = (name: string) => new URL(name, DIST).pathname;

export interface HistoryDatasets {
  /** 1 device × 8 points every 30 s for a year: the 1-year chart. */
  readonly year: HistoryDataset;
  /** 1 device × 8 points every second for 30 days: the 30-day chart of a 1 Hz device. */
  readonly month1Hz: HistoryDataset;
  /** Scenario 1's shape (1,000 devices × 50 points, every second): bytes per point, SQLite and MariaDB. */
  readonly fleet: HistoryDataset;
  /** The year's device with the example's store-by-exception policies on, for a month: bytes per point polled. */
  readonly exception: HistoryDataset;
}

export function historyDatasets(quick: boolean): HistoryDatasets {
  const days = (n: number, periodMs: number) => Math.round((n * DAY_MS) / periodMs);
  return {
    year: {
      label: quick ? '30 days at 30 s' : '1 year at 30 s',
      profile: 'example',
      devices: 1,
      points: 8,
      periodMs: 30_000,
      rounds: days(quick ? 30 : 365, 30_000),
    },
    month1Hz: {
      label: quick ? '3 days at 1 Hz' : '30 days at 1 Hz',
      profile: 'example',
      devices: 1,
      points: 8,
      periodMs: 1000,
      rounds: days(quick ? 3 : 30, 1000),
    },
    fleet: {
      label: `1,000 devices × 50 points × ${quick ? 20 : 60} rounds`,
      profile: 'bench',
      devices: 1000,
      points: 50,
      periodMs: 1000,
      rounds: quick ? 20 : 60,
    },
    exception: {
      label: `${quick ? '3' : '30'} days at 30 s, the example's exception policies`,
      profile: 'example-policies',
      devices: 1,
      points: 8,
      periodMs: 30_000,
      rounds: days(quick ? 3 : 30, 30_000),
    },
  };
}

/** Chart sizes timed: the UI's default width and a wide one. */
export const CHART_BUCKETS = [240, 1000] as const;

/** Scenario 3's workload, and a 1 Hz device of 8 points, for disk bytes written per row. */
export function writeBytesRuns(quick: boolean): SqliteWriteBenchOptions[] {
  const batches = { maxRows: 5000, flushIntervalMs: 200 };
  return [
    { rows: quick ? 300_000 : 1_000_000, devices: 1000, pointsPerDevice: 50, ...batches },
    { rows: quick ? 300_000 : 1_000_000, devices: 1, pointsPerDevice: 8, ...batches },
  ];
}

export interface WriteBytesRun {
  readonly tree: 'before' | 'now';
  readonly run: SqliteRunResult;
}

/** Parts that can run alone: `--only history` runs them all, `--only history-charts` one. */
export const HISTORY_PARTS = ['charts', 'bytes', 'writes', 'fleet'] as const;
export type HistoryPart = (typeof HISTORY_PARTS)[number];

export interface HistoryBenchResult {
  readonly quick: boolean;
  readonly parts: readonly HistoryPart[];
  readonly datasets: HistoryDatasets;
  /** charts, fleet (whose database it is). */
  readonly year?: SqliteDatasetResult;
  /** charts. */
  readonly month1Hz?: SqliteDatasetResult;
  /** bytes. */
  readonly fleetSqlite?: SqliteDatasetResult;
  /** bytes: stored by exception. */
  readonly exception?: SqliteDatasetResult;
  readonly fleetMysql?: MysqlDatasetResult;
  /** What `before` ran: the checkout given with --base. */
  readonly base: string | null;
  readonly writeBytes: readonly WriteBytesRun[];
  /** Scenario 1 on a database holding the year, without and with a client charting it nonstop; repeated. */
  readonly fleet: readonly FleetPair[];
  readonly chartLoads: readonly ChartLoadSummary[];
}

export interface FleetPair {
  readonly plain: FleetScenarioResult;
  readonly charts: FleetScenarioResult;
  /** The database's WAL file over each run's window. */
  readonly wal: { readonly plain: WalSummary; readonly charts: WalSummary };
}

export interface HistoryScenarioOptions {
  readonly quick: boolean;
  readonly parts: ReadonlySet<HistoryPart>;
  /** Scenario 1's window. */
  readonly fleetSpec: FleetScenarioSpec;
  /** A built checkout of the commit before rollups (dist/bench/sqlite-proc.js): the "before" of bytes written. */
  readonly base?: string;
  /** Runs of the noisy parts (write bytes, fleet): at least 2. */
  readonly repeats: number;
  readonly mysql: boolean;
}

async function inChild<T>(name: string, path: string, type: string, args: unknown): Promise<T> {
  const child = BenchChild.start(name, path, []);
  try {
    await child.whenReady();
    return await child.request<T>(type, args, 3_600_000);
  } finally {
    await child.stop();
  }
}

export async function runHistoryScenario(
  options: HistoryScenarioOptions,
  log: (line: string) => void,
): Promise<HistoryBenchResult> {
  const datasets = historyDatasets(options.quick);
  const wants = (part: HistoryPart) => options.parts.has(part);
  const keep = mkdtempSync(join(tmpdir(), 'dtuhub-bench-history-keep-'));
  const endAt = Date.now();
  const result: { -readonly [K in keyof HistoryBenchResult]: HistoryBenchResult[K] } = {
    quick: options.quick,
    parts: HISTORY_PARTS.filter(wants),
    datasets,
    base: options.base ?? null,
    writeBytes: [],
    fleet: [],
    chartLoads: [],
  };
  try {
    const sqlite = (dataset: HistoryDataset, chartBuckets: readonly number[], keepAt?: string, end = endAt) => {
      log(
        `  ${dataset.label}: ${(dataset.devices * dataset.points * dataset.rounds).toLocaleString('en-US')} samples…`,
      );
      const args: SqliteDatasetArgs = { dataset, endAt: end, chartBuckets, ...(keepAt ? { keepAt } : {}) };
      return inChild<SqliteDatasetResult>('history', script('history-proc.js'), 'sqlite', args);
    };
    const yearDb = join(keep, 'year.db');
    if (wants('charts') || wants('fleet')) {
      result.year = await sqlite(datasets.year, wants('charts') ? CHART_BUCKETS : [], yearDb);
      log(`  → ${result.year.fill.samplesPerSecond} samples/s; ${chartLine(result.year)}`);
    }
    if (wants('charts')) {
      result.month1Hz = await sqlite(datasets.month1Hz, CHART_BUCKETS);
      log(`  → ${result.month1Hz.fill.samplesPerSecond} samples/s; ${chartLine(result.month1Hz)}`);
    }
    if (wants('bytes')) {
      // Whole minutes: a chart reads the partial minutes at its ends from raw rows, which
      // under store by exception hold only the samples stored (docs/CONFIG.md).
      const minuteEnd = Math.floor(endAt / 60_000) * 60_000;
      result.exception = await sqlite(datasets.exception, [Math.max(...CHART_BUCKETS)], undefined, minuteEnd);
      const e = result.exception.fill;
      log(`  → ${((100 * e.stored) / e.samples).toFixed(1)} % of the samples stored; ${chartLine(result.exception)}`);
      result.fleetSqlite = await sqlite(datasets.fleet, []);
      if (options.mysql) {
        log(`  ${datasets.fleet.label} into MariaDB…`);
        const args: SqliteDatasetArgs = { dataset: datasets.fleet, endAt, chartBuckets: [] };
        result.fleetMysql = await inChild<MysqlDatasetResult>(
          'history-mysql',
          script('history-proc.js'),
          'mysql',
          args,
        );
      }
    }
    if (wants('writes')) result.writeBytes = await writeBytes(options, log);
    if (wants('fleet')) await fleetWithCharts(options, result, result.year!, yearDb, log);
    return result;
  } finally {
    rmSync(keep, { recursive: true, force: true });
  }
}

/** Disk bytes written per row by the write path now, and (with --base) before rollups; repeated, interleaved. */
async function writeBytes(options: HistoryScenarioOptions, log: (line: string) => void): Promise<WriteBytesRun[]> {
  const runs: WriteBytesRun[] = [];
  const trees: { tree: WriteBytesRun['tree']; proc: string }[] = [
    ...(options.base ? [{ tree: 'before' as const, proc: join(options.base, 'dist/bench/sqlite-proc.js') }] : []),
    { tree: 'now', proc: script('sqlite-proc.js') },
  ];
  for (let r = 0; r < options.repeats; r++) {
    for (const o of writeBytesRuns(options.quick)) {
      for (const { tree, proc } of trees) {
        const run = await inChild<SqliteRunResult>(`sqlite-write (${tree})`, proc, 'run', { options: o });
        log(
          `  write path, ${tree}, ${o.devices} × ${o.pointsPerDevice}: ${run.result.rowsPerSecond} rows/s, ${bytesPerRow(run).toFixed(0)} bytes written/row`,
        );
        runs.push({ tree, run });
      }
    }
  }
  return runs;
}

/** Scenario 1 on a copy of the year's database, plain and with the year charted nonstop; repeated, interleaved. */
async function fleetWithCharts(
  options: HistoryScenarioOptions,
  result: { fleet: HistoryBenchResult['fleet']; chartLoads: HistoryBenchResult['chartLoads'] },
  year: SqliteDatasetResult,
  yearDb: string,
  log: (line: string) => void,
): Promise<void> {
  const fleet: FleetPair[] = [];
  const chartLoads: ChartLoadSummary[] = [];
  // The run's directory, learnt when its database is put in place: the WAL watch reads it.
  let dir = '';
  const prepare = async (runDir: string) => {
    dir = runDir;
    copyFileSync(yearDb, join(runDir, 'bench.db'));
  };
  let wal: WalSummary | null = null;
  const watched =
    (load?: ChartLoad) =>
    (web: AppWeb): (() => Promise<void>) => {
      const watch = new WalWatch(join(dir, 'bench.db-wal'));
      const stopLoad = load?.start(web);
      return async () => {
        await stopLoad?.();
        wal = watch.stop();
      };
    };
  const walOf = (): WalSummary => wal ?? { maxBytes: 0, meanBytes: 0, samples: 0 };
  for (let r = 0; r < options.repeats; r++) {
    log(`  scenario 1 on the year's database (${r + 1} of ${options.repeats})…`);
    wal = null;
    const plain = await runFleetScenario({ ...options.fleetSpec, prepare, duringWindow: watched() }, log);
    const plainWal = walOf();
    const load = new ChartLoad({
      registrationId: year.fill.deviceIds[0]!,
      points: year.fill.pointNames,
      from: year.fill.from,
      to: year.fill.to,
      buckets: Math.max(...CHART_BUCKETS),
      expectedSamples: year.fill.samples,
    });
    log(`  the same while a client charts the year nonstop…`);
    wal = null;
    const charts = await runFleetScenario({ ...options.fleetSpec, prepare, duringWindow: watched(load) }, log);
    const summary = load.summary();
    chartLoads.push(summary);
    fleet.push({ plain, charts, wal: { plain: plainWal, charts: walOf() } });
    log(
      `  → poll-to-stored p99 ${plain.pollToStoredMs?.p99 ?? '—'} ms plain, ${charts.pollToStoredMs?.p99 ?? '—'} ms charting (${summary.charts} charts, p50 ${summary.ms.p50} ms, ${summary.incomplete} incomplete, ${summary.failed} failed); WAL max ${(plainWal.maxBytes / 2 ** 20).toFixed(0)} / ${(walOf().maxBytes / 2 ** 20).toFixed(0)} MiB`,
    );
  }
  result.fleet = fleet;
  result.chartLoads = chartLoads;
}

export function bytesPerRow(run: SqliteRunResult): number {
  const w = run.window;
  return w.diskWriteBytesPerSec === null ? 0 : (w.diskWriteBytesPerSec * w.seconds) / Math.max(1, run.result.rows);
}

function chartLine(r: SqliteDatasetResult): string {
  return r.charts
    .map(
      (c) =>
        `${c.buckets} buckets: cold ${c.coldMs.join(' / ')} ms, warm p50 ${c.warm.p50} ms (${c.tier}, ${c.complete ? 'complete' : 'INCOMPLETE'})`,
    )
    .join('; ');
}
