// What rollup_minute's key costs in WAL frames once the fleet has history (issue 16,
// migration 015). wal-pages-probe.ts counts on a fresh file, where each series has only a
// few minute rows and the series of a device share leaves whichever the key; keyed by series,
// each series' newest minute row sits on a leaf of its own once it has a leaf's worth of them.
// So: `hours` of rollups for the fleet first (minute-history-prefill.ts), checkpointed, then
// scenario 1's shape through the app's SqliteBatchApplier (every device polled once a second,
// a commit every 1/`--commits-per-second` s holding that slice of the fleet's polls), and the
// measured minutes' WAL frames counted by table as wal-pages-probe.ts does.
//
//   npm run build && node dist/bench/minute-history-probe.js [--devices 100] [--points 20]
//     [--hours 24] [--minutes 5] [--commits-per-second 20]
//     [--minute-order device-point-bucket]   rollup_minute keyed as before migration 015
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openWriteConnection, type SqliteDatabase } from '../src/storage/sqlite/sqlite-connection.js';
import { migrateSqlite } from '../src/storage/sqlite/sqlite-migrate.js';
import { SqliteBatchApplier } from '../src/storage/sqlite/sqlite-batch-applier.js';
import { WriteBatchBuilder } from '../src/storage/write-batch.js';
import { prefillRollups, type Series } from './minute-history-prefill.js';
import { keyMinutesBySeries, pollDevice, printWalFrames, walFramesByTable } from './wal-pages.js';

const HOUR_MS = 3_600_000;
/** The app's writer cache (storage.cacheSize's default), for the measured commits. */
const WRITER_CACHE_KIB = 32 * 1024;
/** The prefill's one transaction dirties the whole history: keep it in memory. */
const PREFILL_CACHE_KIB = 2 * 1024 * 1024;
/**
 * Data time polled before the count starts: every device and point is known by then, and the
 * first minute's rows are written, which create the hour's rows (once an hour, not a minute).
 */
const WARMUP_SECONDS = 70;
/** The run starts on an hour boundary, right after the history. */
const START = Date.UTC(2026, 11, 1);

interface Shape {
  readonly devices: number;
  readonly points: number;
  readonly hours: number;
  readonly minutes: number;
  readonly commitsPerSecond: number;
}

/** One sample of every point of devices [from, to) at `ts`. */
function poll(b: WriteBatchBuilder, shape: Shape, from: number, to: number, ts: number): void {
  for (let d = from; d < to; d++) pollDevice(b, `D${d}`, shape.points, ts);
}

/** Seconds [from, to) of polls, one commit per slice of the fleet: scenario 1's commits, scaled. */
function pollSeconds(applier: SqliteBatchApplier, shape: Shape, from: number, to: number): number {
  const { devices, commitsPerSecond: slices } = shape;
  let commits = 0;
  for (let s = from; s < to; s++) {
    for (let k = 0; k < slices; k++) {
      const b = new WriteBatchBuilder();
      poll(
        b,
        shape,
        Math.floor((k * devices) / slices),
        Math.floor(((k + 1) * devices) / slices),
        START + s * 1000 + Math.floor((k * 1000) / slices),
      );
      applier.apply([b.finish()]);
      commits++;
    }
  }
  return commits;
}

/** Devices, point names and sources as the app creates them, from one poll an hour before the history. */
function seedSeries(db: SqliteDatabase, shape: Shape): Series[] {
  const seeder = new SqliteBatchApplier(db);
  const b = new WriteBatchBuilder();
  poll(b, shape, 0, shape.devices, START - (shape.hours + 1) * HOUR_MS);
  seeder.apply([b.finish()]);
  seeder.drainRollups();
  const deviceId = db.prepare('SELECT id FROM devices WHERE registration_id = ?').pluck();
  const pointId = db.prepare('SELECT id FROM point_names WHERE name = ?').pluck();
  const series: Series[] = [];
  for (let d = 0; d < shape.devices; d++)
    for (let p = 0; p < shape.points; p++)
      series.push({ deviceId: deviceId.get(`D${d}`) as number, pointId: pointId.get(`p${p}`) as number, point: p });
  return series;
}

function pagesOf(db: SqliteDatabase, table: string): number {
  return db.prepare('SELECT COUNT(*) FROM dbstat WHERE name = ?').pluck().get(table) as number;
}

function probe(dir: string, shape: Shape, minutesBySeries: boolean): void {
  const path = join(dir, 'h.db');
  const db = openWriteConnection(path, { cacheBytes: PREFILL_CACHE_KIB * 1024 });
  try {
    migrateSqlite(db, path);
    if (minutesBySeries) keyMinutesBySeries(db);
    const series = seedSeries(db, shape);
    const started = performance.now();
    const history = prefillRollups(db, series, START, shape.hours);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('wal_autocheckpoint = 0');
    db.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
    const prefillSeconds = (performance.now() - started) / 1000;
    const applier = new SqliteBatchApplier(db);
    pollSeconds(applier, shape, 0, WARMUP_SECONDS);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const seconds = shape.minutes * 60;
    const commits = pollSeconds(applier, shape, WARMUP_SECONDS, WARMUP_SECONDS + seconds);
    const rows = seconds * shape.devices * shape.points;
    const wal = walFramesByTable(db, `${path}-wal`);
    const key = minutesBySeries ? 'device_id, point_id, bucket' : 'device_id, bucket, point_id';
    console.log(
      `${shape.devices} devices × ${shape.points} points, ${shape.hours} h of history (${history} minute rows, ` +
        `${pagesOf(db, 'rollup_minute')} pages of rollup_minute at the end, prefill ${prefillSeconds.toFixed(0)} s), ` +
        `rollup_minute keyed (${key})`,
    );
    console.log(`${commits} commits of ${rows / commits} rows over ${shape.minutes} minutes, ${wal.pageSize} B pages`);
    printWalFrames(wal, commits, rows);
    // Each series writes one minute row a minute: frames per device-minute say how many leaves those rows took.
    const deviceMinutes = shape.devices * shape.minutes;
    for (const table of ['rollup_minute', 'rollup_hour'])
      console.log(`  ${table}: ${((wal.byTable.get(table) ?? 0) / deviceMinutes).toFixed(2)} frames a device a minute`);
  } finally {
    db.close();
  }
}

function count(text: string | undefined, fallback: number): number {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a count: ${text}`);
  return n;
}

const { values } = parseArgs({
  options: {
    devices: { type: 'string' },
    points: { type: 'string' },
    hours: { type: 'string' },
    minutes: { type: 'string' },
    'commits-per-second': { type: 'string' },
    'minute-order': { type: 'string' },
  },
});
const shape: Shape = {
  devices: count(values.devices, 100),
  points: count(values.points, 20),
  hours: count(values.hours, 24),
  minutes: count(values.minutes, 5),
  commitsPerSecond: count(values['commits-per-second'], 20),
};
const dir = mkdtempSync(join(tmpdir(), 'dtuhub-minute-history-'));
try {
  probe(dir, shape, values['minute-order'] === 'device-point-bucket');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
