// Which tables' pages a commit appends to the WAL (issue 16: disk bytes written per row), on
// the bench's one device of 8 points: commits of 5,000 rows (625 simulated seconds each)
// through the app's SqliteBatchApplier with checkpoints off, then each WAL frame's page
// attributed to its table or index by `dbstat`.
//
//   npm run build && node dist/bench/wal-pages-probe.js [commits, default 40]
//     [--minute-order device-point-bucket]   rollup_minute keyed as before migration 015
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWriteConnection } from '../src/storage/sqlite/sqlite-connection.js';
import { migrateSqlite } from '../src/storage/sqlite/sqlite-migrate.js';
import { SqliteBatchApplier } from '../src/storage/sqlite/sqlite-batch-applier.js';
import { WriteBatchBuilder } from '../src/storage/write-batch.js';
import { keyMinutesBySeries, pollDevice, printWalFrames, walFramesByTable } from './wal-pages.js';

const POINTS = 8;
const ROUNDS_PER_COMMIT = 625;

function probe(dir: string, commits: number, minutesBySeries: boolean): void {
  const path = join(dir, 'h.db');
  const db = openWriteConnection(path);
  try {
    migrateSqlite(db, path);
    if (minutesBySeries) keyMinutesBySeries(db);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('wal_autocheckpoint = 0');
    const applier = new SqliteBatchApplier(db);
    let ts = Date.UTC(2026, 11, 1);
    for (let c = 0; c < commits; c++) {
      const b = new WriteBatchBuilder();
      for (let r = 0; r < ROUNDS_PER_COMMIT; r++) {
        ts += 1000;
        pollDevice(b, 'D1', POINTS, ts);
      }
      applier.apply([b.finish()]);
    }
    const wal = walFramesByTable(db, `${path}-wal`);
    const rows = commits * ROUNDS_PER_COMMIT * POINTS;
    const table = db.prepare(`SELECT SUM(pgsize) FROM dbstat WHERE name = 'device_data'`).pluck().get() as number;
    console.log(`${commits} commits of ${ROUNDS_PER_COMMIT * POINTS} rows, ${wal.pageSize} B pages`);
    const file = db.prepare('SELECT SUM(pgsize) FROM dbstat').pluck().get() as number;
    // Every byte the file gains passes the WAL once and is copied once: WAL + file is the floor.
    console.log(
      `  device_data in the file: ${(table / rows).toFixed(1)} B a row; the whole file ${(file / rows).toFixed(1)}`,
    );
    printWalFrames(wal, commits, rows);
  } finally {
    db.close();
  }
}

const args = process.argv.slice(2);
const order = args.indexOf('--minute-order');
const minutesBySeries = order >= 0 && args[order + 1] === 'device-point-bucket';
const commits = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--minute-order') ?? 40);
const dir = mkdtempSync(join(tmpdir(), 'dtuhub-wal-pages-'));
try {
  probe(dir, commits, minutesBySeries);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
