// SQLite's rollup_minute clustered by (device, bucket, point) instead of (device, point,
// bucket) (issue 16, disk bytes written per row). The writer adds one minute row per series
// per minute; keyed by series, a commit appends to the end of every series' own key range,
// so each commit rewrote (and every other commit split) a last leaf page per series. Keyed
// by time within the device, as device_data is, a commit's minute rows sit side by side on
// one or two leaves. Counted on the bench's device of 8 points (bench/wal-pages-probe.ts,
// commits of 5,000 rows): 38.8 WAL frames a commit for rollup_minute before, 12.9 after.
//
// What it costs: a minute-tier chart of one point reads the minute rows of all the device's
// points in its range, as a raw-row chart already does. The minute tier serves ranges of at
// most `buckets` minutes, so that is at most `buckets` × the device's dense points rows.
// rollup_hour keeps its order: a year's chart reads 8,760 hour rows a point.
//
// New table, copy in the new key's order, swap, drop: one transaction in SQLite, so a failed
// run leaves the old table. MySQL keeps its key: rebuilding InnoDB's table would take a long
// lock on a large history, and its goals are met (docs/BENCHMARKS.md).
import { rollupTable } from './005_rollups.js';
import type { Migration } from './types.js';

const COLUMNS =
  'device_id, point_id, bucket, sample_count, value_sum, value_min, value_max, first_at, first_val, last_at, last_val';

export const minuteRowsByTime: Migration = {
  version: 15,
  name: 'minute_rows_by_time',
  statements(dialect) {
    if (dialect === 'mysql') return [];
    return [
      rollupTable('sqlite', 'rollup_minute_v15', 'device_id, bucket, point_id'),
      `INSERT INTO rollup_minute_v15 (${COLUMNS})
        SELECT ${COLUMNS} FROM rollup_minute ORDER BY device_id, bucket, point_id`,
      'DROP TABLE rollup_minute',
      'ALTER TABLE rollup_minute_v15 RENAME TO rollup_minute',
    ];
  },
};
