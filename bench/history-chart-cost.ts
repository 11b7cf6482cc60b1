// Where a long chart's time goes: the hour-tier reads of its range alone, on a read-only
// connection of this thread, as the series query makes them (every column, a JavaScript
// object per row) and two cheaper ways of reading the same rows: only the five columns a
// chart uses as arrays (`.raw()`), and the buckets summed by SQLite itself (GROUP BY).
import Database from 'better-sqlite3';
import { rollupRangeSql } from '../src/storage/rollup/rollup-sql.js';

export interface ChartCost {
  /** Hour rollup rows read over all the points. */
  readonly rows: number;
  /** p50 of the runs, ms, all the points. */
  readonly objectsMs: number;
  readonly narrowArraysMs: number;
  readonly groupedMs: number;
  readonly groupedRows: number;
}

const RUNS = 10;

function p50(run: () => number): { ms: number; rows: number } {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    rows = run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: Math.round(times[Math.floor(RUNS / 2)]! * 100) / 100, rows };
}

export function chartCost(
  path: string,
  spec: { registrationId: string; points: readonly string[]; from: number; to: number; bucketMs: number },
): ChartCost {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const device = db.prepare('SELECT id FROM devices WHERE registration_id = ?').pluck().get(spec.registrationId);
    const pointId = db.prepare('SELECT id FROM point_names WHERE name = ?').pluck();
    const points = spec.points.map((p) => pointId.get(p) as number);
    const range = [spec.from, spec.to] as const;
    const objects = db.prepare(rollupRangeSql('hour'));
    const narrow = db
      .prepare(
        `SELECT bucket, sample_count, value_sum, value_min, value_max FROM rollup_hour
         WHERE device_id = ? AND point_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`,
      )
      .raw();
    const w = spec.bucketMs;
    const grouped = db
      .prepare(
        `SELECT (bucket / ${w}) * ${w}, SUM(sample_count), SUM(value_sum), MIN(value_min), MAX(value_max) FROM rollup_hour
         WHERE device_id = ? AND point_id = ? AND bucket >= ? AND bucket < ? GROUP BY 1 ORDER BY 1`,
      )
      .raw();
    const each = (s: Database.Statement) => () => points.reduce((n, p) => n + s.all(device, p, ...range).length, 0);
    const a = p50(each(objects));
    const b = p50(each(narrow));
    const c = p50(each(grouped));
    return { rows: a.rows, objectsMs: a.ms, narrowArraysMs: b.ms, groupedMs: c.ms, groupedRows: c.rows };
  } finally {
    db.close();
  }
}
