// The spill replay section of docs/BENCHMARKS.md and its row in the goals table.
import { met, mib, num, table } from './report-format.js';
import type { SpillBenchResult, SpillRunResult } from './spill-scenario.js';

export const SPILL_REPLAY_GOAL_ROWS_PER_SEC = 50_000;

const shipped = (s: SpillBenchResult) => s.runs[0];

export function spillGoalRows(s: SpillBenchResult): string[][] {
  const run = shipped(s);
  if (!run) return [];
  const ok = run.replayRowsPerSecond >= SPILL_REPLAY_GOAL_ROWS_PER_SEC && run.drainSeconds !== null;
  return [
    [
      'spill',
      `spill replay with ${num(s.spec.loadRowsPerSecond)} rows/s of load running; backlog drains`,
      `≥ ${num(SPILL_REPLAY_GOAL_ROWS_PER_SEC)} rows/s`,
      `${num(run.replayRowsPerSecond)} rows/s, ${run.drainSeconds === null ? 'not drained' : `drained in ${num(run.drainSeconds, 1)} s`}`,
      met(ok),
    ],
  ];
}

function runRow(run: SpillRunResult): string[] {
  const lost = run.rowsAccepted - run.rowsDropped - run.rowsStored;
  return [
    run.label,
    `${num(run.backlogRows)} rows, ${mib(run.backlogBytes)}`,
    `${num(run.replayRowsPerSecond)} rows/s`,
    `${num(run.firstCommitMs)} ms`,
    `${num(run.replayRowsPerSecondAfterFirst)} rows/s`,
    num(run.replayCommits),
    num(run.loadRowsPerSecond),
    run.drainSeconds === null ? 'not drained' : `${num(run.drainSeconds, 1)} s`,
    `${num(run.rowsDropped)} / ${num(lost)}`,
  ];
}

/** Rows and bytes left on disk at a few points of the replay. */
function diskRows(run: SpillRunResult): string[][] {
  const picks = run.disk.filter((_, i) => i % Math.max(1, Math.ceil(run.disk.length / 8)) === 0);
  const last = run.disk.at(-1);
  if (last && picks.at(-1) !== last) picks.push(last);
  return picks.map((d) => [`${num(d.atSeconds, 1)} s`, num(d.rowsOnDisk), mib(d.fileBytes)]);
}

export function spillSection(s: SpillBenchResult): string {
  const run = shipped(s);
  const parts = [
    `## Spill replay with load running

\`bench/spill-scenario.ts\` (issue 17). A MariaDB store (\`MysqlHistory\`, \`maxRows\` 1,000 with the
default 20 ms idle delay, so batches of 100–1,000 rows; \`spill.maxSize\` 1 GiB: 4 MiB segments) reaches the server through a TCP switch the bench owns.
Rows come at ${num(s.spec.loadRowsPerSecond)} rows/s the whole time (100 devices × 50 points, every row distinct).
The switch refuses connections for ${s.spec.outageSeconds} s, so the journal grows; then it forwards again and
the journal is replayed while the same load goes on. The replay rate is the rows replayed from
the journal divided by the time from the server's return to the store's return to \`ok\`; the
new rows written meanwhile (to the journal, behind the replay) come on top. Load, store and
replay share one process, as in the gateway. The second run limits each replay transaction to
one journal record: what the replay did before issue 17, on the same machine and load.
The first commit after an outage also rebuilds the rollups' pending deltas from the rows
stored since \`rollup_state.pending_since\` (the transactions that failed during the outage
rolled them back), so the rate after it is given apart.${s.spec.outageSeconds < 60 ? '\n\n> **Quick** sizes: a shorter outage.' : ''}`,
    table(
      [
        'Run',
        'Backlog at return',
        'Replay rate',
        'First commit',
        'Rate after it',
        'Commits',
        'Load during replay, rows/s',
        'Drained',
        'Dropped / lost',
      ],
      s.runs.map(runRow),
    ),
  ];
  if (run)
    parts.push(
      `Journal on disk while the shipped replay drains (space comes back a 4 MiB segment at a time):\n\n${table(['Since return', 'Rows in journal', 'Files on disk'], diskRows(run))}`,
    );
  return parts.join('\n\n');
}
