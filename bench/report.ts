// Renders the benchmark results as docs/BENCHMARKS.md: machine, method, one table per
// scenario, the goals and whether they were met, and what limits each figure.
import { threadOf, type ProfileSummary } from './cpu-profile-summary.js';
import type { FleetScenarioResult } from './fleet-scenario.js';
import type { InprocResult } from './gateway-inproc.js';
import type { ProcessWindow } from './process-sample.js';
import type { SqliteRunResult } from './sqlite-proc.js';
import type { ExportBenchResult } from './export-bench.js';
import { exportGoalRows, exportSection } from './export-report.js';
import { liveViewersGoalRows, liveViewersSection } from './live-viewers-report.js';
import type { LiveViewersResult } from './live-viewers-scenario.js';
import type { HistoryBenchResult } from './history-scenario.js';
import { historyGoalRows, historySection } from './history-report.js';
import type { FloodBenchResult } from './flood-scenario.js';
import { floodGoalRows, floodSection } from './flood-report.js';
import type { SpillBenchResult } from './spill-scenario.js';
import { spillGoalRows, spillSection } from './spill-report.js';
import type { SinksBenchResult } from './sinks-scenario.js';
import { encodingSection, sinksGoalRows, sinksSection } from './sinks-report.js';
import { modbusTcpGoalRows, modbusTcpSection, type ModbusTcpBenchResult } from './modbus-tcp-report.js';
import { meterGoalRows, meterSection } from './meter-report.js';
import type { MeterBenchResult } from './meter-scenario.js';
import { kib, latency, met, mib, ms, num, pct, table, us } from './report-format.js';
import { WINDOW_PROFILE } from './window-profiler.js';

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly node: string;
  readonly os: string;
  /** Directory of the bench databases and its filesystem. */
  readonly storage: string;
  readonly date: string;
  /** 1-minute load average before the first and after the last scenario (other work on the machine shows here). */
  readonly loadBefore: number;
  loadAfter: number;
}

export interface ProfiledRun {
  readonly title: string;
  readonly summaries: readonly ProfileSummary[];
}

export interface DecodeCheck {
  readonly responses: number;
  readonly points: number;
  readonly mismatches: number;
}

export interface BenchResults {
  readonly machine: MachineInfo;
  readonly quick: boolean;
  readonly command: string;
  readonly wallSeconds: number;
  readonly writeBuffer: { readonly maxRows: number; readonly flushIntervalMs: number };
  readonly s1?: FleetScenarioResult;
  /** Scenario 1 with smaller batches. */
  readonly s1b?: FleetScenarioResult;
  readonly s2?: FleetScenarioResult;
  readonly s3?: readonly SqliteRunResult[];
  readonly s4a?: InprocResult;
  readonly s4b?: FleetScenarioResult;
  readonly s5?: FleetScenarioResult;
  /** Set by --merge: which scenarios came from an earlier run, and when that ran. */
  readonly merged?: string;
  /** MariaDB: the write path flat out and paced, then scenario 1's fleet stored in MariaDB. */
  readonly s6?: { readonly writes: readonly SqliteRunResult[]; readonly fleet?: FleetScenarioResult };
  /** Rules and webhooks: scenario 1 without and with a rule on every sample. */
  readonly s7?: { readonly baseline: FleetScenarioResult; readonly rules: FleetScenarioResult };
  readonly decodeCheck?: DecodeCheck;
  /** Modbus TCP client throughput: dtuhub's channels and modbus-serial against the simulator. */
  readonly s8?: ModbusTcpBenchResult;
  /** CPU per DL/T 645 transaction next to Modbus, scenario 4a's harness (issue 20). */
  readonly meters?: MeterBenchResult;
  /** CSV and XLSX export of one million rows through the web API. */
  readonly exports?: ExportBenchResult;
  /** Hostile live-feed viewers while 1,000 DTUs are polled (issue 23). */
  readonly live?: LiveViewersResult;
  readonly profiles?: readonly ProfiledRun[];
  /** History at fleet scale: long charts, bytes per point, bytes written, charts under scenario 1. */
  readonly history?: HistoryBenchResult;
  /** Garbage floods and fuzzed frames on a DTU port: memory and raw_packets (issues 17, 23). */
  readonly flood?: FloodBenchResult;
  /** Spill journal replay with load running (issue 17). */
  readonly spill?: SpillBenchResult;
  /** Northbound sinks at 50,000 points/s with history on, and their replay after an outage (issue 21). */
  readonly sinks?: SinksBenchResult;
}

export const GOALS = {
  pollToStoredP99Ms: 100,
  bytesPerConnection: 16 * 1024,
  sqlitePointsPerSec: 250_000,
  mysqlPointsPerSec: 150_000,
  eventToWebhookP99Ms: 50,
  gatewayUsPerTx: 30,
  /**
   * Issue 16: halve scenario 1's disk bytes written per stored row. 810 (1b: 815) measured at
   * 38433b9, before rollups, on 2026-12-07 (docs/benchmarks/2026-12-07-scenario-1-38433b9.md).
   */
  diskBytesPerStoredRowS1: 810 / 2,
} as const;

// ---------------------------------------------------------------- formatting

// ---------------------------------------------------------------- verdicts

export interface BacklogVerdict {
  readonly steady: boolean;
  readonly reason: string;
}

/**
 * The backlog is steady when nothing was dropped or skipped, every expected poll was
 * answered (≥ 99 %), and the rows waiting for a commit at the end of the window are no
 * more than at its start or one second's worth of rows.
 */
export function backlogVerdict(r: FleetScenarioResult): BacklogVerdict {
  const first = r.backlog[0];
  const last = r.backlog[r.backlog.length - 1];
  const problems: string[] = [];
  if (r.rowsDropped > 0) problems.push(`${num(r.rowsDropped)} rows dropped`);
  if (r.failures.skippedOverrun > 0)
    problems.push(`${num(r.failures.skippedOverrun)} polls skipped (previous still queued)`);
  if (r.txPerSec < 0.99 * r.expectedTxPerSec)
    problems.push(`${num(r.txPerSec)} of ${num(r.expectedTxPerSec)} transactions/s`);
  const allowance = Math.max(first?.rowsBuffered ?? 0, r.pointsStoredPerSec ?? 0);
  if (last && last.rowsBuffered > allowance) problems.push(`backlog grew to ${num(last.rowsBuffered)} rows`);
  return problems.length === 0
    ? {
        steady: true,
        reason: `backlog ${num(first?.rowsBuffered ?? 0)} → ${num(last?.rowsBuffered ?? 0)} rows (max ${num(maxBacklog(r))}), nothing dropped or skipped`,
      }
    : { steady: false, reason: problems.join('; ') };
}

function maxBacklog(r: FleetScenarioResult): number {
  return r.backlog.reduce((m, p) => Math.max(m, p.rowsBuffered), 0);
}

function perConnection(r: FleetScenarioResult, at: 'connected' | 'end'): { rss: number; heap: number } {
  const n = Math.max(1, r.connectionsHeld);
  return {
    rss: (r.memory[at].rss - r.memory.base.rss) / n,
    heap: (r.memory[at].heapUsed - r.memory.base.heapUsed) / n,
  };
}

function bestSqlite(runs: readonly SqliteRunResult[]): SqliteRunResult | undefined {
  return [...runs].sort((a, b) => b.result.rowsPerSecond - a.result.rowsPerSecond)[0];
}

// ---------------------------------------------------------------- sections

function threadSplit(w: ProcessWindow, mysql = false): string {
  if (w.mainThreadCores === null || w.otherThreadsCores === null) return 'not available (no /proc)';
  const others = mysql
    ? 'V8 GC helpers, libuv pool; MariaDB runs in its own process'
    : 'the SQLite writer thread, V8 GC helpers, libuv pool';
  return `${num(w.mainThreadCores, 3)} / ${num(w.otherThreadsCores, 3)} cores (other threads: ${others})`;
}

function diskWrites(w: ProcessWindow, rows: number): string {
  if (w.diskWriteBytesPerSec === null) return 'not available (no /proc/self/io)';
  const perRow = rows > 0 ? (w.diskWriteBytesPerSec * w.seconds) / rows : 0;
  return `${mib(w.diskWriteBytesPerSec)}/s, ${num(perRow)} bytes per stored row`;
}

/** What a fleet run's server wrote to disk per committed row; null without /proc or rows. */
function diskBytesPerStoredRow(r: FleetScenarioResult): number | null {
  const stored = (r.pointsStoredPerSec ?? 0) * r.server.seconds;
  if (r.server.diskWriteBytesPerSec === null || stored <= 0) return null;
  return (r.server.diskWriteBytesPerSec * r.server.seconds) / stored;
}

function fleetRows(r: FleetScenarioResult): string[][] {
  const rows: string[][] = [
    [
      'Connections held (end of window)',
      `${num(r.connectionsHeld)} of ${num(r.spec.dtus)} DTUs (ramp ${num(r.rampMs / 1000, 1)} s)`,
    ],
    ['Measured window', `${num(r.server.seconds, 1)} s after ${num(r.spec.warmupMs / 1000)} s warm-up`],
    ['Modbus transactions/s', `${num(r.txPerSec, 1)} (schedule: ${num(r.expectedTxPerSec)})`],
    ['Points decoded/s', num(r.pointsDecodedPerSec)],
  ];
  if (r.pointsStoredPerSec !== null) rows.push(['Points stored/s (committed rows)', num(r.pointsStoredPerSec)]);
  if (r.pollToStoredMs)
    rows.push([
      'Poll-to-stored p50 / p90 / p99 / max',
      `${latency(r.pollToStoredMs)} (${num(r.pollToStoredMs.count)} samples)`,
    ]);
  rows.push(['Poll-to-decoded p50 / p90 / p99 / max', latency(r.pollToDecodedMs)]);
  if (r.flushes) {
    rows.push([
      'Commits',
      `${num(r.flushes.count)} × ${num(r.flushes.rowsPerFlush)} rows; commit p50 ${ms(r.flushes.commitMs.p50)}, p99 ${ms(r.flushes.commitMs.p99)}; seal→commit p99 ${ms(r.flushes.sealToCommitMs.p99)}`,
    ]);
    const v = backlogVerdict(r);
    rows.push(['Backlog (accepted, not committed)', v.reason]);
    rows.push(['Backlog every 5 s (rows)', r.backlog.map((p) => num(p.rowsBuffered)).join(', ')]);
  }
  rows.push(
    [
      'CPU of the server process',
      `${num(r.server.cpuCores, 3)} cores (${pct(r.server.cpuCores)} of one core; ${pct(r.server.userUs / Math.max(1, r.server.cpuUs))} user)`,
    ],
    ['…main thread / other threads', threadSplit(r.server, r.spec.store === 'mysql')],
    ['CPU per Modbus transaction', us(r.cpuUsPerTx)],
    ['Event-loop utilisation (main thread)', pct(r.server.loopUtilization)],
    ['RSS / heap used (end, after GC)', `${mib(r.memory.end.rss)} / ${mib(r.memory.end.heapUsed)}`],
    ...(r.pointsStoredPerSec !== null && r.spec.store !== 'mysql'
      ? [['Disk writes of the server process', diskWrites(r.server, r.pointsStoredPerSec * r.server.seconds)]]
      : []),
    ['Fleet process CPU (for contention)', `${num(r.fleet.cpuCores, 3)} cores`],
    [
      'Timeouts / skipped polls / errors / heartbeat timeouts',
      `${num(r.failures.timeouts)} / ${num(r.failures.skippedOverrun)} / ${num(r.failures.errors)} / ${num(r.failures.heartbeatTimeouts)}${r.failures.fleetFailed ? ` (fleet: ${r.failures.fleetFailed} DTUs failed to connect)` : ''}`,
    ],
  );
  return rows;
}

function summarySection(res: BenchResults): string {
  const rows: string[][] = [];
  if (res.s1?.pollToStoredMs) {
    rows.push([
      '1',
      'p99 poll-to-stored, 1,000 DTUs × 1 s',
      `≤ ${GOALS.pollToStoredP99Ms} ms`,
      ms(res.s1.pollToStoredMs.p99),
      met(res.s1.pollToStoredMs.p99 <= GOALS.pollToStoredP99Ms),
    ]);
    const v = backlogVerdict(res.s1);
    rows.push(['1', 'no growing backlog', 'steady', v.steady ? 'steady' : v.reason, met(v.steady)]);
    const perRow = diskBytesPerStoredRow(res.s1);
    if (perRow !== null) {
      rows.push([
        '1',
        'disk bytes written per stored row (/proc/PID/io)',
        `≤ ${num(GOALS.diskBytesPerStoredRowS1)} (half of 810 at 38433b9)`,
        num(perRow),
        met(perRow <= GOALS.diskBytesPerStoredRowS1),
      ]);
    }
  }
  if (res.s1b?.pollToStoredMs) {
    const wb = res.s1b.spec.writeBuffer;
    rows.push([
      '1b',
      `p99 poll-to-stored, batches of ${num(wb.maxRows)} / ${wb.flushIntervalMs} ms`,
      `≤ ${GOALS.pollToStoredP99Ms} ms`,
      ms(res.s1b.pollToStoredMs.p99),
      met(res.s1b.pollToStoredMs.p99 <= GOALS.pollToStoredP99Ms),
    ]);
    const v = backlogVerdict(res.s1b);
    rows.push(['1b', 'no growing backlog', 'steady', v.steady ? 'steady' : v.reason, met(v.steady)]);
  }
  if (res.s2) {
    const end = perConnection(res.s2, 'end');
    const connected = perConnection(res.s2, 'connected');
    const both = (atEnd: number, atConnect: number) =>
      `${kib(atEnd)} at the end (${kib(atConnect)} right after connecting)`;
    rows.push([
      '2',
      'connections held',
      `${num(res.s2.spec.dtus)}`,
      num(res.s2.connectionsHeld),
      met(res.s2.connectionsHeld >= res.s2.spec.dtus),
    ]);
    // Judged on the end-of-window reading, the larger and more conservative of the two.
    rows.push([
      '2',
      'heap per connection (Δ after GC)',
      `≤ ${kib(GOALS.bytesPerConnection)}`,
      both(end.heap, connected.heap),
      met(end.heap <= GOALS.bytesPerConnection),
    ]);
    rows.push([
      '2',
      'RSS per connection (Δ)',
      `≤ ${kib(GOALS.bytesPerConnection)}`,
      both(end.rss, connected.rss),
      met(end.rss <= GOALS.bytesPerConnection),
    ]);
  }
  if (res.s3 && res.s3.length > 0) {
    for (const run of res.s3) {
      rows.push([
        '3',
        `SQLite rows/s, batches of ${num(run.options.maxRows ?? 0)}`,
        `≥ ${num(GOALS.sqlitePointsPerSec)}`,
        num(run.result.rowsPerSecond),
        met(run.result.rowsPerSecond >= GOALS.sqlitePointsPerSec && run.result.rowsDropped === 0),
      ]);
    }
  }
  if (res.s4a) {
    rows.push([
      '4',
      'CPU per transaction, gateway path in process (4a)',
      `≤ ${GOALS.gatewayUsPerTx} µs`,
      us(res.s4a.cpuUsPerTransaction),
      met(res.s4a.cpuUsPerTransaction <= GOALS.gatewayUsPerTx),
    ]);
    rows.push([
      '4',
      'receive path alone: parse + match + decode (4a)',
      `≤ ${GOALS.gatewayUsPerTx} µs`,
      us(res.s4a.receivePathUsPerTransaction),
      met(res.s4a.receivePathUsPerTransaction <= GOALS.gatewayUsPerTx),
    ]);
  }
  if (res.s4b) rows.push(['4', 'CPU per transaction with kernel TCP (4b)', '(context)', us(res.s4b.cpuUsPerTx), '—']);
  if (res.s4b && res.s5) {
    rows.push([
      '5',
      'CPU per transaction, dtuhub ÷ modbus-serial',
      '(lower is better)',
      `${num(res.s4b.cpuUsPerTx / res.s5.cpuUsPerTx, 2)}×`,
      '—',
    ]);
  }
  for (const run of res.s6?.writes ?? []) {
    const r = run.result;
    const offered = run.options.ratePerSecond;
    // A paced run stores at most what it is offered: offered at the goal, it meets the goal
    // when it stores the offer (less the pacer's own rounding) without a growing backlog.
    const rateOk = offered
      ? offered >= GOALS.mysqlPointsPerSec && r.rowsPerSecond >= offered * PACED_RATE_SHARE
      : r.rowsPerSecond >= GOALS.mysqlPointsPerSec;
    const ok = rateOk && r.rowsDropped === 0 && r.rowsSpilled === 0;
    if (offered) {
      const minutes = r.rowsPerSecondByMinute.length;
      const held = mysqlHeld(run);
      rows.push([
        '6',
        `MariaDB rows/s offered at ${num(run.options.ratePerSecond)}/s for ${num(minutes)} min`,
        `≥ ${num(GOALS.mysqlPointsPerSec)} offered, ≥ ${num(PACED_RATE_SHARE * 100)} % of it stored, steady`,
        `${num(r.rowsPerSecond)}, ${held ? 'steady' : 'backlog grew'}`,
        met(ok && held),
      ]);
    } else {
      rows.push(['6', 'MariaDB rows/s, flat out', `≥ ${num(GOALS.mysqlPointsPerSec)}`, num(r.rowsPerSecond), met(ok)]);
    }
  }
  const f6 = res.s6?.fleet;
  if (f6?.pollToStoredMs) {
    rows.push([
      '6',
      'p99 poll-to-stored into MariaDB, 1,000 DTUs × 1 s',
      `≤ ${GOALS.pollToStoredP99Ms} ms`,
      ms(f6.pollToStoredMs.p99),
      met(f6.pollToStoredMs.p99 <= GOALS.pollToStoredP99Ms),
    ]);
    const v = backlogVerdict(f6);
    rows.push(['6', 'no growing backlog (MariaDB)', 'steady', v.steady ? 'steady' : v.reason, met(v.steady)]);
  }
  if (res.exports) rows.push(...exportGoalRows(res.exports));
  const w7 = res.s7?.rules.webhooks;
  if (w7) {
    rows.push([
      '7',
      'p99 event-to-webhook, a rule on every sample',
      `≤ ${GOALS.eventToWebhookP99Ms} ms`,
      ms(w7.latencyMs.p99),
      met(w7.latencyMs.count > 0 && w7.latencyMs.p99 <= GOALS.eventToWebhookP99Ms),
    ]);
    rows.push([
      '7',
      'CPU added by the rules and webhooks',
      '(context)',
      `${num(res.s7!.rules.server.cpuCores - res.s7!.baseline.server.cpuCores, 3)} cores`,
      '—',
    ]);
  }
  if (res.s8) rows.push(...modbusTcpGoalRows(res.s8));
  if (res.meters) rows.push(...meterGoalRows(res.meters));
  if (res.live) rows.push(...liveViewersGoalRows(res.live));
  if (res.history) rows.push(...historyGoalRows(res.history, res.s3));
  if (res.flood) rows.push(...floodGoalRows(res.flood));
  if (res.spill) rows.push(...spillGoalRows(res.spill));
  if (res.sinks) rows.push(...sinksGoalRows(res.sinks));
  return `## Goals\n\n${table(['Scenario', 'Figure', 'Goal', 'Measured', 'Result'], rows)}\n`;
}

function methodSection(res: BenchResults): string {
  const wb = res.writeBuffer;
  return `## Method

Every side runs in its own Node process, so CPU time and memory read inside the dtuhub
process belong to dtuhub alone: \`bench/run.ts\` starts \`bench/server-proc.ts\` (the
\`DtuhubApp\` from \`src/app.ts\`, or the \`Gateway\` service alone), \`bench/fleet-proc.ts\`
(the simulator's \`startFleet\`, one process for the whole fleet) and, for the comparison,
\`bench/peer-proc.ts\`. Children talk to the runner over the IPC channel only. Everything
listens on 127.0.0.1, port 0.

- **Workload.** A generated \`points.yml\`: one transparent link (ASCII registration, \`HB\`
  heartbeat), one profile with one task reading holding registers 2000–2099 (function 03,
  100 registers) decoded into 50 points, ten each of int16 × 0.1, uint16, float32 ABCD,
  float32 CDAB and uint32. One row per point is stored. Raw packets are not recorded
  (\`recordRawPackets: none\`), logging is at \`warn\`.
- **Schedule.** Polls every 1 s (scenario 2: every 10 s), first polls spread over one
  period (\`connectStagger\` = the period) so the load is even. DTUs connect at 1,000/s,
  heartbeat every 30 s; the server expects one per 60 s.
- **Write buffer.** \`maxRows: ${num(wb.maxRows)}\`, \`flushInterval: ${wb.flushIntervalMs}ms\`, and the
  default \`idleFlushDelay: 20ms\`: while no commit is in flight a batch is sealed 20 ms after
  its first row; while one is, rows collect until it ends (or the batch is full, 100 ms of
  scenario 1's 50,000 points/s). Batches therefore grow with the database's commit time:
  small and quick when it keeps up, large and cheap per row when it is busy.
- **Poll-to-stored latency**, per sample, from the moment the poll request was sent to the
  commit of its row: a \`data\` listener registered after the history recorder reads the
  writer's cumulative \`rowsAccepted\` (which then includes the event's rows) and queues
  \`(rowsAccepted, polledAt, samples)\`; on every committed batch (\`onFlush\`) the entries
  with \`rowsAccepted ≤ rowsWritten\` are taken off the queue and \`now − polledAt\` is recorded
  once per sample. Only polls sent inside the window count.
- **CPU** is user + system time of the server process (all its threads: the SQLite writer
  thread included) over wall time, from \`process.cpuUsage()\` at both ends of the window;
  CPU per transaction divides it by the Modbus responses received in the window.
- **Memory** is read after two full garbage collections (\`--expose-gc\`): before any DTU
  connects, right after the fleet is up, and after the window.
- The fleet shares the machine: with ${res.machine.cpus} CPUs the fleet's own CPU use (given
  in each table) competes with dtuhub's.
`;
}

function scenario2Memory(r: FleetScenarioResult): string {
  const c = perConnection(r, 'connected');
  const e = perConnection(r, 'end');
  return table(
    ['', 'before connect', `${num(r.connectionsHeld)} connected`, 'end of window', 'per connection (connected / end)'],
    [
      [
        'RSS',
        mib(r.memory.base.rss),
        mib(r.memory.connected.rss),
        mib(r.memory.end.rss),
        `${kib(c.rss)} / ${kib(e.rss)}`,
      ],
      [
        'Heap used (after GC)',
        mib(r.memory.base.heapUsed),
        mib(r.memory.connected.heapUsed),
        mib(r.memory.end.heapUsed),
        `${kib(c.heap)} / ${kib(e.heap)}`,
      ],
    ],
  );
}

function sqliteSection(runs: readonly SqliteRunResult[]): string {
  const header = [
    '',
    ...runs.map((r) => `batches of ${num(r.options.maxRows ?? 0)} rows, ${r.options.flushIntervalMs ?? 0} ms`),
  ];
  const rows: string[][] = [
    [
      'Rows (devices × points)',
      ...runs.map((r) => `${num(r.result.rows)} (${num(r.options.devices)} × ${r.options.pointsPerDevice})`),
    ],
    ['Time', ...runs.map((r) => `${num(r.result.seconds, 1)} s`)],
    ['**Points committed/s**', ...runs.map((r) => `**${num(r.result.rowsPerSecond)}**`)],
    ['Commits, rows per commit', ...runs.map((r) => `${num(r.result.flushes)}, ${num(r.result.rowsPerFlush)}`)],
    ['Commit time p50 / p99', ...runs.map((r) => `${ms(r.result.commitMs.p50)} / ${ms(r.result.commitMs.p99)}`)],
    [
      'Seal→commit p50 / p99',
      ...runs.map((r) => `${ms(r.result.flushLatencyMs.p50)} / ${ms(r.result.flushLatencyMs.p99)}`),
    ],
    [
      'Max backlog (rows), dropped',
      ...runs.map((r) => `${num(r.result.maxBacklogRows)}, ${num(r.result.rowsDropped)}`),
    ],
    ['Main-thread time in writer.samples() per row', ...runs.map((r) => us(r.result.mainThreadUsPerRow))],
    ['Process CPU per row (both threads)', ...runs.map((r) => us(r.cpuUsPerRow))],
    [
      'Process CPU (main thread / other threads)',
      ...runs.map((r) => `${num(r.window.cpuCores, 2)} cores (${threadSplit(r.window).replace(/ cores.*$/, '')})`),
    ],
    [
      'Disk writes of the process',
      ...runs.map((r) =>
        r.options.storage?.driver === 'mysql'
          ? '— (MariaDB writes in its own process)'
          : diskWrites(r.window, r.result.rows),
      ),
    ],
  ];
  return table(header, rows);
}

/** Share of the offered rate a paced run must store: the pacer's timers lose a little, never 1 %. */
const PACED_RATE_SHARE = 0.99;

/** Paced run: nothing spilled, and the last minute's backlog no higher than the first's plus one batch. */
function mysqlHeld(run: SqliteRunResult): boolean {
  const b = run.result.maxBacklogByMinute;
  if (run.result.rowsSpilled > 0 || b.length === 0) return false;
  return b.at(-1)! <= b[0]! + (run.options.maxRows ?? 0);
}

function mysqlSection(res: NonNullable<BenchResults['s6']>): string {
  const parts: string[] = [];
  if (res.writes.length > 0) {
    parts.push(
      sqliteSection(res.writes).replace(
        '| Main-thread time',
        `| Rows spilled to the journal | ${res.writes.map((r) => num(r.result.rowsSpilled)).join(' | ')} |\n| Main-thread time`,
      ),
    );
    const paced = res.writes.find((r) => r.options.ratePerSecond);
    if (paced) {
      const perMinute = paced.result.rowsPerSecondByMinute.map((rate, i) => [
        `${i + 1}`,
        num(rate),
        num(paced.result.maxBacklogByMinute[i] ?? 0),
      ]);
      parts.push(
        `Paced run, minute by minute (rows committed per second, largest backlog in memory):\n\n${table(['Minute', 'Rows/s', 'Max backlog'], perMinute)}`,
      );
    }
  }
  if (res.fleet)
    parts.push(`Scenario 1's fleet with history in MariaDB:\n\n${table(['Figure', 'Value'], fleetRows(res.fleet))}`);
  return parts.join('\n\n');
}

function inprocSection(r: InprocResult, b: FleetScenarioResult | undefined): string {
  const rows: string[][] = [
    ['DTUs online', num(r.online), b ? num(b.connectionsHeld) : '—'],
    ['Window', `${num(r.window.seconds, 1)} s`, b ? `${num(b.server.seconds, 1)} s` : '—'],
    ['Modbus transactions/s', num(r.transactionsPerSec, 1), b ? num(b.txPerSec, 1) : '—'],
    ['Points decoded/s', num(r.samplesPerSec), b ? num(b.pointsDecodedPerSec) : '—'],
    ['CPU of the process', `${num(r.window.cpuCores, 3)} cores`, b ? `${num(b.server.cpuCores, 3)} cores` : '—'],
    ['**CPU per transaction**', `**${us(r.cpuUsPerTransaction)}**`, b ? `**${us(b.cpuUsPerTx)}**` : '—'],
    ['Receive path per transaction (parse + match + decode + emit)', us(r.receivePathUsPerTransaction), '—'],
    [
      'Timeouts / skipped polls',
      `${num(r.timeouts)} / ${num(r.skippedOverrun)}`,
      b ? `${num(b.failures.timeouts)} / ${num(b.failures.skippedOverrun)}` : '—',
    ],
  ];
  if (r.timerResolutionMs !== undefined) {
    const how = r.timerResolutionAuto === false ? 'set by `sessions.timerResolution`' : '`timerResolution: auto`';
    // 4b runs the same generated config, so the Gateway takes the same step.
    const step = `${num(r.timerResolutionMs)} ms (${how}), ${num(1000 / r.timerResolutionMs)} wake-ups/s at most`;
    rows.push(['Scheduler step', step, b ? step : '—']);
  }
  if (r.idleWakeup) {
    rows.push([
      `CPU of one idle event-loop wake-up (a bare ${num(r.idleWakeup.everyMs ?? 20)} ms interval, before the DTUs connect)`,
      us(r.idleWakeup.cpuUsPerWakeup),
      '—',
    ]);
  }
  return table(['', '4a: in process, loopback sockets', '4b: own process, real TCP'], rows);
}

function peerSection(
  app: FleetScenarioResult | undefined,
  gateway: FleetScenarioResult,
  peer: FleetScenarioResult,
  check: DecodeCheck | undefined,
): string {
  const ratio = (a: number, b: number) => (b > 0 ? `${num(a / b, 2)}×` : '—');
  const rows: string[][] = [
    [
      'Connections held',
      num(gateway.connectionsHeld),
      num(peer.connectionsHeld),
      '',
      app ? num(app.connectionsHeld) : '—',
    ],
    [
      'Modbus transactions/s',
      num(gateway.txPerSec, 1),
      num(peer.txPerSec, 1),
      ratio(gateway.txPerSec, peer.txPerSec),
      app ? num(app.txPerSec, 1) : '—',
    ],
    [
      'CPU (cores)',
      num(gateway.server.cpuCores, 3),
      num(peer.server.cpuCores, 3),
      ratio(gateway.server.cpuCores, peer.server.cpuCores),
      app ? num(app.server.cpuCores, 3) : '—',
    ],
    [
      '**CPU per transaction**',
      `**${us(gateway.cpuUsPerTx)}**`,
      `**${us(peer.cpuUsPerTx)}**`,
      `**${ratio(gateway.cpuUsPerTx, peer.cpuUsPerTx)}**`,
      app ? us(app.cpuUsPerTx) : '—',
    ],
    [
      'Request → decoded p50 / p99',
      `${ms(gateway.pollToDecodedMs.p50)} / ${ms(gateway.pollToDecodedMs.p99)}`,
      `${ms(peer.pollToDecodedMs.p50)} / ${ms(peer.pollToDecodedMs.p99)}`,
      '',
      app ? `${ms(app.pollToDecodedMs.p50)} / ${ms(app.pollToDecodedMs.p99)}` : '—',
    ],
    [
      'RSS (end, after GC)',
      mib(gateway.memory.end.rss),
      mib(peer.memory.end.rss),
      ratio(gateway.memory.end.rss, peer.memory.end.rss),
      app ? mib(app.memory.end.rss) : '—',
    ],
    [
      'Errors / skipped polls',
      `${num(gateway.failures.errors + gateway.failures.timeouts)} / ${num(gateway.failures.skippedOverrun)}`,
      `${num(peer.failures.errors)} / ${num(peer.failures.skippedOverrun)}`,
      '',
      '—',
    ],
  ];
  const checkLine = check
    ? `Before measuring, both decoders were run on ${num(check.responses)} simulated responses: ${num(check.points)} point values compared, ${num(check.mismatches)} differed (value and raw hex).`
    : '';
  return `${table(['', 'dtuhub, gateway only (4b)', 'modbus-serial peer', 'dtuhub ÷ peer', 'dtuhub app with SQLite (1)'], rows)}

The like-for-like comparison is dtuhub's gateway without storage against the peer, which
stores nothing either; the last column shows the full app for context. ${checkLine}

The peer is the smallest correct program a Node user writes today: a \`net.Server\`, the first
packet taken as the registration ID, the socket handed to modbus-serial's RTU-over-TCP port
(\`client.linkTelnet(socket)\`: raw RTU frames, no MBAP header), \`setID(1)\`, \`setTimeout(3000)\`,
and \`readHoldingRegisters(2000, 100)\` every second per DTU, skipped while the previous one is
in flight, first polls spread over one second. It decodes the same 50 points into the same
\`Sample\` records (value, raw hex, timestamp) and drops them. It does no heartbeat
supervision, no CRC/heartbeat arbitration, no quiet time after a timeout and no backoff;
dtuhub does all of these on every transaction, so the figure is conservative for dtuhub.
(\`linkTcpRTUBuffered\` was not used: despite its name it wraps frames in an MBAP header, i.e.
Modbus TCP, which transparent DTUs do not speak.)`;
}

function profileSection(profiles: readonly ProfiledRun[]): string {
  const parts: string[] = [
    `## Where the time goes (profiles)

Separate, shorter runs under the profiler (it slows the process down, so none of the
figures above come from these runs): the main thread through the inspector over the
measurement window only, sampled every 200 µs; worker threads (the SQLite writer) with
\`node --cpu-prof\` over their whole life. Shares are of sampled busy time per thread;
"native" is C++ (libuv, V8 builtins, better-sqlite3/SQLite) without a JavaScript frame. A
native call made from JavaScript shows either under its own name without a location
(\`writeBuffer\` is a socket write, \`postMessage\` a hand-over to the writer thread) or, as
with SQLite statements, inside the self time of the JavaScript function that made it.`,
  ];
  for (const run of profiles) {
    for (const s of run.summaries) {
      if (s.busyMs < 50) continue;
      const areas = s.areas
        .slice(0, 8)
        .map((a) => `${a.area} ${pct(a.share)}`)
        .join(', ');
      const top = s.top.slice(0, 10).map((f) => [pct(f.share), `\`${f.name}\``, f.where ? `\`${f.where}\`` : '']);
      parts.push(
        `### ${run.title} — ${threadName(s.file)} (${num(s.busyMs / 1000, 1)} s busy)\n\nBy area: ${areas}.\n\n${table(['Self time', 'Function', 'Where'], top)}`,
      );
    }
  }
  return parts.join('\n\n');
}

function threadName(file: string): string {
  if (file.endsWith(WINDOW_PROFILE)) return 'main thread, measurement window';
  const thread = threadOf(file);
  return thread === null || thread === 0
    ? 'main thread, whole run'
    : `worker thread ${thread} (SQLite writer), whole run`;
}

function notesSection(res: BenchResults): string {
  const notes: string[] = [];
  const s1 = res.s1;
  if (s1?.pollToStoredMs && s1.flushes) {
    const verdict = backlogVerdict(s1);
    const stored = s1.pointsStoredPerSec ?? 0;
    const base = `**Poll-to-stored (1).** The response is decoded within ${ms(s1.pollToDecodedMs.p99)} (p99) of the request; the rest of the latency is the write path. A sample waits for the commit in flight to end (or 20 ms when there is none), then for its own batch's commit (commit p50 ${ms(s1.flushes.commitMs.p50)}, p99 ${ms(s1.flushes.commitMs.p99)}; ${num(s1.flushes.rowsPerFlush)} rows per commit on average); so the p99 is about twice the slow tail of the commits.`;
    const limit = verdict.steady
      ? ' The backlog stayed steady, so the fill time and the slow tail of the commits are what is left.'
      : ` Here the writer did not keep up: it committed ${num(stored)} points/s of ${num(s1.pointsDecodedPerSec)} decoded (${verdict.reason}), so the latency measures that queue.`;
    const io =
      s1.server.diskWriteBytesPerSec !== null && stored > 0
        ? ` The process wrote ${mib(s1.server.diskWriteBytesPerSec)}/s to disk (${num(s1.server.diskWriteBytesPerSec / stored)} bytes per stored row), and its threads other than the main one used ${num(s1.server.otherThreadsCores ?? 0, 2)} cores.`
        : '';
    const b = res.s1b;
    const smaller =
      b?.pollToStoredMs && b.flushes
        ? ` With batches of ${num(b.spec.writeBuffer.maxRows)} rows (1b) the fill shrinks to about ${ms((b.spec.writeBuffer.maxRows / Math.max(1, b.pointsDecodedPerSec)) * 1000)} and poll-to-stored becomes p50 ${ms(b.pollToStoredMs.p50)}, p99 ${ms(b.pollToStoredMs.p99)} (commit p99 ${ms(b.flushes.commitMs.p99)}), for ${us(b.cpuUsPerTx)} of CPU per transaction instead of ${us(s1.cpuUsPerTx)}: the p99 is then set by the slowest commits, not by the batch size.`
        : '';
    notes.push(base + limit + io + smaller);
  }
  if (res.s2) {
    notes.push(
      `**Memory per connection (2).** The goal is judged on the end-of-window reading. The heap delta is the JavaScript state per DTU (session, stream parser, transaction queue, poller and its scheduler jobs, registry entries), the latest-value cache (the last reading of each of the 50 points of every device, a row of numbers per device: filled by the end, only partly right after connecting, since first polls are spread over 10 s), and whatever is in flight at the reading (the write backlog; the benchmark's own latency records, one entry per poll). The RSS delta also holds native memory that grows with time rather than with connections (SQLite's page cache, up to storage.cacheSize = 32 MiB, filled as rows are written; V8 keeping freed pages), so the "connected" column, read right after the ramp, is the closer figure for connections alone. Kernel socket buffers are not in RSS at all.`,
    );
  }
  if (res.s3) {
    notes.push(
      `**SQLite throughput (3).** The producer is held back whenever the backlog passes half its cap, so the rate is what the writer thread commits, sustained over the run; the table grows by every row, so the figure holds for a table of that size, not for an empty one. The writer thread is the bottleneck (“other threads” CPU close to one core, while the main thread only copies samples into column arrays); the profiles below show its time split between the INSERT statements and the commit. Larger batches commit more rows per second because the fixed cost of a commit is shared by more rows.`,
    );
  }
  if (res.s4a) {
    const a = res.s4a;
    const perTx = (w: ProcessWindow, tx: number) => (tx > 0 ? w.systemUs / tx : 0);
    const b = res.s4b;
    const wakeups =
      a.idleWakeup && a.timerResolutionMs !== undefined
        ? ` Between the two lies what the event loop costs: each wake-up has a fixed price, ${us(a.idleWakeup.cpuUsPerWakeup)} of CPU on this machine for one that does nothing, so the scheduler's step decides much of the total. ${a.timerResolutionAuto === false ? `The config sets the step to ${num(a.timerResolutionMs)} ms` : `With \`timerResolution: auto\` the step is 5 % of the shortest period in the config (${num(a.timerResolutionMs)} ms for polls every second)`}: the polls, timeouts and heartbeat checks of all 1,000 DTUs share ${num(1000 / a.timerResolutionMs)} wake-ups a second, about ${us((a.idleWakeup.cpuUsPerWakeup * 1000) / a.timerResolutionMs / Math.max(1, a.transactionsPerSec))} of each transaction's CPU.`
        : '';
    const kernel = b
      ? ` 4b adds real TCP: a send and a receive system call and an epoll wake-up per transaction, which at one transaction per DTU per second are not amortised over other work; kernel (system) time is ${us(perTx(b.server, b.txPerSec * b.server.seconds))} of its ${us(b.cpuUsPerTx)} per transaction, against ${us(perTx(a.window, a.transactions))} in 4a.`
      : '';
    notes.push(
      `**Gateway CPU (4).** 4a removes the kernel and the simulator from the measurement: the only costs left are dtuhub's (the shared tick scheduler that fires polls and timeouts, request send, the stream parser, matching the response to the request in flight, decoding 50 points into Sample objects with raw hex, the bus) and garbage collection. The receive-path figure is wall time around the synchronous delivery of each response, so it is parse + match + decode + emit alone.${wakeups}${kernel} The profile below shows where the in-process time goes.`,
    );
  }
  return `## What limits each figure\n\n${notes.join('\n\n')}`;
}

export function renderReport(res: BenchResults): string {
  const m = res.machine;
  const out: string[] = [
    `# Benchmarks

Generated by \`npm run bench${res.quick ? ' -- --quick' : ''}\` (${num(res.wallSeconds / 60, 1)} min). Do not edit by hand: run it again.

- **Machine:** ${m.cpus} CPUs (\`nproc\`), ${m.cpuModel}, ${mib(m.memoryBytes)} RAM, ${m.os}
- **Databases:** ${m.storage}
- **Node:** ${m.node}
- **Date:** ${m.date}
- **Load average (1 min)** before / after the run: ${num(m.loadBefore, 2)} / ${num(m.loadAfter, 2)} (the benchmark's own processes included)
- **Reproduce:** \`npm run bench\` (all scenarios, about 25 minutes, 10 of them pacing MariaDB) or
  \`npm run bench -- --quick\` (short windows, about 5 minutes); \`--only 1,3\` runs some scenarios,
  \`--no-profile\` skips the profiled runs, \`--out FILE\` writes elsewhere, \`--json FILE\` keeps the
  raw results and \`--merge FILE\` takes the scenarios not run now from such a file.${res.merged ? `\n- **Merged:** ${res.merged}` : ''}${res.quick ? '\n\n> These are **quick** results (short windows): use the full run for figures to quote.' : ''}
`,
    summarySection(res),
    methodSection(res),
  ];
  if (res.s1) out.push(`## 1. ${res.s1.spec.title}\n\n${table(['Figure', 'Value'], fleetRows(res.s1))}`);
  if (res.s1b) {
    out.push(
      `## ${res.s1b.spec.title}\n\nScenario 1's fleet and schedule with \`writeBuffer.maxRows: ${res.s1b.spec.writeBuffer.maxRows}\`, \`flushInterval: ${res.s1b.spec.writeBuffer.flushIntervalMs}ms\`: a batch fills in about 20 ms instead of 100 ms, at the price of five times as many commits. It shows how much of the latency the batch size can buy back.\n\n${table(['Figure', 'Value'], fleetRows(res.s1b))}`,
    );
  }
  if (res.s2) {
    out.push(
      `## 2. ${res.s2.spec.title}\n\n${table(['Figure', 'Value'], fleetRows(res.s2))}\n\nMemory of the dtuhub process:\n\n${scenario2Memory(res.s2)}`,
    );
  }
  if (res.s3 && res.s3.length > 0) {
    const best = bestSqlite(res.s3);
    out.push(
      `## 3. SQLite sustained write throughput, one row per point

\`bench/sqlite-write.ts\` in its own process: Sample objects handed to the app's
\`HistoryWriter\` (\`openSqliteHistory\`), batched, transferred to the writer thread and
committed — the same path scenario 1 stores through, without the network. 1,000 devices ×
50 points per round, as fast as the writer commits. Goal: ≥ ${num(GOALS.sqlitePointsPerSec)} points/s
without a growing backlog.${best ? ` Best: ${num(best.result.rowsPerSecond)} points/s.` : ''}

${sqliteSection(res.s3)}`,
    );
  }
  if (res.s4a || res.s4b) {
    out.push(
      `## 4. CPU per Modbus transaction, gateway path alone (no storage)

Two ways, because "the gateway path" can mean with or without the operating system's TCP
work. **4a** (\`bench/gateway-inproc.ts\`) runs real \`DtuSession\`s — stream parser,
transaction queue, tick scheduler, poller, block decoder, event bus — for 1,000 DTUs polled
every second, on in-memory sockets that answer each request on the next event-loop turn with
a pre-encoded 100-register response; the only \`data\` listener counts the samples and drops
them. **4b** runs the \`Gateway\` service in its own process against the simulated fleet over
real TCP, again with a listener that drops samples. Goal: ≤ ${GOALS.gatewayUsPerTx} µs per transaction.

${res.s4a ? inprocSection(res.s4a, res.s4b) : ''}`,
    );
  }
  if (res.s6) {
    out.push(
      `## 6. MariaDB: write throughput and poll-to-stored

The same write path as scenario 3 into a fresh database on the local MariaDB (default server settings: 128 MiB buffer pool, a log flush per commit): samples through the app's HistoryWriter, one transaction per batch, device_data rows by LOAD DATA LOCAL. First flat out, then paced at ${num(GOALS.mysqlPointsPerSec)} rows/s to show whether the database keeps up as the table grows (a growing backlog or any row in the spill journal means it did not). Then scenario 1's fleet with \`storage.driver: mysql\`.

${mysqlSection(res.s6)}`,
    );
  }
  if (res.s7) out.push(rulesSection(res.s7));
  if (res.s4b && res.s5)
    out.push(
      `## 5. Peer: the same fleet through modbus-serial\n\n${peerSection(res.s1, res.s4b, res.s5, res.decodeCheck)}`,
    );
  if (res.s8) out.push(modbusTcpSection(res.s8));
  if (res.meters) out.push(meterSection(res.meters));
  if (res.exports) out.push(exportSection(res.exports));
  if (res.live) out.push(liveViewersSection(res.live));
  if (res.history) out.push(historySection(res.history, res.s3));
  if (res.flood) out.push(floodSection(res.flood));
  if (res.spill) out.push(spillSection(res.spill));
  if (res.sinks) out.push(sinksSection(res.sinks), encodingSection(res.sinks));
  out.push(notesSection(res));
  if (res.profiles && res.profiles.length > 0) out.push(profileSection(res.profiles));
  return `${out.join('\n\n')}\n`;
}

function rulesSection(s7: NonNullable<BenchResults['s7']>): string {
  const { baseline, rules } = s7;
  const w = rules.webhooks;
  const added = rules.server.cpuCores - baseline.server.cpuCores;
  const samplesPerSec = rules.pointsDecodedPerSec;
  const rows: string[][] = [
    [
      'CPU of the server process, without / with rules',
      `${num(baseline.server.cpuCores, 3)} / ${num(rules.server.cpuCores, 3)} cores`,
    ],
    [
      '**Added CPU**',
      `**${num(added, 3)} cores** (${us(samplesPerSec > 0 ? (added * 1e6) / samplesPerSec : 0)} per sample evaluated)`,
    ],
    ['Samples evaluated/s (50 rules, one per point)', num(samplesPerSec)],
    [
      'Poll-to-stored p99, without / with rules',
      `${baseline.pollToStoredMs ? ms(baseline.pollToStoredMs.p99) : '—'} / ${rules.pollToStoredMs ? ms(rules.pollToStoredMs.p99) : '—'}`,
    ],
  ];
  if (w) {
    rows.push(
      [
        'Webhooks received/s (events raised in the window)',
        `${num(w.perSecond)} (${num(w.inWindow)} events; ${Object.entries(w.types)
          .map(([t, n]) => `${t} ${num(n)}`)
          .join(', ')} in all)`,
      ],
      ['**Event-to-webhook** p50 / p90 / p99 / max', `**${latency(w.latencyMs)}**`],
      [
        'Start-up burst (devices already past the limit at connect) delivered',
        w.drainMs === null ? 'not within 3 min' : `${num(w.drainMs / 1000, 1)} s after the warm-up`,
      ],
    );
  }
  return `## 7. Rules and webhooks

Scenario 1's fleet run twice: without rules (the baseline) and with \`rules.yml\` holding one
rule per point (\`> ${140}\` with hysteresis 6 on each of the 50 points), so every decoded
sample goes through the rule engine. Firings and recoveries go to one signed webhook
endpoint (concurrency 8) served by a plain HTTP server in the runner process on 127.0.0.1.
Event-to-webhook latency is the receiver's clock at the end of the request minus the
event's \`at\` (the sample's receive time): rule evaluation, the event row handed to the
writer, the delivery queue, signing and the HTTP round trip. Rows and webhooks for events
raised in the window only; the window starts once the start-up burst (every device already
past a limit fires when it connects) has been delivered. Added CPU is the difference of the two runs' process CPU (the
runs are separate, so a few hundredths of a core is noise).

${table(['Figure', 'Value'], rows)}`;
}
