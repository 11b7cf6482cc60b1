// Rollup history for minute-history-probe.ts, written straight into rollup_minute and
// rollup_hour: what the app's writer leaves there after `hours` of a fleet polled every
// second, without the hours of raw rows (a day of them would take the probe an hour).
// Rows go in minute by minute, as the writer adds them, so each key order's B-tree grows
// the way it would in the app (appends inside the tree split pages unlike appends at its end).
import { HOUR_COLUMNS, ROLLUP_COLUMNS } from '../src/storage/rollup/rollup-row.js';
import type { SqliteDatabase } from '../src/storage/sqlite/sqlite-connection.js';
import { tenthsAt } from './wal-pages.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface Series {
  readonly deviceId: number;
  readonly pointId: number;
  /** Its index among the device's points: which sine it reads (wal-pages.ts, reading). */
  readonly point: number;
}

/** A rollup row of samples every second through [bucket, bucket + ms), its sums estimated from the ends. */
function rollupRow(s: Series, bucket: number, ms: number): number[] {
  const first = tenthsAt(bucket, s.point) / 10;
  const lastAt = bucket + ms - 1000;
  const last = tenthsAt(lastAt, s.point) / 10;
  const count = ms / 1000;
  const sum = Math.round(((first + last) / 2) * count * 10) / 10;
  return [
    s.deviceId,
    s.pointId,
    bucket,
    count,
    sum,
    Math.min(first, last),
    Math.max(first, last),
    bucket,
    first,
    lastAt,
    last,
  ];
}

/** `hours` of rollups ending at `end` (an hour boundary) for every series, in one transaction. */
export function prefillRollups(db: SqliteDatabase, series: readonly Series[], end: number, hours: number): number {
  const hour = db.prepare(`INSERT INTO rollup_hour (${HOUR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`);
  const minute = db.prepare(`INSERT INTO rollup_minute (${ROLLUP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  let rows = 0;
  db.transaction(() => {
    for (let h = end - hours * HOUR_MS; h < end; h += HOUR_MS) {
      for (const s of series) hour.run(rollupRow(s, h, HOUR_MS));
      for (let m = h; m < h + HOUR_MS; m += MINUTE_MS) for (const s of series) minute.run(rollupRow(s, m, MINUTE_MS));
      rows += series.length * 60;
    }
  }).immediate();
  return rows;
}
