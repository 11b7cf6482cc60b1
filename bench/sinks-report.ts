// The northbound sinks section of docs/BENCHMARKS.md (issue 21), its rows in the goals
// table, and the InfluxDB line encoding table measured beside it.
import { met, mib, ms, num, table, us } from './report-format.js';
import type { SinkRun, SinksBenchResult, SinkUnderTest } from './sinks-scenario.js';

/** Delivered while the peer is up: at least this share of what is offered. */
export const SINK_DELIVERED_SHARE = 0.99;

const LABEL: Record<SinkUnderTest, string> = { influxdb: 'InfluxDB (v2, gzip)', mqtt: 'MQTT north (JSON, QoS 1)' };

/** Why points can be left in the journal at the end: the sink had not caught up when the wait after the load ended. */
const FINISH_NOTE = '(the wait after the load stopped ran out)';

const load = (l: readonly [number, number]) => `${num(l[0], 1)}–${num(l[1], 1)}`;

/** Nothing missing or out of order at the receiver, nothing dropped, and the sink emptied its journal. */
export function deliveredWhole(run: SinkRun): boolean {
  const d = run.delivery;
  return (
    d.drained &&
    d.received.missing === 0 &&
    d.received.outOfOrder === 0 &&
    d.droppedRows === 0 &&
    d.rejectedRows === 0 &&
    d.unreadable === 0
  );
}

export function sinksGoalRows(s: SinksBenchResult): string[][] {
  return s.runs.flatMap((run) => {
    const { steady, outage, delivery } = run;
    const delivered = steady.deliveredPerSecond ?? 0;
    const rateOk = delivered >= SINK_DELIVERED_SHARE * steady.offeredPerSecond;
    const drainOk = outage.drainSeconds !== null && deliveredWhole(run);
    return [
      [
        'sinks',
        `${LABEL[run.sink]}: points/s delivered with history on`,
        `≥ ${num(SINK_DELIVERED_SHARE * 100)} % of ${num(steady.offeredPerSecond)} offered`,
        `${num(delivered)}, lag p99 ${ms(steady.lagMs?.p99 ?? 0)} (load ${load(run.loadAverage)})`,
        met(rateOk),
      ],
      [
        'sinks',
        `${LABEL[run.sink]}: replay after a ${num(outage.outageSeconds)} s outage, load continuing`,
        'drains; nothing lost, order kept',
        `${num(outage.replayRowsPerSecond)} rows/s, ${outage.drainSeconds === null ? `not drained in ${num(s.spec.replayLimitSeconds)} s` : `drained in ${num(outage.drainSeconds, 1)} s`}; ${num(delivery.received.missing)} missing${delivery.leftInJournal > 0 ? ` (${num(delivery.leftInJournal)} points still journaled)` : ''}, ${num(delivery.received.outOfOrder)} out of order`,
        met(drainOk),
      ],
      [
        'sinks',
        `${LABEL[run.sink]}: history rows dropped (backlog cap) in the whole run`,
        '0',
        num(delivery.historyDropped),
        met(delivery.historyDropped === 0),
      ],
      ['sinks', `${LABEL[run.sink]}: CPU per point added`, '(context)', us(run.addedCpuUsPerPoint), '—'],
    ];
  });
}

function steadyRows(s: SinksBenchResult): string[][] {
  const b = s.baseline;
  const rows = [
    [
      'history alone (baseline)',
      num(b.offeredPerSecond),
      '—',
      '—',
      `${num(b.cpuCores, 3)} cores`,
      us(b.cpuUsPerPoint),
      '—',
      mib(b.rssBytes),
      num(b.historyDropped),
      load(b.loadAverage),
    ],
  ];
  for (const run of s.runs) {
    const w = run.steady;
    rows.push([
      `history + ${LABEL[run.sink]}`,
      num(w.offeredPerSecond),
      num(w.deliveredPerSecond ?? 0),
      w.lagMs ? `${ms(w.lagMs.p50)} / ${ms(w.lagMs.p99)}` : '—',
      `${num(w.cpuCores, 3)} cores`,
      us(w.cpuUsPerPoint),
      `**${us(run.addedCpuUsPerPoint)}**`,
      mib(w.rssBytes),
      num(w.historyDropped),
      load(run.loadAverage),
    ]);
  }
  return rows;
}

function outageRow(run: SinkRun): string[] {
  const o = run.outage;
  const d = run.delivery;
  const r = d.received;
  return [
    LABEL[run.sink],
    num(o.spilledRows),
    `${num(o.rowsOnDiskAtReturn)} rows, ${mib(o.bytesOnDiskAtReturn)}`,
    o.firstReplaySeconds === null ? '—' : `${num(o.firstReplaySeconds, 1)} s`,
    `**${num(o.replayRowsPerSecond)} rows/s**`,
    num(o.loadPerSecond),
    o.drainSeconds === null ? 'not drained' : `${num(o.drainSeconds, 1)} s`,
    mib(o.rssPeakBytes),
    `${num(r.records)} of ${num(d.offeredRecords)} (${num(r.points)} of ${num(d.offeredPoints)} points)${d.leftInJournal > 0 ? `; ${num(d.leftInJournal)} points still journaled ${FINISH_NOTE}` : ''}`,
    `${num(r.missing)} / ${num(r.outOfOrder)} / ${num(r.duplicates)}`,
    `${num(d.droppedRows)} / ${num(d.rejectedRows)}`,
    `${num(o.historyDroppedOutage)} / ${num(o.historyDroppedReplay)} / ${num(d.historyDropped)}`,
  ];
}

export function encodingSection(s: SinksBenchResult): string {
  const e = s.encoding;
  return `## InfluxDB line encoding

\`bench/line-encoding.ts\`, run at the start of the sinks scenario (\`npm run bench -- --only sinks --no-profile\`).
${num(e.lines)} lines of ${e.fieldsPerLine} float fields and two tags over 100 devices, encoded in the
runner process; each encoder 15 times in turn, its best run kept. The InfluxDB sink uses
the hand-written encoder over plain HTTP (undici); its escaping is checked against the
client's in \`test/unit/sinks/line-protocol.test.ts\`.

${table(
  ['Encoder', 'µs per line', 'Lines/s'],
  e.runs.map((r) => [r.encoder, num(r.usPerLine, 2), num(r.linesPerSecond)]),
)}`;
}

export function sinksSection(s: SinksBenchResult): string {
  const { spec } = s;
  const rate = spec.devices * spec.points;
  return `## Northbound sinks at ${num(rate)} points/s with history on (issue 21)

\`bench/sinks-scenario.ts\`; \`npm run bench -- --only sinks --no-profile\` (\`--quick\`: shorter windows and outage).
A child process (\`bench/sinks-proc.ts\`) runs the SQLite history store (scenario 1's batches:
5,000 rows or 200 ms; the default backlog cap of 100,000 rows, past which rows are dropped and
counted) and one sink, both handed every poll in turn, as the app's bus does: ${num(spec.devices)} devices × ${spec.points}
points once a second, paced in 20 ms ticks, each poll one batch of samples sharing its time
(one InfluxDB line, one MQTT message). The sink is \`Sink\` (\`src/sinks/sink.ts\`) with the shipped
queue and journal (5,000 rows or 1 s per batch, 200,000 rows backlog cap) except
\`spill.retryMax: 5s\` (30 s by default), so the replay starts within 5 s of the peer's return.
The InfluxDB sink writes to a stand-in for the v2 write endpoint in the runner process (204 to
every write, gzip bodies); the MQTT sink publishes to a private Mosquitto (no queue or in-flight
caps, so the broker drops nothing) and a subscriber at QoS 1 in the runner counts what arrives.
Both receivers read each record's device, its per-device sequence number (point \`p0\`) and
time. The peer is reached through a TCP switch in the runner; the baseline runs the history
store alone under the same load, so **CPU added** is (process CPU with the sink − baseline)
per point offered (CPU of every thread of the child: the SQLite writer thread included; the
receivers' CPU is not in it). Lag is the sample's time to its arrival at the receiver, so it
includes the batching (up to 1 s). Warm-up ${spec.warmupSeconds} s, window ${spec.measureSeconds} s. Load average: the
machine's 1-minute figure at the start and end of each run (shared machine: other work runs).${spec.outageSeconds < 60 ? '\n\n> **Quick** sizes: shorter windows and outage.' : ''}

${table(
  [
    'Run',
    'Offered, points/s',
    'Delivered, points/s',
    'Lag p50 / p99',
    'CPU',
    'CPU per point',
    'CPU per point added',
    'RSS',
    'History rows dropped',
    'Load avg',
  ],
  steadyRows(s),
)}

Then the switch refuses for ${spec.outageSeconds} s (connections reset, new ones closed) while the load goes
on, so the sink journals; then it forwards again and the journal is replayed in order while
the ${num(rate)} points/s keep coming (journaled behind the replay until it catches up). The replay
rate counts every point replayed from the first replayed batch to the end of \`spilling\`
(limit ${spec.replayLimitSeconds} s). Then the load stops, the sink gets up to 4 minutes to empty its journal, and
the receiver's counts are checked
against every device's polls: missing, out of order (a record that came after a later one of
its device) and duplicates (sent again after a cut-off batch: at least once).

${table(
  [
    'Sink',
    'Spilled during the outage, points',
    'Journal at return',
    'First replay after return',
    'Replay rate',
    'Load during replay, points/s',
    'Drained (out of spilling) after return',
    'RSS peak',
    'Records received of offered',
    'Missing / out of order / duplicates',
    'Dropped / rejected by the sink',
    'History rows dropped: outage / replay / whole run',
  ],
  s.runs.map(outageRow),
)}`;
}
