// What the WAL probes (wal-pages-probe.ts, minute-history-probe.ts) share: the bench's
// register values, rollup_minute under its key before migration 015, and the count of the
// WAL's frames by the table or index each page belongs to.
import { closeSync, openSync, readSync } from 'node:fs';
import type { SqliteDatabase } from '../src/storage/sqlite/sqlite-connection.js';
import type { WriteBatchBuilder } from '../src/storage/write-batch.js';

const WAL_HEADER = 32;
const FRAME_HEADER = 24;
/** Frames read from the WAL at a time: a long run's WAL can be larger than a Buffer wants. */
const FRAMES_PER_READ = 4096;

/** A point's register at `ts`: a slow sine in tenths. */
export function tenthsAt(ts: number, point: number): number {
  return Math.round((50 + 20 * Math.sin(ts / 3_600_000 + point)) * 10);
}

/** The int16 × 0.1 register of a slow sine, and its value. */
export function reading(ts: number, point: number): { raw: string; value: number } {
  const tenths = tenthsAt(ts, point);
  const raw = Buffer.alloc(2);
  raw.writeInt16BE(tenths);
  return { raw: raw.toString('hex'), value: tenths / 10 };
}

/** One poll of a device: a sample of each of its `points` at `ts`. */
export function pollDevice(b: WriteBatchBuilder, deviceId: string, points: number, ts: number): void {
  for (let p = 0; p < points; p++) {
    const { raw, value } = reading(ts, p);
    b.sample({ deviceId, point: `p${p}`, slave: 1, address: 2000 + p, value, text: null, raw, ts, quality: 'good' });
  }
}

/** rollup_minute keyed by series, as before migration 015, for comparison. Call before any row. */
export function keyMinutesBySeries(db: SqliteDatabase): void {
  const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'rollup_minute'`).pluck().get() as string;
  db.exec('DROP TABLE rollup_minute');
  db.exec(sql.replace('PRIMARY KEY (device_id, bucket, point_id)', 'PRIMARY KEY (device_id, point_id, bucket)'));
}

export interface WalFrames {
  readonly pageSize: number;
  readonly frames: number;
  /** Frames by the table or index that owns the page now ('?': a free page). */
  readonly byTable: ReadonlyMap<string, number>;
}

/** Every frame of the WAL at `walPath`, which must start at a checkpoint (TRUNCATE) and have had none since. */
export function walFramesByTable(db: SqliteDatabase, walPath: string): WalFrames {
  const owner = new Map(db.prepare('SELECT pageno, name FROM dbstat').raw().all() as [number, string][]);
  const fd = openSync(walPath, 'r');
  try {
    const header = Buffer.alloc(WAL_HEADER);
    readSync(fd, header, 0, WAL_HEADER, 0);
    const pageSize = header.readUInt32BE(8);
    const frameBytes = pageSize + FRAME_HEADER;
    const chunk = Buffer.alloc(frameBytes * FRAMES_PER_READ);
    const byTable = new Map<string, number>();
    let frames = 0;
    for (;;) {
      const got = readSync(fd, chunk, 0, chunk.length, WAL_HEADER + frames * frameBytes);
      const whole = Math.floor(got / frameBytes);
      for (let i = 0; i < whole; i++) {
        const name = owner.get(chunk.readUInt32BE(i * frameBytes)) ?? '?';
        byTable.set(name, (byTable.get(name) ?? 0) + 1);
      }
      frames += whole;
      if (got < chunk.length) break;
    }
    return { pageSize, frames, byTable };
  } finally {
    closeSync(fd);
  }
}

/** Frames a commit and WAL bytes a row, in all and for each table with a frame every tenth commit or more. */
export function printWalFrames({ pageSize, frames, byTable }: WalFrames, commits: number, rows: number): void {
  const perRow = (n: number) => ((n * (pageSize + FRAME_HEADER)) / rows).toFixed(1);
  console.log(`  WAL: ${(frames / commits).toFixed(1)} frames a commit, ${perRow(frames)} B a row`);
  for (const [name, n] of [...byTable].sort((a, b) => b[1] - a[1]).filter(([, n]) => n >= commits / 10))
    console.log(`  ${name}: ${(n / commits).toFixed(2)} frames a commit, ${perRow(n)} B a row`);
}
