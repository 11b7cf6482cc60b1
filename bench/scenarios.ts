// The benchmark's scenarios with their durations (full and --quick), and the runners for
// the ones that are not fleet runs: the SQLite write path (3) and the in-process gateway
// path (4a). Every wait is bounded; every socket is on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBenchConfig, BENCH_POINTS } from './bench-config.js';
import { createBenchDatabase } from './mysql-bench-db.js';
import { BenchChild } from './child-rpc.js';
import type { FleetScenarioSpec } from './fleet-scenario.js';
import type { InprocResult, InprocRunArgs } from './gateway-inproc.js';
import type { SqliteRunArgs, SqliteRunResult } from './sqlite-proc.js';
import type { SqliteWriteBenchOptions } from './sqlite-write.js';
import {
  downloadExport,
  removeExportDatabase,
  type ExportBenchOptions,
  type ExportBenchResult,
  type ExportFillResult,
  type ExportRun,
  type ServingApp,
} from './export-bench.js';

/**
 * The write buffer of every fleet scenario. 5,000 rows is 100 ms of scenario 1's 50,000
 * points/s, so there batches are sealed by size; at scenario 2's ~5,000 points/s the
 * 200 ms timer seals them. Large commits are cheaper per row (each touches the index pages
 * of every device once); the price is up to one fill time of waiting before the commit.
 */
export const WRITE_BUFFER = { maxRows: 5000, flushIntervalMs: 200 } as const;

/** Scenario 1b: the same fleet with batches five times smaller, to show the latency/cost trade. */
export const SMALL_WRITE_BUFFER = { maxRows: 1000, flushIntervalMs: 50 } as const;

/** The fleet heartbeats every 30 s; the server counts a miss per 60 s without one. */
const FLEET_HEARTBEAT_MS = 30_000;
const SERVER_HEARTBEAT_MS = 60_000;
const CONNECT_RATE = 1000;

export interface Durations {
  readonly s1: { warmupMs: number; measureMs: number };
  readonly s1b: { warmupMs: number; measureMs: number };
  readonly s2: { warmupMs: number; measureMs: number };
  readonly s3Rows: number;
  readonly s4a: { warmupMs: number; measureMs: number };
  readonly s4b: { warmupMs: number; measureMs: number };
  readonly profile: { warmupMs: number; measureMs: number; sqliteRows: number };
  /** Scenario 6: rows for the flat-out MariaDB run, and how long the paced run lasts. */
  readonly s6Rows: number;
  readonly s6PacedMs: number;
  /** Scenario 8: each of its nine runs (three sizes × dtuhub app, channels alone, peer). */
  readonly s8: { warmupMs: number; measureMs: number };
}

export const FULL: Durations = {
  s1: { warmupMs: 15_000, measureMs: 45_000 },
  s1b: { warmupMs: 15_000, measureMs: 30_000 },
  s2: { warmupMs: 20_000, measureMs: 40_000 },
  s3Rows: 2_000_000,
  s4a: { warmupMs: 5_000, measureMs: 20_000 },
  s4b: { warmupMs: 10_000, measureMs: 30_000 },
  profile: { warmupMs: 5_000, measureMs: 15_000, sqliteRows: 500_000 },
  s6Rows: 2_000_000,
  s6PacedMs: 600_000,
  s8: { warmupMs: 3_000, measureMs: 10_000 },
};

export const QUICK: Durations = {
  s1: { warmupMs: 5_000, measureMs: 10_000 },
  s1b: { warmupMs: 5_000, measureMs: 10_000 },
  s2: { warmupMs: 10_000, measureMs: 10_000 },
  s3Rows: 300_000,
  s4a: { warmupMs: 3_000, measureMs: 8_000 },
  s4b: { warmupMs: 5_000, measureMs: 10_000 },
  profile: { warmupMs: 3_000, measureMs: 8_000, sqliteRows: 200_000 },
  s6Rows: 300_000,
  s6PacedMs: 60_000,
  s8: { warmupMs: 1_500, measureMs: 4_000 },
};

function fleetSpec(
  title: string,
  server: FleetScenarioSpec['server'],
  dtus: number,
  pollEveryMs: number,
  timing: { warmupMs: number; measureMs: number },
  writeBuffer: FleetScenarioSpec['writeBuffer'] = WRITE_BUFFER,
): FleetScenarioSpec {
  return {
    title,
    server,
    dtus,
    pollEveryMs,
    ...timing,
    heartbeatMs: FLEET_HEARTBEAT_MS,
    serverHeartbeatMs: SERVER_HEARTBEAT_MS,
    connectRate: CONNECT_RATE,
    writeBuffer,
  };
}

export const scenario1 = (d: Durations) =>
  fleetSpec('1,000 DTUs polled every second, stored in SQLite', 'app', 1000, 1000, d.s1);
export const scenario1b = (d: Durations) =>
  fleetSpec('1b. the same with batches of 1,000 rows / 50 ms', 'app', 1000, 1000, d.s1b, SMALL_WRITE_BUFFER);
export const scenario2 = (d: Durations) =>
  fleetSpec('10,000 DTUs held, polled every 10 s, stored in SQLite', 'app', 10_000, 10_000, d.s2);
export const scenario6 = (d: Durations): FleetScenarioSpec => ({
  ...fleetSpec('1,000 DTUs polled every second, stored in MariaDB', 'app', 1000, 1000, d.s1),
  store: 'mysql',
});
/**
 * Scenario 7: scenario 1 with a rule on every point (50 rules, so every one of the 50,000
 * samples/s is evaluated) sending its firings to a webhook receiver on 127.0.0.1. The
 * simulated points are sines around 100 ± 50 over 10 minutes: `> 140` with hysteresis 6
 * fires once and recovers once per device and point per period, about 170 webhooks/s.
 */
export const RULE_LIMIT = 140;
export function scenario7Rules(webhookUrl: string): unknown {
  return {
    version: 1,
    webhooks: { bench: { url: webhookUrl, concurrency: 8, timeout: '5s', secret: 'bench-secret-0123456789' } },
    rules: BENCH_POINTS.map((p) => ({
      name: `high-${p.name}`,
      point: p.name,
      when: { '>': RULE_LIMIT },
      hysteresis: 6,
      actions: [{ webhook: 'bench' }],
    })),
  };
}
export const scenario7 = (d: Durations): { baseline: FleetScenarioSpec; rules: FleetScenarioSpec } => ({
  baseline: fleetSpec('7 (baseline): scenario 1 without rules', 'app', 1000, 1000, d.s1),
  rules: {
    ...fleetSpec('7: 1,000 DTUs × 1 s, a rule on every sample, webhooks to 127.0.0.1', 'app', 1000, 1000, d.s1),
    rules: scenario7Rules,
  },
});

export const scenario4b = (d: Durations) =>
  fleetSpec('gateway only (no storage), 1,000 DTUs every second, real sockets', 'gateway', 1000, 1000, d.s4b);
export const scenario5 = (d: Durations) =>
  fleetSpec('peer: modbus-serial, 1,000 DTUs every second, no storage', 'peer', 1000, 1000, d.s4b);

const DIST = new URL('./', import.meta.url);
const script = (name: string) => new URL(name, DIST).pathname;

/** Scenario 3: one row per point, 1,000 devices × 50 points, through the app's history writer. */
export function sqliteRuns(rows: number): SqliteWriteBenchOptions[] {
  return [
    {
      rows,
      devices: 1000,
      pointsPerDevice: 50,
      maxRows: WRITE_BUFFER.maxRows,
      flushIntervalMs: WRITE_BUFFER.flushIntervalMs,
    },
    { rows, devices: 1000, pointsPerDevice: 50, maxRows: 20_000, flushIntervalMs: 1000 },
  ];
}

/** The MariaDB goal: at least this many points/s, held for the paced run without a growing backlog. */
export const MYSQL_PACED_RATE = 150_000;

/**
 * Scenario 6 write path: flat out (as fast as MariaDB commits), then paced at the goal rate
 * for s6PacedMs. Each run gets a fresh database, created by `runMysqlWrites`.
 */
export function mysqlRuns(d: Durations): Omit<SqliteWriteBenchOptions, 'storage'>[] {
  const base = {
    devices: 1000,
    pointsPerDevice: 50,
    maxRows: WRITE_BUFFER.maxRows,
    flushIntervalMs: WRITE_BUFFER.flushIntervalMs,
  };
  return [
    { rows: d.s6Rows, ...base },
    { rows: Math.round((MYSQL_PACED_RATE * d.s6PacedMs) / 1000), ratePerSecond: MYSQL_PACED_RATE, ...base },
  ];
}

export async function runMysqlWrites(options: Omit<SqliteWriteBenchOptions, 'storage'>): Promise<SqliteRunResult> {
  const database = await createBenchDatabase();
  try {
    return await runSqlite({ ...options, storage: database.storage });
  } finally {
    await database.drop();
  }
}

/** With `profileDir`: a window profile of the main thread and, via --cpu-prof, of the writer thread. */
export async function runSqlite(options: SqliteWriteBenchOptions, profileDir?: string): Promise<SqliteRunResult> {
  const nodeFlags = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const child = BenchChild.start('sqlite-write', script('sqlite-proc.js'), [], { nodeFlags });
  try {
    await child.whenReady();
    const args: SqliteRunArgs = profileDir ? { options, profileDir } : { options };
    return await child.request<SqliteRunResult>('run', args, 1_800_000);
  } finally {
    await child.stop();
  }
}

/** Scenario 4a: 1,000 in-process DTUs on loopback sockets, polled every second. */
export async function runInproc(
  timing: { warmupMs: number; measureMs: number },
  profileDir?: string,
): Promise<InprocResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-'));
  const child = (() => {
    writeBenchConfig(dir, {
      dbPath: join(dir, 'unused.db'),
      pollEveryMs: 1000,
      connectStaggerMs: 1000,
      heartbeatIntervalMs: SERVER_HEARTBEAT_MS,
      maxConnections: 10_000,
      writeBuffer: WRITE_BUFFER,
      logLevel: 'silent',
    });
    return BenchChild.start('gateway-inproc', script('gateway-inproc.js'), ['--config', dir]);
  })();
  try {
    await child.whenReady();
    const args: InprocRunArgs = { count: 1000, ...timing, ...(profileDir ? { profileDir } : {}) };
    return await child.request<InprocResult>('run', args, timing.warmupMs + timing.measureMs + 60_000);
  } finally {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The export scenario: one million rows of one device (10 points × 100,000 rounds). */
export const EXPORT_OPTIONS: ExportBenchOptions = { rows: 1_000_000, points: 10 };

/**
 * Export scenario: the rows written in one child; then, for each format, a fresh child
 * serves them and this process downloads, so each RSS figure is the app's alone and starts
 * from an idle app (RSS hardly shrinks after a peak, so a second export in the same process
 * would start from the first one's high-water mark).
 */
export async function runExports(options: ExportBenchOptions = EXPORT_OPTIONS): Promise<ExportBenchResult> {
  const child = () => BenchChild.start('export', script('export-proc.js'), [], { nodeFlags: ['--expose-gc'] });
  const filler = child();
  let fill: ExportFillResult;
  try {
    await filler.whenReady();
    fill = await filler.request<ExportFillResult>('fill', options, 600_000);
  } finally {
    await filler.stop();
  }
  try {
    const runs: ExportRun[] = [];
    for (const format of ['csv', 'xlsx'] as const) {
      const server = child();
      try {
        await server.whenReady();
        const app = await server.request<ServingApp>('serve', fill);
        const rssBeforeBytes = await server.request<number>('measure', null);
        const { seconds, bytes } = await downloadExport(app, format, fill.rows);
        const rssPeakBytes = await server.request<number>('peak', null);
        runs.push({
          format,
          rows: fill.rows,
          seconds,
          rowsPerSecond: Math.round(fill.rows / seconds),
          bytes,
          rssBeforeBytes,
          rssPeakBytes,
        });
        await server.request('stop', null);
      } finally {
        await server.stop();
      }
    }
    return { options, fillSeconds: fill.fillSeconds, runs };
  } finally {
    await removeExportDatabase(fill);
  }
}
