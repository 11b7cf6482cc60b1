// Where a long chart's time goes: the hour-tier reads of its range alone, on a read-only
// connection of this thread, as the series query makes them (the buckets summed by SQLite,
// GROUP BY) and two ways it did before or could: every column as a JavaScript object per
// row, and only the five columns a chart uses as arrays (`.raw()`).
import Database from 'better-sqlite3';
import { rollupBucketsSql } from '../src/storage/rollup/rollup-sql.js';

const EVERY_COLUMN_SQL = `SELECT bucket, sample_count, value_sum, value_min, value_max, first_at, first_val, last_at, last_val
  FROM rollup_hour WHERE device_id = ? AND point_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`;

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
    const objects = db.prepare(EVERY_COLUMN_SQL);
    const narrow = db
      .prepare(
        `SELECT bucket, sample_count, value_sum, value_min, value_max FROM rollup_hour
         WHERE device_id = ? AND point_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`,
      )
      .raw();
    const grouped = db.prepare(rollupBucketsSql('hour', 1)).raw();
    const each = (s: Database.Statement) => () => points.reduce((n, p) => n + s.all(device, p, ...range).length, 0);
    const a = p50(each(objects));
    const b = p50(each(narrow));
    const c = p50(() => points.reduce((n, p) => n + grouped.all(spec.bucketMs, device, p, ...range).length, 0));
    return { rows: a.rows, objectsMs: a.ms, narrowArraysMs: b.ms, groupedMs: c.ms, groupedRows: c.rows };
  } finally {
    db.close();
  }
}
