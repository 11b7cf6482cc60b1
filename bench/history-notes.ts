// "What limits these figures" for the history section: where a missed goal's time or bytes
// go, read from the run's own figures.
import type { HistoryBenchResult } from './history-scenario.js';
import type { SqliteDatasetResult } from './history-proc.js';
import { ms, num } from './report-format.js';

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function chartNote(r: SqliteDatasetResult): string | null {
  const c = r.chartCost;
  const widest = r.charts.at(-1);
  if (!c || !widest) return null;
  return `**Charts.** The ${r.dataset.label} chart of ${num(widest.buckets)} buckets reads ${num(widest.rowsScanned)} rows (the hour rollups of ${widest.points} points, minute rows at the ends) and took ${ms(widest.warm.p50)} warm (p50) on the reader thread. Its ${num(c.rows)} hour rows summed into the buckets by SQLite (GROUP BY), as the query reads them, take ${ms(c.groupedMs)}; read as a JavaScript object per row with every column (as before 2026-12-07) they took ${ms(c.objectsMs)}, and as arrays of the five columns a chart uses ${ms(c.narrowArraysMs)}. The rest of the ${ms(widest.warm.p50)} is the minute and raw rows at the ends, the bucket reducer, and posting the result to the main thread.`;
}

function fleetNote(h: HistoryBenchResult): string | null {
  if (h.fleet.length === 0) return null;
  const avg = (k: 'plain' | 'charts', f: (r: HistoryBenchResult['fleet'][number]['plain']) => number) =>
    mean(h.fleet.map((p) => f(p[k])));
  const cpu = (k: 'plain' | 'charts') => avg(k, (r) => r.server.cpuCores);
  const commit = (k: 'plain' | 'charts', q: 'p50' | 'p99') => avg(k, (r) => r.flushes?.commitMs[q] ?? 0);
  const charts = mean(h.chartLoads.map((l) => l.charts / Math.max(1, h.fleet[0]!.charts.server.seconds)));
  return `**Scenario 1 while charting.** One client asking for the year chart again and again (${num(charts, 1)} charts/s) raised the server process's CPU from ${num(cpu('plain'), 2)} to ${num(cpu('charts'), 2)} cores on average: the reader thread is busy the whole time. The machine has two cores for the writer thread, the reader thread, the main thread and the fleet process, so the writer's commits wait for a core: commit p50 ${ms(commit('plain', 'p50'))} → ${ms(commit('charts', 'p50'))}, p99 ${ms(commit('plain', 'p99'))} → ${ms(commit('charts', 'p99'))}, and a sample waits for the commits ahead of it. A cheaper chart (above) shortens the time the reader thread competes; the WAL's size is given to show whether open read snapshots kept checkpoints from restarting it.`;
}

function bytesNote(h: HistoryBenchResult): string | null {
  const r = h.month1Hz ?? h.year ?? h.fleetSqlite;
  if (!r) return null;
  const b = r.sizes.deviceData;
  const dd = r.sizes.tables.find((t) => t.name === 'device_data')!;
  const perRow = dd.bytes / Math.max(1, dd.cells);
  // Each column's body bytes, largest first; every column also costs a serial-type byte in the header.
  const byColumn = Object.entries(b.columns)
    .filter(([, bytes]) => bytes >= 0.05)
    .sort((x, y) => y[1] - x[1])
    .map(([c, bytes]) => `${c} ${num(bytes, 1)}`)
    .join(', ');
  const record = b.header + Object.values(b.columns).reduce((a, x) => a + x, 0);
  const goal = perRow <= 25 ? ' That meets ≤ 25.' : ` ≤ 25 bytes needs ${num(perRow - 25, 1)} fewer per row.`;
  const rollups = h.year
    ? ` Per-minute rollups cost ${num(tableBytesPer(h.year, 'rollup_minute'), 1)} bytes per sample of the ${h.year.dataset.label} history: at a 30 s poll a minute row (${num(perCell(h.year, 'rollup_minute'))} bytes on disk) holds two samples, so they cost about as much as the raw rows.`
    : '';
  const m = h.fleetMysql?.sizes.tables.find((t) => t.name === 'device_data');
  const mysql = m
    ? ` In MariaDB a row takes ${num((m.dataLength + m.indexLength) / h.fleetMysql!.fill.samples, 1)} bytes: InnoDB adds about 18 bytes to every row (a 5-byte header, a 6-byte transaction id and a 7-byte roll pointer) and stores each integer at its declared width, where SQLite stores a small integer in one or two bytes.`
    : '';
  return `**Bytes per point.** A device_data row takes ${num(perRow, 1)} bytes in SQLite (${r.dataset.label}): a ${num(record, 1)}-byte record, ${num(b.cellOverhead, 1)} bytes of cell length and pointer, and free space and interior pages for the rest. Of the record, ${num(b.header, 0)} bytes are its header (a length byte and one serial-type byte per column) and the columns' bodies take: ${byColumn}.${goal}${rollups}${mysql}`;
}

function perCell(r: SqliteDatasetResult, name: string): number {
  const t = r.sizes.tables.find((x) => x.name === name);
  return t ? t.bytes / Math.max(1, t.cells) : 0;
}

function tableBytesPer(r: SqliteDatasetResult, name: string): number {
  return (r.sizes.tables.find((t) => t.name === name)?.bytes ?? 0) / Math.max(1, r.fill.samples);
}

function writesNote(h: HistoryBenchResult): string | null {
  const r = h.fleetSqlite;
  const d = r?.diskWrites;
  if (!r || !d) return null;
  const rowsPerBatch = r.fill.samples / Math.max(1, r.fill.commits);
  const rowBytes = tableBytesPer(r, 'device_data');
  const frames = (d.wal * r.fill.samples) / (r.sizes.pageSize + 24) / Math.max(1, r.fill.commits);
  return `**Disk bytes written.** SQLite writes whole pages: a batch of ${num(rowsPerBatch)} rows of ${r.dataset.label} dirtied ${num(frames)} pages (raw rows of a hundred devices, each appended to its own range, and the rollup rows their deltas touch), each appended to the WAL (${num(r.sizes.pageSize)} bytes and a 24-byte frame header) and copied into the file again by the checkpointer: ${num(d.wal)} + ${num(d.checkpoints)} bytes per row. What a row's own bytes are (about ${num(rowBytes)}) matters little; the pages a batch touches per row do. Halving it means fewer pages per row: more rows of the same device per batch, or a page written to the file once for several batches.`;
}

export function historyNotes(h: HistoryBenchResult): string {
  const chart = h.year ?? h.month1Hz;
  const notes = [chart ? chartNote(chart) : null, fleetNote(h), bytesNote(h), writesNote(h)].filter(
    (n): n is string => n !== null,
  );
  return notes.length > 0 ? `### What limits these figures\n\n${notes.join('\n\n')}` : '';
}
