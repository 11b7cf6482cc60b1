// Migration 15 re-keys SQLite's rollup_minute from (device, point, bucket) to (device, bucket,
// point) on a database of schema 14: every minute row is kept as it was, and a minute-tier
// chart of one point (which now reads the device's range filtered on the point) gives the
// same buckets as the samples. MySQL keeps its key (the migration unit test checks that).
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/storage/index.js';
import { BucketReducer } from '../../../src/storage/rollup/chart-buckets.js';
import { T0 } from './history-fixture.js';
import { INSERT_DEVICE, oldSqlite, oldStores } from './old-schema.js';

const BEFORE_MINUTES_BY_TIME = MIGRATIONS.filter((m) => m.version <= 14);
const MINUTE = 60_000;
const START = Math.floor(T0 / 3_600_000) * 3_600_000;
const POINTS = ['voltage', 'current', 'flow'];

/** [point id, ts, value]: the three points every 10 s for 6 minutes, values apart per point. */
const SAMPLES: readonly (readonly [number, number, number])[] = Array.from({ length: 36 }, (_, i) =>
  POINTS.map((_, p) => [p + 1, START + i * 10_000, (p + 1) * 100 + ((i * 7) % 13)] as const),
).flat();

/** Rollup rows (device 7) of the samples by buckets of `ms`, in the columns' order. */
function rollupRows(ms: number): number[][] {
  const rows = new Map<string, number[]>();
  for (const [point, ts, value] of SAMPLES) {
    const bucket = Math.floor(ts / ms) * ms;
    const row = rows.get(`${point}/${bucket}`);
    if (!row) {
      rows.set(`${point}/${bucket}`, [7, point, bucket, 1, value, value, value, ts, value, ts, value]);
      continue;
    }
    row[3]! += 1;
    row[4]! += value;
    row[5] = Math.min(row[5]!, value);
    row[6] = Math.max(row[6]!, value);
    row[9] = ts;
    row[10] = value;
  }
  return [...rows.values()];
}

const COLUMNS =
  'device_id, point_id, bucket, sample_count, value_sum, value_min, value_max, first_at, first_val, last_at, last_val';

function fill(db: Database.Database): void {
  db.exec(INSERT_DEVICE);
  const point = db.prepare('INSERT INTO point_names (id, name) VALUES (?, ?)');
  POINTS.forEach((name, i) => point.run(i + 1, name));
  const row = db.prepare(
    'INSERT INTO device_data (device_id, received_at, point_id, raw_value, value) VALUES (7, ?, ?, ?, ?)',
  );
  for (const [p, ts, value] of SAMPLES) row.run(ts, p, Buffer.from([0, value & 0xff]), value);
  const minute = db.prepare(`INSERT INTO rollup_minute (${COLUMNS}) VALUES (${COLUMNS.replace(/\w+/g, '?')})`);
  for (const r of rollupRows(MINUTE)) minute.run(...r);
  const hour = db.prepare(
    `INSERT INTO rollup_hour (${COLUMNS}, minute_rows) VALUES (${COLUMNS.replace(/\w+/g, '?')}, 1)`,
  );
  for (const r of rollupRows(60 * MINUTE)) hour.run(...r);
}

describe('migration 15 (minute rows by time)', () => {
  const stores = oldStores();

  it('keeps every minute row of a schema 14 database under the new key and charts them as before', async () => {
    const sqlite = await stores.sqlite();
    await oldSqlite(sqlite, BEFORE_MINUTES_BY_TIME, fill);
    const history = await sqlite.open();

    const check = new Database(sqlite.path, { readonly: true });
    try {
      const key = check.prepare(`SELECT name FROM pragma_table_info('rollup_minute') WHERE pk > 0 ORDER BY pk`);
      expect(key.pluck().all()).toEqual(['device_id', 'bucket', 'point_id']);
      const stored = check.prepare(`SELECT ${COLUMNS} FROM rollup_minute ORDER BY point_id, bucket`).raw().all();
      const expected = rollupRows(MINUTE).sort((a, b) => a[1]! - b[1]! || a[2]! - b[2]!);
      expect(stored).toEqual(expected);
      expect(stored).toHaveLength(POINTS.length * 6);
      // Stored in the new key's order: a minute's rows of all three points side by side.
      const physical = check.prepare('SELECT point_id, bucket FROM rollup_minute').raw().all().slice(0, 4);
      expect(physical).toEqual([
        [1, START],
        [2, START],
        [3, START],
        [1, START + MINUTE],
      ]);
    } finally {
      check.close();
    }

    const chart = await history.reader.series({
      registrationId: 'M1',
      points: ['current'],
      from: START,
      to: START + 6 * MINUTE,
      buckets: 10,
    });
    expect(chart).toMatchObject({ tier: 'minute', bucketMs: MINUTE });
    const reference = new BucketReducer(MINUTE);
    for (const [p, ts, value] of SAMPLES) if (p === 2) reference.add(ts, value);
    expect(chart.series[0]!.buckets).toEqual(reference.buckets());
    expect(chart.series[0]!.buckets.map((b) => b.count)).toEqual([6, 6, 6, 6, 6, 6]);
  });
});
