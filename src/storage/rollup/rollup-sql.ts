// The SELECTs of a series query, the same text in both dialects: each is a range of a
// primary key (hour rows by (device, point, bucket); raw rows by (device, time, point); minute
// rows by (device, point, bucket) in MySQL, by (device, bucket, point) in SQLite since
// migration 015, where a point's minute rows are the device's range filtered on the point). Raw rows
// differ: MySQL's device_data has schema 13's columns (below), SQLite's the value cell since
// migration 014 (sqlite/value-cell.ts).
import { ROLLUP_TABLE, type RollupBucket, type RollupTier } from './rollup-row.js';

/**
 * One tier's rows of some points of a device in [from, to) summed into chart buckets by the
 * database: a bucket is a whole number of tier rows (its width a multiple of theirs,
 * epoch-aligned), so SUM/MIN/MAX of the rows is the bucket. Far cheaper than reading every
 * row: a year of hour rows is 8,760 per point. One statement for all the points, so SQLite's
 * minute rows (the device's range filtered on the points) are scanned once a chart, not once
 * a point. Parameters: bucketMs, device, the `points` point ids, from, to.
 */
export function rollupBucketsSql(tier: RollupTier, points: number): string {
  const ids = new Array<string>(points).fill('?').join(', ');
  return `SELECT point_id, bucket - bucket % ? AS b, COUNT(*), SUM(sample_count), SUM(value_sum), MIN(value_min), MAX(value_max)
    FROM ${ROLLUP_TABLE[tier]} WHERE device_id = ? AND point_id IN (${ids}) AND bucket >= ? AND bucket < ?
    GROUP BY point_id, b ORDER BY point_id, b`;
}

/**
 * A series' last sample in the rollups: the newest hour row's last, since every delta goes
 * to the hour rows (not every one to the minute rows). Parameters: device, point.
 */
export const LAST_ROLLED_UP_SQL =
  'SELECT last_at FROM rollup_hour WHERE device_id = ? AND point_id = ? ORDER BY bucket DESC LIMIT 1';

/** The hours of a series in [from, to) without minute rows. Parameters: device, point, from, to. */
export const HOURS_WITHOUT_MINUTES_SQL = `SELECT bucket FROM rollup_hour
  WHERE device_id = ? AND point_id = ? AND bucket >= ? AND bucket < ? AND minute_rows = 0 ORDER BY bucket`;

export const PENDING_SINCE_SQL = 'SELECT pending_since FROM rollup_state WHERE id = 1';

/** MySQL: a device_data row with a number, stored or named by a decoder of its raw bytes (raw-value.ts). */
export const HAS_VALUE_SQL = '(value IS NOT NULL OR (quality & 127) <> 0)';

/** MySQL: one point's samples, the device's key range filtered on the point; value, raw_value, quality per raw-value.ts. */
export const RAW_POINT_SQL = `SELECT received_at, value, raw_value, quality FROM device_data
  WHERE device_id = ? AND received_at >= ? AND received_at < ? AND point_id = ? ORDER BY received_at`;

/** rollupBucketsSql's rows (arrays) by point id; MySQL returns sums as strings, hence Number(). */
export function rollupBucketsByPoint(rows: readonly (readonly unknown[])[]): Map<number, RollupBucket[]> {
  const byPoint = new Map<number, RollupBucket[]>();
  for (const r of rows) {
    const n = r.map(Number);
    const bucket = { bucket: n[1]!, rows: n[2]!, count: n[3]!, sum: n[4]!, min: n[5]!, max: n[6]! };
    const list = byPoint.get(n[0]!);
    if (list) list.push(bucket);
    else byPoint.set(n[0]!, [bucket]);
  }
  return byPoint;
}
