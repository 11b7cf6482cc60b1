// `npm run bench`: runs every scenario, prints progress, writes docs/BENCHMARKS.md.
//
//   npm run bench                       full run (about 25 minutes: scenario 6 paces MariaDB for 10,
//                                       scenario 8 takes under 3)
//   npm run bench -- --quick            short windows
//   npm run bench -- --only 1,3         some scenarios (1, 2, 3, 4, 5, 6, 7, 8, meters, export, live, history, flood,
//                                       spill, sinks; history-charts, -bytes, -writes, -fleet: a part of history)
//   npm run bench -- --base DIR         history: a built checkout before rollups, for bytes written
//   npm run bench -- --no-profile       skip the profiled runs
//   npm run bench -- --out FILE         write the report elsewhere (--json FILE: raw results)
//   npm run bench -- --render FILE      re-render the report from raw results saved with --json
//   npm run bench -- --only 1 --merge FILE   run some scenarios, keep the others from FILE (--json)
//                                       (6f: only the fleet part of 6, its write runs from FILE)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import { decodeBlock } from '../src/polling/block-decoder.js';
import { encodeRegistersResponse } from '../src/protocol/modbus/reply.js';
import { RegisterModel } from '../src/simulator/index.js';
import { benchDtuId, PROFILE_NAME, SLAVE, TASK_ADDRESS, TASK_QUANTITY, writeBenchConfig } from './bench-config.js';
import { summarizeProfiles } from './cpu-profile-summary.js';
import { runFleetScenario, type FleetScenarioResult, type FleetScenarioSpec } from './fleet-scenario.js';
import { childServer, LIVE_VIEWERS_SPEC, runLiveViewersScenario } from './live-viewers-scenario.js';
import { runModbusTcpScenario } from './modbus-tcp-scenario.js';
import { METERS_FULL, METERS_QUICK, runMeterScenario } from './meter-scenario.js';
import { HISTORY_PARTS, runHistoryScenario } from './history-scenario.js';
import { FLOOD_SPEC, runFloodScenario } from './flood-scenario.js';
import { decodeBenchPoints } from './peer-decode.js';
import { runSpillScenario, SPILL_FULL, SPILL_QUICK } from './spill-scenario.js';
import { runSinksScenario, SINKS_FULL, SINKS_QUICK } from './sinks-scenario.js';
import { renderReport, type BenchResults, type DecodeCheck, type MachineInfo, type ProfiledRun } from './report.js';
import type { SqliteRunResult } from './sqlite-proc.js';
import {
  FULL,
  mysqlRuns,
  QUICK,
  runExports,
  runInproc,
  runMysqlWrites,
  runSqlite,
  scenario1,
  scenario1b,
  scenario2,
  scenario4b,
  scenario5,
  scenario6,
  scenario7,
  sqliteRuns,
  WRITE_BUFFER,
} from './scenarios.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-profile': { type: 'boolean', default: false },
    out: { type: 'string', default: 'docs/BENCHMARKS.md' },
    json: { type: 'string' },
    render: { type: 'string' },
    merge: { type: 'string' },
    base: { type: 'string' },
  },
});

const durations = values.quick ? QUICK : FULL;
const QUIET_AFTER_SYNC_MS = 3000;
const only = new Set(
  (values.only ?? '1,2,3,4,5,6,7,8,meters,export,live,history,flood,spill,sinks').split(',').map((s) => s.trim()),
);
const wants = (n: string) => only.has(n);
const startedAt = Date.now();
const log = (line: string) => console.log(line);
const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(0)} s`;

function machine(): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    node: process.version,
    os: `${type()} ${release()}`,
    storage: filesystemOf(tmpdir()),
    date: new Date().toISOString(),
    loadBefore: loadavg()[0] ?? 0,
    loadAfter: 0,
  };
}

/** Where the bench databases live: commit and checkpoint times depend on it. Linux only. */
function filesystemOf(dir: string): string {
  try {
    const path = realpathSync(dir);
    let best: { mount: string; device: string; fs: string } | null = null;
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [device, mount, fs] = line.split(' ');
      if (!device || !mount || !fs) continue;
      const inside = path === mount || path.startsWith(mount.endsWith('/') ? mount : `${mount}/`);
      if (inside && (!best || mount.length > best.mount.length)) best = { mount, device, fs };
    }
    return best ? `${path} on ${best.fs} (${best.device})` : path;
  } catch {
    return dir;
  }
}

/** The peer's hand-written decoder must agree with dtuhub's on real responses before we compare them. */
function checkDecoders(): DecodeCheck {
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-'));
  try {
    writeBenchConfig(dir, {
      dbPath: join(dir, 'unused.db'),
      pollEveryMs: 1000,
      connectStaggerMs: 1000,
      heartbeatIntervalMs: 60_000,
      maxConnections: 10,
      writeBuffer: WRITE_BUFFER,
      logLevel: 'silent',
    });
    const profile = loadConfig(dir).points.profiles.get(PROFILE_NAME)!;
    const block = profile.tasks[0]!.blocks[0]!;
    let responses = 0;
    let points = 0;
    let mismatches = 0;
    for (let i = 0; i < 200; i++) {
      const id = benchDtuId(i);
      const at = Date.UTC(2025, 0, 1) + i * 7919;
      const registers = new RegisterModel(profile, id, id).registers(SLAVE, 3, TASK_ADDRESS, TASK_QUANTITY, at);
      const response = encodeRegistersResponse(SLAVE, 3, registers);
      const ours = decodeBlock(id, block, response, 3, at).samples;
      const theirs = decodeBenchPoints(id, response.subarray(3, 3 + 2 * TASK_QUANTITY), at);
      responses++;
      for (const sample of theirs) {
        points++;
        const match = ours.find((s) => s.point === sample.point);
        if (
          !match ||
          !Object.is(match.value, sample.value) ||
          match.raw !== sample.raw ||
          match.address !== sample.address
        )
          mismatches++;
      }
    }
    return { responses, points, mismatches };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function headline(r: FleetScenarioResult): string {
  const stored = r.pollToStoredMs ? `, poll-to-stored p99 ${r.pollToStoredMs.p99.toFixed(0)} ms` : '';
  return `  → ${r.connectionsHeld} connections, ${r.txPerSec.toFixed(0)} tx/s, ${r.server.cpuCores.toFixed(3)} cores, ${r.cpuUsPerTx.toFixed(1)} µs/tx${stored}, RSS ${(r.memory.end.rss / 1048576).toFixed(0)} MiB`;
}

async function fleet(label: string, spec: FleetScenarioSpec): Promise<FleetScenarioResult> {
  log(`[${elapsed()}] ${label}: ${spec.title}`);
  const result = await runFleetScenario(spec, log);
  log(headline(result));
  return result;
}

/**
 * Shorter runs under the profiler: the main thread over the window (inspector), worker
 * threads (the SQLite writer) over their life (--cpu-prof).
 */
async function profiled(): Promise<ProfiledRun[]> {
  const runs: ProfiledRun[] = [];
  const profileRun = async (title: string, body: (dir: string) => Promise<unknown>) => {
    const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-prof-'));
    try {
      log(`[${elapsed()}] profiling: ${title}`);
      await body(dir);
      runs.push({ title, summaries: summarizeProfiles(dir) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const { warmupMs, measureMs, sqliteRows } = durations.profile;
  if (wants('1')) {
    await profileRun('scenario 1 (app, 1,000 DTUs × 1 s)', (dir) =>
      runFleetScenario(
        {
          ...scenario1(durations),
          warmupMs,
          measureMs,
          serverNodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir],
          profileDir: dir,
        },
        () => undefined,
      ),
    );
  }
  if (wants('4'))
    await profileRun('scenario 4a (gateway path in process)', (dir) => runInproc({ warmupMs, measureMs }, dir));
  if (wants('3')) {
    const [first] = sqliteRuns(sqliteRows);
    await profileRun(`scenario 3 (SQLite writes, batches of ${first!.maxRows})`, (dir) => runSqlite(first!, dir));
  }
  return runs;
}

async function main(): Promise<void> {
  /**
   * Scenario 3 leaves gigabytes of dirty pages (its databases, written and deleted) for the
   * kernel to write back on the same two cores: flush them before scenario 4 measures the
   * CPU of a few hundredths of a core, so the figure is the gateway's, not the writeback's.
   */
  const quietDisk = async () => {
    execFileSync('sync');
    await new Promise((resolve) => setTimeout(resolve, QUIET_AFTER_SYNC_MS));
  };
  log(`dtuhub benchmark (${values.quick ? 'quick' : 'full'}), scenarios ${[...only].join(',')}`);
  const results: { -readonly [K in keyof BenchResults]: BenchResults[K] } = {
    machine: machine(),
    quick: values.quick,
    command: `npm run bench${values.quick ? ' -- --quick' : ''}`,
    wallSeconds: 0,
    writeBuffer: WRITE_BUFFER,
  };
  if (wants('1')) {
    results.s1 = await fleet('scenario 1', scenario1(durations));
    results.s1b = await fleet('scenario 1b', scenario1b(durations));
  }
  if (wants('2')) results.s2 = await fleet('scenario 2', scenario2(durations));
  if (wants('3')) {
    const runs: SqliteRunResult[] = [];
    results.s3 = runs;
    for (const options of sqliteRuns(durations.s3Rows)) {
      log(`[${elapsed()}] scenario 3: ${options.rows} rows, batches of ${options.maxRows}`);
      const run = await runSqlite(options);
      log(
        `  → ${run.result.rowsPerSecond} rows/s, commit p99 ${run.result.commitMs.p99} ms, dropped ${run.result.rowsDropped}`,
      );
      runs.push(run);
    }
  }
  if (wants('4')) {
    await quietDisk();
    log(`[${elapsed()}] scenario 4a: gateway path in process`);
    results.s4a = await runInproc(durations.s4a);
    log(
      `  → ${results.s4a.transactionsPerSec.toFixed(0)} tx/s, ${results.s4a.cpuUsPerTransaction.toFixed(1)} µs/tx, receive path ${results.s4a.receivePathUsPerTransaction.toFixed(1)} µs/tx`,
    );
  }
  if (wants('4') || wants('5')) results.s4b = await fleet('scenario 4b', scenario4b(durations));
  if (wants('5')) {
    results.decodeCheck = checkDecoders();
    log(
      `[${elapsed()}] decoder check: ${results.decodeCheck.mismatches} of ${results.decodeCheck.points} values differ`,
    );
    results.s5 = await fleet('scenario 5', scenario5(durations));
  }
  if (wants('6') || wants('6f')) {
    const writes: SqliteRunResult[] = [];
    results.s6 = { writes };
    // 6f: the fleet part alone (the paced write run takes ten minutes).
    for (const options of wants('6') ? mysqlRuns(durations) : []) {
      const how = options.ratePerSecond ? `paced at ${options.ratePerSecond} rows/s` : 'flat out';
      log(`[${elapsed()}] scenario 6: ${options.rows} rows into MariaDB, ${how}`);
      const run = await runMysqlWrites(options);
      log(
        `  → ${run.result.rowsPerSecond} rows/s, commit p99 ${run.result.commitMs.p99} ms, spilled ${run.result.rowsSpilled}, dropped ${run.result.rowsDropped}`,
      );
      writes.push(run);
    }
    results.s6 = { writes, fleet: await fleet('scenario 6', scenario6(durations)) };
  }
  if (wants('export')) {
    log(`[${elapsed()}] export: 1,000,000 rows as CSV and XLSX through GET /api/export/data`);
    results.exports = await runExports();
    for (const r of results.exports.runs) {
      log(
        `  → ${r.format}: ${r.rowsPerSecond} rows/s, ${(r.bytes / 1048576).toFixed(0)} MiB, RSS peak ${(r.rssPeakBytes / 1048576).toFixed(0)} MiB`,
      );
    }
  }
  if (wants('7')) {
    const spec = scenario7(durations);
    const baseline = await fleet('scenario 7 baseline', spec.baseline);
    const rules = await fleet('scenario 7', spec.rules);
    results.s7 = { baseline, rules };
    const w = rules.webhooks;
    if (w)
      log(
        `  → +${(rules.server.cpuCores - baseline.server.cpuCores).toFixed(3)} cores; ${w.perSecond.toFixed(0)} webhooks/s, event-to-webhook p99 ${w.latencyMs.p99.toFixed(1)} ms`,
      );
  }
  if (wants('8')) {
    log(`[${elapsed()}] scenario 8: Modbus TCP client throughput, dtuhub channels and modbus-serial`);
    results.s8 = await runModbusTcpScenario(durations.s8, log);
  }
  if (wants('meters')) {
    await quietDisk();
    log(`[${elapsed()}] meters: CPU per DL/T 645 transaction next to Modbus, gateway path in process`);
    results.meters = await runMeterScenario(values.quick ? METERS_QUICK : METERS_FULL, log);
  }
  if (wants('live')) {
    log(`[${elapsed()}] live viewers: 200 hostile WebSocket viewers while 1,000 DTUs are polled`);
    results.live = await runLiveViewersScenario(LIVE_VIEWERS_SPEC, { startServer: childServer, progress: log });
    const { loopDelayMs } = results.live.loop;
    log(`  → event-loop delay p99 ${loopDelayMs.p99.toFixed(1)} ms, max ${loopDelayMs.max.toFixed(1)} ms`);
  }
  const historyParts = new Set(HISTORY_PARTS.filter((p) => wants('history') || wants(`history-${p}`)));
  if (historyParts.size > 0) {
    log(`[${elapsed()}] history at fleet scale: ${[...historyParts].join(', ')}`);
    results.history = await runHistoryScenario(
      {
        quick: values.quick,
        parts: historyParts,
        fleetSpec: scenario1(durations),
        ...(values.base ? { base: values.base } : {}),
        repeats: 2,
        mysql: true,
      },
      log,
    );
  }
  if (wants('flood')) {
    log(`[${elapsed()}] floods: ${FLOOD_SPEC.floods} × 20 MB of random bytes on one DTU, then fuzzed frames`);
    results.flood = await runFloodScenario(FLOOD_SPEC, log);
  }
  if (wants('spill')) {
    log(`[${elapsed()}] spill replay with load running (MariaDB behind a TCP switch)`);
    results.spill = await runSpillScenario(values.quick ? SPILL_QUICK : SPILL_FULL, log);
  }
  if (wants('sinks')) {
    log(`[${elapsed()}] northbound sinks at 50,000 points/s with history on, and replay after an outage`);
    results.sinks = await runSinksScenario(values.quick ? SINKS_QUICK : SINKS_FULL, log);
  }
  if (!values.quick && !values['no-profile']) results.profiles = await profiled();
  results.wallSeconds = (Date.now() - startedAt) / 1000;
  results.machine.loadAfter = loadavg()[0] ?? 0;

  if (values.merge) keepEarlierResults(results, JSON.parse(readFileSync(values.merge, 'utf8')) as BenchResults);
  writeFileSync(values.out, renderReport(results));
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
  log(`[${elapsed()}] wrote ${values.out}`);
}

/**
 * --merge FILE: scenarios not run now are taken from an earlier run saved with --json, and
 * so are the MariaDB write runs when only the fleet part of 6 ran (6f). Each figure keeps
 * the machine readings of its own run in that file; the report's header is this run's.
 */
const num2 = (n: number) => n.toFixed(2);

function keepEarlierResults(
  results: { -readonly [K in keyof BenchResults]: BenchResults[K] },
  earlier: BenchResults,
): void {
  const header = new Set(['machine', 'quick', 'command', 'wallSeconds', 'writeBuffer', 's6', 'merged']);
  const now = results as Record<string, unknown>;
  const taken: string[] = [];
  for (const [key, value] of Object.entries(earlier)) {
    if (header.has(key) || now[key] !== undefined) continue;
    now[key] = value;
    taken.push(key);
  }
  if (earlier.s6) {
    if (!results.s6) {
      results.s6 = earlier.s6;
      taken.push('s6');
    } else if (results.s6.writes.length === 0) {
      results.s6 = { ...results.s6, writes: earlier.s6.writes };
      taken.push('s6 write runs');
    }
  }
  if (taken.length > 0)
    results.merged = `${taken.join(', ')} from the run of ${earlier.machine.date} (load ${num2(earlier.machine.loadBefore)} / ${num2(earlier.machine.loadAfter)})`;
  log(`merged results from ${values.merge}`);
}

if (values.render) {
  // Only the wording changes: every figure comes from the saved run.
  const saved = JSON.parse(readFileSync(values.render, 'utf8')) as BenchResults;
  writeFileSync(values.out, renderReport(saved));
  log(`re-rendered ${values.render} into ${values.out}`);
} else {
  await main();
}
