// Rollups: per device and point, count/sum/min/max/first/last of the numeric samples per
// minute and per hour, so a chart of any range reads a few hundred rows per point instead
// of every sample (docs/ARCHITECTURE.md, "Rollups").
//
// Clustered by (device, point, bucket), unlike device_data: a chart reads one point's range,
// and the writer touches a series' row once per minute (storage/rollup/rollup-accumulator.ts),
// not once per sample, so the write cost of this order does not matter.
//
// `rollup_state.pending_since`: every sample before it is in the rollups; samples from it on
// may still sit in the writer's memory. A restart after a crash folds the raw rows from
// there on into the rollups (recoverIfNeeded in sqlite-rollups.ts and mysql-rollups.ts).
//
// Existing raw rows are rolled up here once, so history from before this version charts
// like the rest.
import type { Dialect, Migration } from './types.js';

/** A rollup table's DDL; migration 015 re-keys SQLite's rollup_minute with `key`. */
export function rollupTable(dialect: Dialect, table: string, key = 'device_id, point_id, bucket'): string {
  const options = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : ' WITHOUT ROWID';
  return `CREATE TABLE ${table} (
    device_id BIGINT NOT NULL,
    point_id INTEGER NOT NULL,
    bucket BIGINT NOT NULL,
    sample_count BIGINT NOT NULL,
    value_sum DOUBLE NOT NULL,
    value_min DOUBLE NOT NULL,
    value_max DOUBLE NOT NULL,
    first_at BIGINT NOT NULL,
    first_val DOUBLE NOT NULL,
    last_at BIGINT NOT NULL,
    last_val DOUBLE NOT NULL,
    PRIMARY KEY (${key})
  )${options}`;
}

/** Rolls every numeric raw row up into `table` by buckets of `ms`. */
function backfill(dialect: Dialect, table: string, ms: number): string {
  const bucket = dialect === 'mysql' ? `(received_at DIV ${ms}) * ${ms}` : `(received_at / ${ms}) * ${ms}`;
  const window = `PARTITION BY device_id, point_id, ${bucket} ORDER BY received_at`;
  return `INSERT INTO ${table} (device_id, point_id, bucket, sample_count, value_sum, value_min, value_max, first_at, first_val, last_at, last_val)
    SELECT device_id, point_id, bucket, COUNT(*), SUM(value), MIN(value), MAX(value), MIN(received_at), MAX(first_v), MAX(received_at), MAX(last_v)
    FROM (
      SELECT device_id, point_id, ${bucket} AS bucket, received_at, value,
        FIRST_VALUE(value) OVER (${window}) AS first_v,
        FIRST_VALUE(value) OVER (PARTITION BY device_id, point_id, ${bucket} ORDER BY received_at DESC) AS last_v
      FROM device_data WHERE value IS NOT NULL AND received_at >= 0
    ) t
    GROUP BY device_id, point_id, bucket`;
}

export const rollupSchema: Migration = {
  version: 5,
  name: 'rollups',
  statements(dialect) {
    const options = dialect === 'mysql' ? ' ENGINE=InnoDB' : '';
    return [
      rollupTable(dialect, 'rollup_minute'),
      rollupTable(dialect, 'rollup_hour'),
      `CREATE TABLE rollup_state (
        id INTEGER NOT NULL PRIMARY KEY,
        pending_since BIGINT NULL
      )${options}`,
      `INSERT INTO rollup_state (id, pending_since) VALUES (1, NULL)`,
      backfill(dialect, 'rollup_minute', 60_000),
      backfill(dialect, 'rollup_hour', 3_600_000),
    ];
  },
};
