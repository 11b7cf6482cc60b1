// Scenario 3 in its own process: the SQLite history write path (bench/sqlite-write.ts,
// the app's HistoryWriter and writer thread) driven as fast as it commits, with the
// process CPU time around it.
//
//   node dist/bench/sqlite-proc.js   (then a `run` request over IPC)
import { benchSqliteWrites, type SqliteWriteBenchOptions, type SqliteWriteBenchResult } from './sqlite-write.js';
import { announceReady, serveRequests } from './child-rpc.js';
import { processWindow, sampleProcess, type ProcessWindow } from './process-sample.js';
import { WindowProfiler } from './window-profiler.js';

export interface SqliteRunResult {
  readonly options: SqliteWriteBenchOptions;
  readonly result: SqliteWriteBenchResult;
  readonly window: ProcessWindow;
  /** Process CPU (main + writer thread) per committed row. */
  readonly cpuUsPerRow: number;
}

export interface SqliteRunArgs {
  readonly options: SqliteWriteBenchOptions;
  /** Write a main-thread CPU profile of the run into this directory. */
  readonly profileDir?: string;
}

async function run(args: unknown): Promise<SqliteRunResult> {
  const { options, profileDir } = args as SqliteRunArgs;
  const profiler = new WindowProfiler();
  if (profileDir) await profiler.start();
  const from = sampleProcess();
  const result = await benchSqliteWrites(options);
  const window = processWindow(from, sampleProcess());
  if (profileDir) await profiler.stop(profileDir);
  return { options, result, window, cpuUsPerRow: window.cpuUs / Math.max(1, result.rows) };
}

serveRequests({ run }, async () => undefined);
announceReady({ pid: process.pid });
