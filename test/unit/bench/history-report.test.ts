import { describe, expect, it } from 'vitest';
import type { ChartTiming } from '../../../bench/history-chart.js';
import type { SqliteDatasetResult } from '../../../bench/history-proc.js';
import { bestOf, historyGoalRows, historySection } from '../../../bench/history-report.js';
import { historyDatasets, type HistoryBenchResult } from '../../../bench/history-scenario.js';
import type { SqliteRunResult } from '../../../bench/sqlite-proc.js';

function chart(buckets: number, coldMs: number[], p99: number, counted = 1000): ChartTiming {
  return {
    label: 'year',
    buckets,
    points: 8,
    rangeMs: 365 * 86_400_000,
    tier: 'hour',
    bucketMs: 3_600_000,
    bucketsReturned: 8 * buckets,
    rowsScanned: 70_000,
    samplesCounted: counted,
    expectedSamples: 1000,
    complete: counted === 1000,
    coldMs,
    warm: { runs: 30, p50: p99 / 2, p99, max: p99 },
  };
}

function dataset(charts: ChartTiming[], deviceDataBytes: number): SqliteDatasetResult {
  const datasets = historyDatasets(false);
  return {
    dataset: datasets.year,
    fill: {
      samples: 1000,
      stored: 1000,
      from: 0,
      to: 1,
      seconds: 1,
      samplesPerSecond: 1000,
      rowsDropped: 0,
      commits: 1,
      deviceIds: ['HIST00001'],
      pointNames: ['a'],
    },
    window: {} as SqliteDatasetResult['window'],
    diskWriteBytesPerSample: 100,
    diskWrites: { wal: 60, checkpoints: 38, rest: 2 },
    sizes: {
      fileBytes: 2 * deviceDataBytes,
      pageSize: 4096,
      freelistPages: 0,
      tables: [
        { name: 'device_data', pages: 1, bytes: deviceDataBytes, payload: 0, unused: 0, cells: 1000, interiorBytes: 0 },
      ],
      deviceData: { rowsSampled: 1, header: 10, columns: { value: 8 }, cellOverhead: 3 },
    },
    charts,
    chartCost: null,
  };
}

function writeRun(rowsPerSecond: number, bytesPerRow: number): SqliteRunResult {
  return {
    options: { rows: 1000, devices: 1000, pointsPerDevice: 50 },
    result: { rows: 1000, rowsPerSecond, commitMs: { p50: 1, p90: 1, p99: 2, max: 3 }, rowsPerFlush: 500 },
    window: { seconds: 1, diskWriteBytesPerSec: bytesPerRow * 1000 },
  } as unknown as SqliteRunResult;
}

function result(overrides: Partial<HistoryBenchResult>): HistoryBenchResult {
  return {
    quick: false,
    parts: ['charts', 'writes'],
    datasets: historyDatasets(false),
    base: '/work/wt-base',
    writeBytes: [],
    fleet: [],
    chartLoads: [],
    ...overrides,
  };
}

const verdict = (rows: string[][], figure: string) => rows.find((r) => r[1]!.startsWith(figure))?.[4];

describe('history report', () => {
  it('gives the best of some runs and their spread', () => {
    expect(bestOf([120, 100, 140])).toBe('100 (100–140)');
    expect(bestOf([120, 100], 0, true)).toBe('120 (100–120)');
    expect(bestOf([7])).toBe('7');
    expect(bestOf([])).toBe('—');
  });

  it('meets the chart goal on the best first query and the warm p99, and only when complete', () => {
    const ok = historyGoalRows(result({ year: dataset([chart(1000, [400, 250], 290)], 20_000) }));
    expect(verdict(ok, '1-year chart')).toBe('**met**');
    const slow = historyGoalRows(result({ year: dataset([chart(1000, [250], 310)], 20_000) }));
    expect(verdict(slow, '1-year chart')).toBe('**missed**');
    const partial = historyGoalRows(result({ year: dataset([chart(1000, [10], 10, 999)], 20_000) }));
    expect(verdict(partial, '1-year chart')).toBe('**missed**');
  });

  it('judges raw bytes per point on device_data alone', () => {
    const rows = historyGoalRows(result({ year: dataset([], 25_000) }));
    expect(verdict(rows, 'SQLite bytes per stored point')).toBe('**met**');
    expect(rows.find((r) => r[1]!.startsWith('SQLite bytes'))![3]).toContain('whole file with rollups: 50.0');
  });

  it('wants disk bytes written per row at half of the best run before rollups', () => {
    const runs = [
      { tree: 'before' as const, run: writeRun(300_000, 300) },
      { tree: 'now' as const, run: writeRun(280_000, 160) },
      { tree: 'before' as const, run: writeRun(300_000, 320) },
      { tree: 'now' as const, run: writeRun(280_000, 140) },
    ];
    const rows = historyGoalRows(result({ writeBytes: runs }));
    const row = rows.find((r) => r[1]!.startsWith('Disk bytes written'))!;
    expect(row[2]).toBe('≤ 150 (half of 300 (300–320) before rollups)');
    expect(row[3]).toBe('140 (140–160)');
    expect(row[4]).toBe('**met**');
  });

  it('takes the write path figure from scenario 3 when it ran', () => {
    const s3 = [writeRun(260_000, 1), writeRun(240_000, 1)];
    const rows = historyGoalRows(result({}), s3);
    expect(verdict(rows, 'Write path')).toBe('**missed**');
    expect(rows.find((r) => r[1]!.startsWith('Write path'))![3]).toBe('260,000 / 240,000');
  });

  it('renders a section with the command for each goal', () => {
    const md = historySection(result({ year: dataset([chart(240, [100], 120)], 30_000) }));
    expect(md).toContain('## History at fleet scale');
    expect(md).toContain('`npm run bench -- --only history-charts --no-profile`');
    expect(md).toContain('### Where a device_data row');
  });
});
