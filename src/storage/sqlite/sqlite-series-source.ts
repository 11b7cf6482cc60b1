// The series query's reads over a SQLite read connection (in a reader thread).
import type Database from 'better-sqlite3';
import type { RollupTier } from '../rollup/rollup-row.js';
import {
  PENDING_SINCE_SQL,
  HOURS_WITHOUT_MINUTES_SQL,
  LAST_ROLLED_UP_SQL,
  rollupBucketsByPoint,
  rollupBucketsSql,
} from '../rollup/rollup-sql.js';
import type { RawPoint, SeriesSource } from '../rollup/series-query.js';
import { SQLITE_RAW_POINT_SQL, valueFromCell, type RawCell, type ValueCell } from './value-cell.js';

export function sqliteSeriesSource(statement: (sql: string) => Database.Statement): SeriesSource {
  const one = (sql: string, ...params: unknown[]) => {
    const value = statement(sql)
      .pluck()
      .get(...params) as number | null | undefined;
    return value ?? null;
  };
  return {
    deviceId: async (registrationId) => one('SELECT id FROM devices WHERE registration_id = ?', registrationId),
    pointId: async (name) => one('SELECT id FROM point_names WHERE name = ?', name),
    pendingSince: async () => one(PENDING_SINCE_SQL),
    rolledUpThrough: async (deviceId, pointId) => one(LAST_ROLLED_UP_SQL, deviceId, pointId),
    rollupBuckets: async (tier: RollupTier, deviceId, pointIds, from, to, bucketMs) =>
      rollupBucketsByPoint(
        statement(rollupBucketsSql(tier, pointIds.length))
          .raw()
          .all(bucketMs, deviceId, ...pointIds, from, to) as unknown[][],
      ),
    hoursWithoutMinutes: async (deviceId, pointId, from, to) =>
      statement(HOURS_WITHOUT_MINUTES_SQL).pluck().all(deviceId, pointId, from, to) as number[],
    raw: async (deviceId, pointId, from, to) =>
      (statement(SQLITE_RAW_POINT_SQL).raw().all(deviceId, from, to, pointId) as [number, ValueCell, RawCell][]).map(
        ([ts, cell, raw]): RawPoint => ({ ts, value: valueFromCell(cell, raw) }),
      ),
  };
}
