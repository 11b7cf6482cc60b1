// Which tables' pages a commit appends to the WAL (issue 16: disk bytes written per row), on
// the bench's one device of 8 points: commits of 5,000 rows (625 simulated seconds each)
// through the app's SqliteBatchApplier with checkpoints off, then each WAL frame's page
// attributed to its table or index by `dbstat`.
//
//   npm run build && node dist/bench/wal-pages-probe.js [commits, default 40]
//     [--minute-order device-point-bucket]   rollup_minute keyed as before migration 015
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWriteConnection, type SqliteDatabase } from '../src/storage/sqlite/sqlite-connection.js';
import { migrateSqlite } from '../src/storage/sqlite/sqlite-migrate.js';
import { SqliteBatchApplier } from '../src/storage/sqlite/sqlite-batch-applier.js';
import { WriteBatchBuilder } from '../src/storage/write-batch.js';

const POINTS = 8;
const ROUNDS_PER_COMMIT = 625;
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/** The int16 × 0.1 register of a slow sine, and its value. */
function reading(ts: number, point: number): { raw: string; value: number } {
  const tenths = Math.round((50 + 20 * Math.sin(ts / 3_600_000 + point)) * 10);
  const raw = Buffer.alloc(2);
  raw.writeInt16BE(tenths);
  return { raw: raw.toString('hex'), value: tenths / 10 };
}

/** rollup_minute keyed by series, as before migration 015, for comparison. */
function keyMinutesBySeries(db: SqliteDatabase): void {
  const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'rollup_minute'`).pluck().get() as string;
  db.exec('DROP TABLE rollup_minute');
  db.exec(sql.replace('PRIMARY KEY (device_id, bucket, point_id)', 'PRIMARY KEY (device_id, point_id, bucket)'));
}

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
        for (let p = 0; p < POINTS; p++) {
          const { raw, value } = reading(ts, p);
          b.sample({
            deviceId: 'D1',
            point: `p${p}`,
            slave: 1,
            address: 2000 + p,
            value,
            text: null,
            raw,
            ts,
            quality: 'good',
          });
        }
      }
      applier.apply([b.finish()]);
    }
    const owner = new Map(db.prepare('SELECT pageno, name FROM dbstat').raw().all() as [number, string][]);
    const wal = readFileSync(`${path}-wal`);
    const pageSize = wal.readUInt32BE(8);
    const frames = (wal.length - WAL_HEADER) / (pageSize + FRAME_HEADER);
    const byTable = new Map<string, number>();
    for (let i = 0; i < frames; i++) {
      const name = owner.get(wal.readUInt32BE(WAL_HEADER + i * (pageSize + FRAME_HEADER))) ?? '?';
      byTable.set(name, (byTable.get(name) ?? 0) + 1);
    }
    const rows = commits * ROUNDS_PER_COMMIT * POINTS;
    const perRow = (n: number) => ((n * (pageSize + FRAME_HEADER)) / rows).toFixed(1);
    const table = db.prepare(`SELECT SUM(pgsize) FROM dbstat WHERE name = 'device_data'`).pluck().get() as number;
    console.log(`${commits} commits of ${ROUNDS_PER_COMMIT * POINTS} rows, ${pageSize} B pages`);
    console.log(`  WAL: ${(frames / commits).toFixed(1)} frames a commit, ${perRow(frames)} B a row`);
    const file = db.prepare('SELECT SUM(pgsize) FROM dbstat').pluck().get() as number;
    // Every byte the file gains passes the WAL once and is copied once: WAL + file is the floor.
    console.log(
      `  device_data in the file: ${(table / rows).toFixed(1)} B a row; the whole file ${(file / rows).toFixed(1)}`,
    );
    for (const [name, n] of [...byTable].sort((a, b) => b[1] - a[1]).filter(([, n]) => n >= commits / 10))
      console.log(`  ${name}: ${(n / commits).toFixed(1)} frames a commit, ${perRow(n)} B a row`);
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
