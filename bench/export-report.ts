// The export scenario's part of docs/BENCHMARKS.md: its goals and its table.
import type { ExportBenchResult, ExportRun } from './export-bench.js';
import { met, mib, num, table } from './report-format.js';

export const EXPORT_GOALS = {
  csvRowsPerSec: 200_000,
  xlsxRowsPerSec: 30_000,
  rssBytes: 200 * 1024 * 1024,
} as const;

function goalRows(run: ExportRun): string[][] {
  const goal = run.format === 'csv' ? EXPORT_GOALS.csvRowsPerSec : EXPORT_GOALS.xlsxRowsPerSec;
  return [
    [
      'export',
      `${run.format.toUpperCase()} rows/s, ${num(run.rows)} rows`,
      `≥ ${num(goal)}`,
      num(run.rowsPerSecond),
      met(run.rowsPerSecond >= goal),
    ],
    [
      'export',
      `${run.format.toUpperCase()} peak RSS`,
      `< ${mib(EXPORT_GOALS.rssBytes)}`,
      mib(run.rssPeakBytes),
      met(run.rssPeakBytes < EXPORT_GOALS.rssBytes),
    ],
  ];
}

export function exportGoalRows(res: ExportBenchResult): string[][] {
  return res.runs.flatMap(goalRows);
}

export function exportSection(res: ExportBenchResult): string {
  const rows = res.runs.map((r) => [
    r.format.toUpperCase(),
    num(r.rows),
    `${num(r.seconds, 1)} s`,
    num(r.rowsPerSecond),
    mib(r.bytes),
    mib(r.rssBeforeBytes),
    mib(r.rssPeakBytes),
  ]);
  return `## Export: ${num(res.options.rows)} rows as CSV and XLSX

\`bench/export-bench.ts\` in child processes: ${num(res.options.rows)} rows of one device
(${res.options.points} points) written through the app's \`HistoryWriter\` into SQLite
(${num(res.fillSeconds, 1)} s), then downloaded from \`GET /api/export/data\` of the running app over
loopback HTTP, the body read and dropped as it arrives. The export pages through the
reader's cursor (2,000 rows a page) and writes each page before reading the next. Each
format is served by a fresh app process (the client is the bench parent), so RSS — sampled
every 25 ms — is the app's alone, from idle ("RSS before", after a GC) to its peak. The
peak holds the read connection's page cache filling up (at most 8 MiB, however large
\`storage.cacheSize\`), and the XLSX figure also loading exceljs (about 25 MiB), which
happens on the first XLSX export. Goals: CSV ≥
${num(EXPORT_GOALS.csvRowsPerSec)} rows/s, XLSX ≥ ${num(EXPORT_GOALS.xlsxRowsPerSec)} rows/s, RSS < ${mib(EXPORT_GOALS.rssBytes)}.

${table(['Format', 'Rows', 'Time', 'Rows/s', 'File', 'RSS before', 'RSS peak'], rows)}`;
}
