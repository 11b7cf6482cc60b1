// The SELECTs of a series query, the same text in both dialects: each is a range of a
// primary key (rollups by (device, point, bucket); raw rows by (device, time, point)).
import { ROLLUP_TABLE, type RollupRow, type RollupTier } from './rollup-row.js';

export function rollupRangeSql(tier: RollupTier): string {
  return `SELECT bucket, sample_count, value_sum, value_min, value_max, first_at, first_val, last_at, last_val
    FROM ${ROLLUP_TABLE[tier]} WHERE device_id = ? AND point_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`;
}

export const ROLLED_UP_THROUGH_SQL =
  'SELECT last_at FROM rollup_minute WHERE device_id = ? AND point_id = ? ORDER BY bucket DESC LIMIT 1';

export const PENDING_SINCE_SQL = 'SELECT pending_since FROM rollup_state WHERE id = 1';

/** One point's samples: the device's key range, filtered on the point. */
export const RAW_POINT_SQL = `SELECT received_at, value FROM device_data
  WHERE device_id = ? AND received_at >= ? AND received_at < ? AND point_id = ? ORDER BY received_at`;

/** A row of rollupRangeSql; numbers may come back as strings (MySQL BIGINT), hence Number(). */
export function toRollupRow(r: Record<string, unknown>): RollupRow {
  return {
    bucket: Number(r['bucket']),
    count: Number(r['sample_count']),
    sum: Number(r['value_sum']),
    min: Number(r['value_min']),
    max: Number(r['value_max']),
    firstAt: Number(r['first_at']),
    firstValue: Number(r['first_val']),
    lastAt: Number(r['last_at']),
    lastValue: Number(r['last_val']),
  };
}
