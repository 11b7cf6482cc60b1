// The history scenario's part of docs/BENCHMARKS.md: its goals (issue 16) with the command
// that reproduces each, and the tables behind them (history-report-tables.ts).
import type { HistoryBenchResult, HistoryPart } from './history-scenario.js';
import { bytesPerRow } from './history-scenario.js';
import type { SqliteDatasetResult } from './history-proc.js';
import type { ChartTiming } from './history-chart.js';
import {
  chartCostTable,
  chartTable,
  fleetTable,
  mysqlTable,
  recordTable,
  sizeTable,
  tableBytes,
  writeBytesTable,
  writeSplitTable,
} from './history-report-tables.js';
import { met, ms, num, pct, table } from './report-format.js';
import { historyNotes } from './history-notes.js';
import type { SqliteRunResult } from './sqlite-proc.js';

export const HISTORY_GOALS = {
  yearChartMs: 300,
  month1HzChartMs: 200,
  pollToStoredP99Ms: 100,
  sqliteRawBytesPerPoint: 25,
  mysqlRawBytesPerPoint: 45,
  exceptionBytesPerPoint: 4,
  /** Disk bytes written per stored row: half of the commit before rollups. */
  writeBytesShare: 0.5,
  sqliteRowsPerSec: 250_000,
} as const;

const command = (part: HistoryPart | '3', extra = '') =>
  `\`npm run bench -- --only ${part === '3' ? '3' : `history-${part}`} --no-profile${extra}\``;

/** Best of some runs and their spread: "12 (11–14)"; lower is better unless `higher`. */
export function bestOf(values: readonly number[], digits = 0, higher = false): string {
  if (values.length === 0) return '—';
  const best = higher ? Math.max(...values) : Math.min(...values);
  const spread = values.length > 1 ? ` (${num(Math.min(...values), digits)}–${num(Math.max(...values), digits)})` : '';
  return `${num(best, digits)}${spread}`;
}

type Row = [figure: string, goal: string, measured: string, result: string, reproduce: string];

function chartRow(name: string, c: ChartTiming, goalMs: number): Row {
  const cold = Math.min(...c.coldMs);
  const ok = c.complete && cold <= goalMs && c.warm.p99 <= goalMs;
  return [
    `${name}, ${num(c.buckets)} buckets: first query / warm p50 / warm p99`,
    `≤ ${goalMs} ms, complete`,
    `${ms(cold)} / ${ms(c.warm.p50)} / ${ms(c.warm.p99)}; ${c.complete ? 'complete' : `**${num(c.samplesCounted)} of ${num(c.expectedSamples)} samples**`} (${c.tier} tier, ${num(c.rowsScanned)} rows read)`,
    met(ok),
    command('charts'),
  ];
}

function rawBytesRow(r: SqliteDatasetResult): Row {
  const raw = tableBytes(r.sizes, 'device_data') / r.fill.samples;
  return [
    `SQLite bytes per stored point, raw rows (device_data), ${r.dataset.label}`,
    `≤ ${HISTORY_GOALS.sqliteRawBytesPerPoint}`,
    `${num(raw, 1)} (whole file with rollups: ${num(r.sizes.fileBytes / r.fill.samples, 1)})`,
    met(raw <= HISTORY_GOALS.sqliteRawBytesPerPoint),
    command(r.dataset.devices > 1 ? 'bytes' : 'charts'),
  ];
}

function writeBytesRows(h: HistoryBenchResult): Row[] {
  const shapes = new Map<string, { before: number[]; now: number[] }>();
  for (const { tree, run } of h.writeBytes) {
    const { devices, pointsPerDevice } = run.options;
    const key = `${num(devices)} device${devices === 1 ? '' : 's'} × ${pointsPerDevice} points`;
    const entry = shapes.get(key) ?? { before: [], now: [] };
    entry[tree].push(bytesPerRow(run));
    shapes.set(key, entry);
  }
  const extra = h.base ? ` --base ${h.base}` : ' --base DIR';
  return [...shapes].map(([shape, { before, now }]) => {
    const target = before.length > 0 ? Math.min(...before) * HISTORY_GOALS.writeBytesShare : null;
    return [
      `Disk bytes written per stored row, ${shape} (/proc/PID/io)`,
      target === null ? 'half of before rollups' : `≤ ${num(target)} (half of ${bestOf(before)} before rollups)`,
      bestOf(now),
      target === null ? '—' : met(Math.min(...now) <= target),
      command('writes', extra),
    ];
  });
}

function fleetRows(h: HistoryBenchResult): Row[] {
  if (h.fleet.length === 0) return [];
  const p99 = (k: 'plain' | 'charts') => h.fleet.map((f) => f[k].pollToStoredMs?.p99 ?? Infinity);
  const skipped = h.fleet.reduce((n, f) => n + f.charts.failures.skippedOverrun, 0);
  const charts = h.chartLoads.reduce((n, l) => n + l.charts, 0);
  const bad = h.chartLoads.reduce((n, l) => n + l.incomplete + l.failed, 0);
  return [
    [
      'Scenario 1 poll-to-stored p99 while a client charts the year nonstop',
      `≤ ${HISTORY_GOALS.pollToStoredP99Ms} ms (unchanged)`,
      `${bestOf(p99('charts'))} ms; without the charts ${bestOf(p99('plain'))} ms (${num(charts)} charts, ${num(bad)} incomplete or failed)`,
      met(Math.min(...p99('charts')) <= HISTORY_GOALS.pollToStoredP99Ms && bad === 0),
      command('fleet'),
    ],
    ['…skipped polls while charting', '0', num(skipped), met(skipped === 0), command('fleet')],
  ];
}

function writePathRow(s3: readonly SqliteRunResult[] | undefined): Row {
  const rates = (s3 ?? []).map((r) => r.result.rowsPerSecond);
  return [
    'Write path with rollups on (scenario 3, batches of 5,000 and 20,000)',
    `≥ ${num(HISTORY_GOALS.sqliteRowsPerSec)} rows/s`,
    rates.length > 0 ? rates.map((r) => num(r)).join(' / ') : 'not run here',
    rates.length > 0 ? met(Math.min(...rates) >= HISTORY_GOALS.sqliteRowsPerSec) : '—',
    command('3'),
  ];
}

export function historyRows(h: HistoryBenchResult, s3?: readonly SqliteRunResult[]): Row[] {
  const rows: Row[] = [];
  for (const c of h.year?.charts ?? [])
    rows.push(chartRow(`1-year chart (${h.year!.dataset.label})`, c, HISTORY_GOALS.yearChartMs));
  for (const c of h.month1Hz?.charts ?? [])
    rows.push(
      chartRow(`30-day chart of a 1 Hz device (${h.month1Hz!.dataset.label})`, c, HISTORY_GOALS.month1HzChartMs),
    );
  rows.push(...fleetRows(h));
  for (const r of [h.year, h.month1Hz, h.fleetSqlite]) if (r) rows.push(rawBytesRow(r));
  const m = h.fleetMysql;
  if (m) {
    const dd = m.sizes.tables.find((t) => t.name === 'device_data');
    const raw = dd ? (dd.dataLength + dd.indexLength) / m.fill.samples : 0;
    rows.push([
      `MariaDB bytes per stored point, raw rows (device_data), ${m.dataset.label}`,
      `≤ ${HISTORY_GOALS.mysqlRawBytesPerPoint}`,
      `${num(raw, 1)} (DATA_LENGTH + INDEX_LENGTH after ANALYZE TABLE; .ibd file ${dd?.ibdBytes ? num(dd.ibdBytes / m.fill.samples, 1) : '—'})`,
      met(raw <= HISTORY_GOALS.mysqlRawBytesPerPoint),
      command('bytes'),
    ]);
  }
  const e = h.exception;
  if (e) {
    const raw = tableBytes(e.sizes, 'device_data') / e.fill.samples;
    rows.push([
      `SQLite bytes per point polled, raw rows (device_data), ${e.dataset.label}`,
      `≤ ${HISTORY_GOALS.exceptionBytesPerPoint}`,
      `${num(raw, 2)}, ${pct(e.fill.stored / e.fill.samples)} of the samples stored (whole file with rollups: ${num(e.sizes.fileBytes / e.fill.samples, 1)})`,
      met(raw <= HISTORY_GOALS.exceptionBytesPerPoint),
      command('bytes'),
    ]);
  }
  rows.push(...writeBytesRows(h));
  rows.push(writePathRow(s3));
  return rows;
}

/** The rows for docs/BENCHMARKS.md's goal table (scenario "history"). */
export function historyGoalRows(h: HistoryBenchResult, s3?: readonly SqliteRunResult[]): string[][] {
  return historyRows(h, s3).map(([figure, goal, measured, result]) => ['history', figure, goal, measured, result]);
}

export function historySection(h: HistoryBenchResult, s3?: readonly SqliteRunResult[]): string {
  const parts: string[] = [
    `## History at fleet scale

\`bench/history-scenario.ts\` (issue 16). Histories are generated through the app's
\`HistoryWriter\` (\`createHistoryStore\`) in a child process (\`bench/history-proc.ts\`), as fast as
the store commits, with timestamps in the past ending at the start of the run; the values are
the simulator's for the example profile (\`config/points.yml\`, \`th-station\`, its first 8
numeric points) or, for the fleet shape, scenario 1's 50 points. After generating, the store
is stopped (which checkpoints and removes the WAL) and the file measured; charts are then
timed through the store's reader (the reader threads, as the web API calls it) on the store
opened afresh: "first" is the first query of a new read connection (its page cache empty, the
OS file cache warm), warm are ${h.year?.charts[0]?.warm.runs ?? 30} repeats after it. A chart is complete when its buckets
count every sample generated in its range. The noisy parts (write bytes, the fleet runs)
run ${Math.max(h.writeBytes.length > 0 ? 2 : 0, h.fleet.length)} times, interleaved; figures give the best and, in brackets, the spread.${h.quick ? '\n\n> **Quick** sizes: shorter histories than the goals name.' : ''}`,
    table(['Figure', 'Goal', 'Measured', 'Result', 'Reproduce'], historyRows(h, s3)),
  ];
  const notes = historyNotes(h);
  if (notes) parts.push(notes);
  const charts = [h.year, h.month1Hz, h.exception].filter((r): r is SqliteDatasetResult => r !== undefined);
  if (charts.length > 0) {
    parts.push(
      `### Charts\n\n${chartTable(charts)}`,
      `### Where a long chart's time goes\n\nThe widest chart's hour-tier reads alone (p50 of 10, on a read-only connection of the proc's main thread, after the timed queries), as the series query makes them and two cheaper ways of reading the same data.\n\n${chartCostTable(charts)}`,
    );
  }
  const sized = [h.year, h.month1Hz, h.exception, h.fleetSqlite].filter(
    (r): r is SqliteDatasetResult => r !== undefined,
  );
  if (sized.length > 0) {
    parts.push(
      `### Bytes on disk per stored point (SQLite)\n\nFile size after the store's stop (checkpointed, no WAL) and each table's pages (\`dbstat\`), divided by the samples polled (each stored as a raw row, but in the history with exception policies).\n\n${sizeTable(sized)}`,
      `### Disk bytes written while generating (SQLite)\n\n\`/proc/self/task/TID/io\` of the generating process, per sample: the writer thread appends every page a batch dirties to the WAL (a page plus a 24-byte frame header each); the checkpointer thread copies those pages into the database file once a second (every 100 ms before 2026-12-07); the rest is the last checkpoint and the rollups written at stop.\n\n${writeSplitTable(sized)}`,
      `### Where a device_data row's bytes go (SQLite)\n\nThe record format per column, averaged over 100,000 rows picked at random (each column's body bytes; the record header holds one type byte per column), then what the B-tree adds: each cell's length and pointer, free space left in the pages, page headers and the child pointers of interior cells (device_data is WITHOUT ROWID, so its interior cells are rows too).\n\n${recordTable(sized)}`,
    );
  }
  if (h.fleetMysql) parts.push(`### Bytes on disk per stored point (MariaDB)\n\n${mysqlTable(h.fleetMysql)}`);
  if (h.writeBytes.length > 0) {
    parts.push(
      `### Disk bytes written per stored row\n\nScenario 3's write path (\`bench/sqlite-proc.ts\`, batches of 5,000 rows) in its own process: the bytes \`/proc/PID/io\` \`write_bytes\` counts for the whole process (writer, checkpointer) from opening the store to its stop, divided by the rows. "Before" is the same script of ${h.base ? `\`${h.base}\`` : 'the commit before rollups'} (38433b9, no rollups).\n\n${writeBytesTable(h)}`,
    );
  }
  if (h.fleet.length > 0) parts.push(`### Scenario 1 while a client charts the year\n\n${fleetTable(h)}`);
  return parts.join('\n\n');
}
