// The tables of the history section of docs/BENCHMARKS.md (history-report.ts).
import type { ChartLoadSummary } from './chart-load.js';
import type { FleetScenarioResult } from './fleet-scenario.js';
import type { MysqlDatasetResult, SqliteDatasetResult } from './history-proc.js';
import type { SqliteSizes } from './history-size.js';
import { bytesPerRow, type HistoryBenchResult } from './history-scenario.js';
import type { WalSummary } from './wal-watch.js';
import { latency, mib, ms, num, pct, table } from './report-format.js';

export function tableBytes(sizes: SqliteSizes, name: string): number {
  return sizes.tables.find((t) => t.name === name)?.bytes ?? 0;
}

const perPoint = (bytes: number, samples: number) => num(bytes / Math.max(1, samples), 1);
const span = (msSpan: number) =>
  msSpan >= 86_400_000 ? `${num(msSpan / 86_400_000, 1)} d` : `${num(msSpan / 3_600_000, 1)} h`;

export function chartTable(results: readonly SqliteDatasetResult[]): string {
  const rows = results.flatMap((r) =>
    r.charts.map((c) => [
      r.dataset.label,
      `${span(c.rangeMs)}, ${c.points} points`,
      `${num(c.buckets)} / ${num(c.bucketsReturned)}`,
      `${c.tier}, ${span(c.bucketMs)}`,
      num(c.rowsScanned),
      `${num(c.samplesCounted)} / ${num(c.expectedSamples)}`,
      c.coldMs.map(ms).join(', '),
      `${ms(c.warm.p50)} / ${ms(c.warm.p99)} / ${ms(c.warm.max)}`,
    ]),
  );
  return table(
    [
      'History',
      'Chart',
      'Buckets asked / returned (all points)',
      'Tier, bucket',
      'Rows read',
      'Samples counted / generated',
      'First query (each fresh store)',
      'Warm p50 / p99 / max',
    ],
    rows,
  );
}

export function sizeTable(results: readonly SqliteDatasetResult[]): string {
  const rows = results.map((r) => {
    const s = r.sizes;
    const n = r.fill.samples;
    const named = ['device_data', 'rollup_minute', 'rollup_hour'].map((t) => tableBytes(s, t));
    const other = s.fileBytes - named.reduce((a, b) => a + b, 0);
    return [
      r.dataset.label,
      r.fill.stored === n ? num(n) : `${num(n)} (${pct(r.fill.stored / n)} stored)`,
      mib(s.fileBytes),
      `**${perPoint(s.fileBytes, n)}**`,
      ...named.map((b) => perPoint(b, n)),
      perPoint(other, n),
      `${num(r.fill.samplesPerSecond)}`,
      r.diskWriteBytesPerSample === null ? '—' : num(r.diskWriteBytesPerSample),
    ];
  });
  return table(
    [
      'History',
      'Samples polled',
      'File',
      'Bytes/point, whole file',
      'device_data',
      'rollup_minute',
      'rollup_hour',
      'other (schema, free pages)',
      'Generated at (samples/s)',
      'Disk bytes written per sample while generating',
    ],
    rows,
  );
}

export function recordTable(results: readonly SqliteDatasetResult[]): string {
  const header = ['Part (bytes per row)', ...results.map((r) => r.dataset.label)];
  const each = (f: (r: SqliteDatasetResult) => number, digits = 1) => results.map((r) => num(f(r), digits));
  const dd = (r: SqliteDatasetResult) => r.sizes.tables.find((t) => t.name === 'device_data')!;
  const record = (r: SqliteDatasetResult) => {
    const b = r.sizes.deviceData;
    return b.header + Object.values(b.columns).reduce((a, x) => a + x, 0);
  };
  const columns = Object.keys(results[0]!.sizes.deviceData.columns);
  const perRow = (r: SqliteDatasetResult, bytes: number) => bytes / Math.max(1, dd(r).cells);
  const rest = (r: SqliteDatasetResult) =>
    perRow(r, dd(r).bytes - dd(r).payload - dd(r).unused) - r.sizes.deviceData.cellOverhead;
  const rows: string[][] = [
    ['record header (a length byte and a type byte per column)', ...each((r) => r.sizes.deviceData.header)],
    ...columns.map((c) => [`\`${c}\``, ...each((r) => r.sizes.deviceData.columns[c]!)]),
    ['= record (estimated from the format)', ...each(record)],
    ['record as stored (dbstat payload ÷ rows)', ...each((r) => perRow(r, dd(r).payload))],
    ['cell length varint + 2-byte cell pointer', ...each((r) => r.sizes.deviceData.cellOverhead)],
    ['free space in the pages', ...each((r) => perRow(r, dd(r).unused))],
    ['page headers, child pointers of interior cells', ...each(rest)],
    ['**device_data total**', ...each((r) => perRow(r, dd(r).bytes))],
  ];
  return table(header, rows);
}

export function mysqlTable(m: MysqlDatasetResult): string {
  const n = m.fill.samples;
  const rows = m.sizes.tables.map((t) => [
    `\`${t.name}\``,
    mib(t.dataLength),
    mib(t.indexLength),
    mib(t.dataFree),
    t.ibdBytes === null ? '—' : mib(t.ibdBytes),
    perPoint(t.dataLength + t.indexLength, n),
    t.ibdBytes === null ? '—' : perPoint(t.ibdBytes, n),
  ]);
  return `${m.dataset.label} (${num(n)} samples) into a fresh database on the local MariaDB (InnoDB, 16 KiB pages), through the app's writer; then \`ANALYZE TABLE\` and \`information_schema.TABLES\`, and the tables' \`.ibd\` files under \`@@datadir\`. Rollups of so short a history are not representative (at 1 Hz a minute row holds 60 samples, an hour row 3,600).\n\n${table(['Table', 'DATA_LENGTH', 'INDEX_LENGTH', 'DATA_FREE', '.ibd file', 'Bytes/point (data + index)', 'Bytes/point (.ibd)'], rows)}`;
}

export function writeBytesTable(h: HistoryBenchResult): string {
  const rows = h.writeBytes.map(({ tree, run }) => [
    `${num(run.options.devices)} × ${run.options.pointsPerDevice}, ${num(run.result.rows)} rows`,
    tree === 'before' ? 'before rollups' : 'now',
    num(run.result.rowsPerSecond),
    `${num(run.result.commitMs.p50, 1)} / ${num(run.result.commitMs.p99, 1)} ms`,
    num(run.result.rowsPerFlush),
    num(bytesPerRow(run)),
  ]);
  return table(
    ['Workload', 'Tree', 'Rows/s', 'Commit p50 / p99', 'Rows per commit', 'Disk bytes written per row'],
    rows,
  );
}

function fleetColumn(r: FleetScenarioResult, load: ChartLoadSummary | null, wal: WalSummary): string[] {
  const stored = r.pointsStoredPerSec ?? 0;
  const written = r.server.diskWriteBytesPerSec;
  return [
    r.pollToStoredMs ? latency(r.pollToStoredMs) : '—',
    num(r.failures.skippedOverrun),
    `${num(r.txPerSec, 1)} / ${num(r.expectedTxPerSec)}`,
    r.flushes ? `${ms(r.flushes.commitMs.p50)} / ${ms(r.flushes.commitMs.p99)}` : '—',
    `${num(r.server.cpuCores, 3)} (main ${num(r.server.mainThreadCores ?? 0, 3)})`,
    pct(r.server.loopUtilization),
    written === null || stored === 0 ? '—' : num(written / stored),
    load
      ? `${num(load.charts)} (${num(load.charts / r.server.seconds, 1)}/s), ${num(load.incomplete + load.failed)} bad`
      : '—',
    load ? `${ms(load.ms.p50)} / ${ms(load.ms.p99)} / ${ms(load.ms.max)}` : '—',
    `${mib(wal.meanBytes)} / ${mib(wal.maxBytes)}`,
  ];
}

export function fleetTable(h: HistoryBenchResult): string {
  const figures = [
    'Poll-to-stored p50 / p90 / p99 / max',
    'Skipped polls',
    'Transactions/s (schedule)',
    'Commit p50 / p99',
    'Server CPU, cores',
    'Event-loop utilisation',
    'Disk bytes written per stored row',
    'Charts answered',
    'Chart p50 / p99 / max (HTTP, body read)',
    'WAL file, mean / max',
  ];
  const columns: string[][] = [];
  const header = ['Figure'];
  h.fleet.forEach((f, i) => {
    header.push(`plain, run ${i + 1}`, `charting, run ${i + 1}`);
    columns.push(fleetColumn(f.plain, null, f.wal.plain), fleetColumn(f.charts, h.chartLoads[i] ?? null, f.wal.charts));
  });
  const rows = figures.map((figure, k) => [figure, ...columns.map((c) => c[k]!)]);
  const spec = h.chartLoads[0]?.spec;
  const what = spec
    ? `\`GET /api/devices/${spec.registrationId}/series\` for ${spec.points.length} points over the whole year, ${spec.buckets} buckets, `
    : '';
  return `Scenario 1 (1,000 DTUs polled every second, real sockets) on a copy of the year's database, without and with one client in the bench parent asking ${what}again as soon as each answer is in, for the whole measured window (${num(h.fleet[0]?.plain.server.seconds ?? 0)} s). The chart reads from the reader threads; the server process's other threads include them.\n\n${table(header, rows)}`;
}

/** The widest chart of each history: the whole query, and its hour-tier reads alone three ways. */
export function chartCostTable(results: readonly SqliteDatasetResult[]): string {
  const rows = results.flatMap((r) => {
    const c = r.chartCost;
    const widest = r.charts.at(-1);
    if (!c || !widest) return [];
    return [
      [
        r.dataset.label,
        `${num(widest.buckets)} buckets`,
        ms(widest.warm.p50),
        `${ms(c.objectsMs)} (${num(c.rows)} rows)`,
        ms(c.narrowArraysMs),
        `${ms(c.groupedMs)} (${num(c.groupedRows)} rows)`,
      ],
    ];
  });
  return table(
    [
      'History',
      'Chart',
      'Series query, warm p50 (reader thread, all tiers)',
      'Hour rows read as the query reads them (9 columns, an object each)',
      'The same rows, the 5 columns a chart uses, as arrays',
      'Summed into the buckets by SQLite (GROUP BY)',
    ],
    rows,
  );
}

/** Disk bytes written while generating, per sample, by thread. */
export function writeSplitTable(results: readonly SqliteDatasetResult[]): string {
  const rows = results.map((r) => {
    const d = r.diskWrites;
    const frames = d ? (d.wal * r.fill.samples) / (r.sizes.pageSize + 24) : 0;
    return [
      r.dataset.label,
      num(r.fill.samples / Math.max(1, r.fill.commits)),
      d ? num(d.wal) : '—',
      d ? num(frames / Math.max(1, r.fill.commits), 1) : '—',
      d ? num(d.checkpoints) : '—',
      d ? num(d.rest) : '—',
      r.diskWriteBytesPerSample === null ? '—' : `**${num(r.diskWriteBytesPerSample)}**`,
    ];
  });
  return table(
    [
      'History',
      'Samples per batch',
      'WAL appends (writer thread)',
      'WAL frames (pages) per batch',
      'Copies into the file (checkpointer thread)',
      'At stop and other threads',
      'Total per sample',
    ],
    rows,
  );
}
