// The series query's reads over the MySQL pool.
import { valueFromColumns } from '../raw-value.js';
import type { Pool } from 'mysql2/promise';
import type { RollupTier } from '../rollup/rollup-row.js';
import {
  PENDING_SINCE_SQL,
  RAW_POINT_SQL,
  HOURS_WITHOUT_MINUTES_SQL,
  LAST_ROLLED_UP_SQL,
  rollupBucketsByPoint,
  rollupBucketsSql,
} from '../rollup/rollup-sql.js';
import type { SeriesSource } from '../rollup/series-query.js';
import { readRows } from './mysql-query.js';

export function mysqlSeriesSource(pool: Pool, signal?: AbortSignal): SeriesSource {
  const rows = (sql: string, params: (string | number)[] = []) => readRows(pool, sql, params, { signal });
  const one = async (sql: string, params: (string | number)[] = []) => {
    const [row] = await rows(sql, params);
    const value = row ? Object.values(row)[0] : null;
    return value === null || value === undefined ? null : Number(value);
  };
  return {
    deviceId: (registrationId) => one('SELECT id FROM devices WHERE registration_id = ?', [registrationId]),
    pointId: (name) => one('SELECT id FROM point_names WHERE name = ?', [name]),
    pendingSince: () => one(PENDING_SINCE_SQL),
    rolledUpThrough: (deviceId, pointId) => one(LAST_ROLLED_UP_SQL, [deviceId, pointId]),
    rollupBuckets: async (tier: RollupTier, deviceId, pointIds, from, to, bucketMs) =>
      rollupBucketsByPoint(
        (await readRows(pool, rollupBucketsSql(tier, pointIds.length), [bucketMs, deviceId, ...pointIds, from, to], {
          signal,
          rowsAsArray: true,
        })) as unknown as unknown[][],
      ),
    hoursWithoutMinutes: async (deviceId, pointId, from, to) =>
      (await rows(HOURS_WITHOUT_MINUTES_SQL, [deviceId, pointId, from, to])).map((r) => Number(r['bucket'])),
    raw: async (deviceId, pointId, from, to) =>
      (await rows(RAW_POINT_SQL, [deviceId, from, to, pointId])).map((r) => ({
        ts: Number(r['received_at']),
        value: valueFromColumns(
          r['value'] === null ? null : Number(r['value']),
          r['raw_value'] as Buffer,
          Number(r['quality']),
        ),
      })),
  };
}
