// What a minute-tier chart of 8 points costs SQLite on devices of 8, 100 and 300 points polled
// often enough to have minute rows (issue 16, migration 015): rollup_minute keyed by series
// (before 015) and by time within the device (since), each read with a statement a point and
// with the one statement for all points the series query uses. 2,000 minutes, warm cache.
//
//   npm run build && node dist/bench/minute-chart-probe.js
import Database from 'better-sqlite3';
import { rollupTable } from '../src/storage/migrations/005_rollups.js';
import { rollupBucketsSql } from '../src/storage/rollup/rollup-sql.js';

const MINUTES = 2000;
const CHARTED = [1, 2, 3, 4, 5, 6, 7, 8];
const KEYS = ['device_id, point_id, bucket', 'device_id, bucket, point_id'];

function msPerChart(read: () => void): number {
  read();
  const started = performance.now();
  for (let i = 0; i < 5; i++) read();
  return (performance.now() - started) / 5;
}

for (const points of [8, 100, 300]) {
  for (const key of KEYS) {
    const db = new Database(':memory:');
    db.exec(rollupTable('sqlite', 'rollup_minute', key));
    const insert = db.prepare('INSERT INTO rollup_minute VALUES (1, ?, ?, 60, 60, 1, 1, ?, 1, ?, 1)');
    db.transaction(() => {
      for (let m = 0; m < MINUTES; m++)
        for (let p = 1; p <= points; p++) insert.run(p, m * 60_000, m * 60_000, m * 60_000);
    })();
    const range = [0, MINUTES * 60_000];
    const one = db.prepare(rollupBucketsSql('minute', 1)).raw();
    const all = db.prepare(rollupBucketsSql('minute', CHARTED.length)).raw();
    const apart = msPerChart(() => CHARTED.forEach((p) => one.all(60_000, 1, p, ...range)));
    const together = msPerChart(() => all.all(60_000, 1, ...CHARTED, ...range));
    console.log(
      `${points} points, key (${key}): a statement a point ${apart.toFixed(1)} ms, one statement ${together.toFixed(1)} ms`,
    );
    db.close();
  }
}
