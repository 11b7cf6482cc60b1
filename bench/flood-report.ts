// The flood scenario's part of docs/BENCHMARKS.md (issue 17, items 3 and 4; issue 23's fuzz).
import type { FloodBenchResult, MemoryReading } from './flood-scenario.js';
import { kib, met, mib, num, table } from './report-format.js';

const label = 'flood';
/** Issue 17: RSS back within 20 MB of its baseline; at most 1 MB of raw_packets a flood. */
export const FLOOD_GOALS = { rssAboveBaselineBytes: 20 * 1024 * 1024, rawBytesPerFlood: 1024 * 1024 };

const worstFlood = (r: FloodBenchResult) => Math.max(...r.rounds.map((x) => x.rawStoredBytes));

export function floodGoalRows(r: FloodBenchResult): string[][] {
  const above = r.settled.rss - r.baseline.rss;
  return [
    [
      label,
      `RSS after ${r.spec.floods} floods of ${mib(r.spec.floodBytes)}, settled, above the baseline`,
      `≤ ${mib(FLOOD_GOALS.rssAboveBaselineBytes)}`,
      mib(above),
      met(above <= FLOOD_GOALS.rssAboveBaselineBytes),
    ],
    [
      label,
      'raw_packets bytes written by one flood (worst)',
      `≤ ${mib(FLOOD_GOALS.rawBytesPerFlood)}`,
      kib(worstFlood(r)),
      met(worstFlood(r) <= FLOOD_GOALS.rawBytesPerFlood),
    ],
  ];
}

const memoryCells = (m: MemoryReading) => [mib(m.rss), mib(m.heapUsed), mib(m.external), mib(m.arrayBuffers)];

export function floodSection(r: FloodBenchResult): string {
  const { spec } = r;
  const rows = [
    ['baseline (after a full GC)', ...memoryCells(r.baseline), '', ''],
    ...r.rounds.map((x, i) => [
      `after flood ${i + 1} (${num(x.seconds, 1)} s)`,
      ...memoryCells(x.memory),
      num(x.rawRows),
      kib(x.rawStoredBytes),
    ]),
    [`settled, ${num(spec.settleMs / 1000)} s later`, ...memoryCells(r.settled), '', ''],
    ['settled, after a full GC', ...memoryCells(r.settledAfterGc), '', ''],
  ];
  const fuzzRows = r.fuzz.map((x) => [num(x.frames), ...memoryCells(x.memory), num(x.rawRows), mib(x.rawStoredBytes)]);
  fuzzRows.push([`settled, ${num(spec.settleMs / 1000)} s later`, ...memoryCells(r.fuzzSettled), '', '']);
  return `## Floods on a DTU port (issue 17)

\`bench/flood-scenario.ts\`: the dtuhub app (\`bench/server-proc.ts --mode app\`, SQLite, raw
packet recording and session limits at their defaults: \`recordRawPackets: errors\`,
\`rawPacketMaxBytes: 256\`, \`rawPacketBytesPerMinute: 64KiB\`, \`rawPacketsMaxBytes: 16MiB\`)
runs in a child process. One DTU registers, then sends ${spec.floods} floods of
${mib(spec.floodBytes)} of random bytes over its socket, one after the other. After each flood
(once the writer holds nothing) the child reports its memory (RSS is what the kernel charges:
main thread, SQLite writer thread and allocator together; heap, external and array buffers are
V8's view of the main thread) and the runner counts what the flood added to \`raw_packets\`
(stored bytes: the hex text). The floods come within one minute, so the first one spends the
connection's budget; a flood that lasts longer gets a budget a minute.

${table(['Reading', 'RSS', 'Heap used', 'External', 'Array buffers', 'raw_packets rows', 'raw_packets bytes'], rows)}

Database file after the run (with its WAL): ${mib(r.dbFileBytes)}.

**Issue 23's fuzz.** Then ${num(spec.fuzzDtus)} more DTUs register and send
${num(spec.fuzzFrames)} fuzzed Modbus answers between them (plausible slave, function and byte
count, random data and CRC), in ${num(spec.fuzzSteps)} steps; \`raw_packets\` as a whole after each:

${table(['Frames sent', 'RSS', 'Heap used', 'External', 'Array buffers', 'raw_packets rows', 'raw_packets bytes'], fuzzRows)}

**Where the bytes stayed before** (the code before this scenario's fix, measured the same
way with 2–3 floods). With recording off the floods left RSS at its baseline, so the parser's
buffers (at most \`maxInputBytes\` a connection, in buffers of their own) and the rate-limited
log were not holding them. With \`recordRawPackets: errors\` each flood was recorded whole:
20 MB of packet bytes went into the write batch, crossed to the SQLite thread as flood-sized
transferred buffers, became 40 MB of hex strings in that thread and 40 MB of rows. The main
thread's heap stayed at 27 MiB while array buffers still read 50 MiB after a full GC of the
main thread (the batches' buffers, alive until the writer thread collects them), and RSS rose
80 MB on the first flood and stayed there (what a thread frees to its own malloc arena is
seldom given back to the kernel). Recording a capped sample within a per-connection budget
removes the cause: no flood-sized buffer is made, so no allocator setting is needed. The fuzz
part was not run on the code before; issue 23's climb came with \`raw_packets\` growing to
818,530 rows, which the row cap (now held at every commit) and these budgets prevent.`;
}
