// The shapes rollups travel in, and the SQL both dialects write them with.

/** Count/sum/min/max/first/last of some samples of one series within one minute. */
export interface RollupDelta {
  readonly deviceId: number;
  readonly pointId: number;
  /** Start of the minute, epoch ms; the hour row it also goes to is derived. */
  readonly minute: number;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly firstAt: number;
  readonly firstValue: number;
  readonly lastAt: number;
  readonly lastValue: number;
}

export type RollupTier = 'minute' | 'hour';

export const ROLLUP_TABLE: Readonly<Record<RollupTier, string>> = { minute: 'rollup_minute', hour: 'rollup_hour' };

export const ROLLUP_COLUMNS =
  'device_id, point_id, bucket, sample_count, value_sum, value_min, value_max, first_at, first_val, last_at, last_val';
export const ROLLUP_COLUMN_COUNT = 11;

/**
 * A series' hour gets minute rows when the minute delta that creates its hour row holds at
 * least this many samples: a point polled every 15 s or faster. Slower points would pay as
 * much for their minute rows as for their samples (migrations/007_sparse_minutes.ts).
 */
export const DENSE_MINUTE_SAMPLES = 4;

/** rollup_hour's columns: ROLLUP_COLUMNS, then whether the hour has minute rows. */
export const HOUR_COLUMNS = `${ROLLUP_COLUMNS}, minute_rows`;

/** An hour row's values for a delta: `minute_rows` counts only when the delta creates the row. */
export function hourValues(delta: RollupDelta, hour: number): number[] {
  return [...rollupValues(delta, hour), delta.count >= DENSE_MINUTE_SAMPLES ? 1 : 0];
}

/**
 * What a delta adds to a row already there. The order matters in MySQL, whose assignments
 * see the columns already set: each value is chosen before its time moves.
 */
export function rollupMergeSql(dialect: 'sqlite' | 'mysql'): string {
  const v = dialect === 'sqlite' ? (c: string) => `excluded.${c}` : (c: string) => `VALUES(${c})`;
  const least = dialect === 'sqlite' ? 'MIN' : 'LEAST';
  const greatest = dialect === 'sqlite' ? 'MAX' : 'GREATEST';
  return [
    `sample_count = sample_count + ${v('sample_count')}`,
    `value_sum = value_sum + ${v('value_sum')}`,
    `value_min = ${least}(value_min, ${v('value_min')})`,
    `value_max = ${greatest}(value_max, ${v('value_max')})`,
    `first_val = CASE WHEN ${v('first_at')} < first_at THEN ${v('first_val')} ELSE first_val END`,
    `first_at = ${least}(first_at, ${v('first_at')})`,
    `last_val = CASE WHEN ${v('last_at')} > last_at THEN ${v('last_val')} ELSE last_val END`,
    `last_at = ${greatest}(last_at, ${v('last_at')})`,
  ].join(', ');
}

/** The row values of a delta for one tier's table, in ROLLUP_COLUMNS order. */
export function rollupValues(delta: RollupDelta, bucket: number): number[] {
  return [
    delta.deviceId,
    delta.pointId,
    bucket,
    delta.count,
    delta.sum,
    delta.min,
    delta.max,
    delta.firstAt,
    delta.firstValue,
    delta.lastAt,
    delta.lastValue,
  ];
}

/** Rollup rows of one series summed into one chart bucket, as read back. */
export interface RollupBucket {
  /** Bucket start, epoch ms. */
  readonly bucket: number;
  /** Rollup rows read into it. */
  readonly rows: number;
  /** Samples they count. */
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}
