// What a device_data row would cost in SQLite under other layouts, measured before building
// one (issue 16): the same rows in the shape of the history bench's fleet (1,000 devices × 50
// points × 60 rounds, ten points each of int16 × 0.1, uint16, float32 ABCD, float32 CDAB and
// uint32, committed 5,000 rows at a time in poll order), into a table per layout, then `dbstat`.
//
//   npm run build && node dist/bench/row-layout-probe.js [page size, default 4096]
//
// Layouts: `schema 7` is today's row; `value from raw` stores `value` as NULL where the raw
// register bytes decode to it (it would need each series' codec history to read back);
// `value from raw, 6 columns` drops one more column on top (e.g. quality or text_value folded
// elsewhere): the least that reaches 25 B in this probe.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const DEVICES = 1000;
const POINTS = 50;
const ROUNDS = 60;
const BATCH = 5000;
const T0 = Date.UTC(2026, 11, 1);

interface Layout {
  readonly name: string;
  readonly valueFromRaw: boolean;
  readonly columns: 6 | 7;
}

const LAYOUTS: readonly Layout[] = [
  { name: 'schema 7', valueFromRaw: false, columns: 7 },
  { name: 'value from raw', valueFromRaw: true, columns: 7 },
  { name: 'value from raw, 6 columns', valueFromRaw: true, columns: 6 },
];

/** One sample's register bytes and the value a decoder reads from them; a slow sine with noise. */
function sample(device: number, point: number, ts: number): [Buffer, number] {
  const x = 50 + 20 * Math.sin(ts / 3_600_000 + point + device) + Math.random() * 0.1;
  const raw = Buffer.alloc(point <= 20 ? 2 : 4);
  if (point <= 10) {
    raw.writeInt16BE(Math.round(x * 10));
    return [raw, Math.round(x * 10) / 10];
  }
  if (point <= 20) {
    raw.writeUInt16BE(Math.round(x * 100));
    return [raw, Math.round(x * 100)];
  }
  if (point <= 40) {
    raw.writeFloatBE(x);
    return [raw, raw.readFloatBE(0)];
  }
  raw.writeUInt32BE(Math.round(x * 1e5));
  return [raw, Math.round(x * 1e5)];
}

function bytesPerRow(layout: Layout, dir: string, pageSize: number): number {
  const db = new Database(join(dir, `${layout.name.replace(/\W+/g, '-')}.db`));
  try {
    db.pragma(`page_size = ${pageSize}`);
    db.pragma('journal_mode = WAL');
    const quality = layout.columns === 7 ? ', quality TINYINT UNSIGNED NOT NULL DEFAULT 0' : '';
    db.exec(`CREATE TABLE device_data (device_id INT UNSIGNED NOT NULL, received_at BIGINT NOT NULL,
      point_id MEDIUMINT UNSIGNED NOT NULL, value DOUBLE NULL, text_value TEXT NULL, raw_value BLOB NOT NULL${quality},
      PRIMARY KEY (device_id, received_at, point_id)) WITHOUT ROWID`);
    const insert = db.prepare(
      `INSERT INTO device_data VALUES (?, ?, ?, ?, NULL, ?${layout.columns === 7 ? ', 0' : ''})`,
    );
    const commit = db.transaction((rows: unknown[][]) => {
      for (const row of rows) insert.run(row);
    });
    let rows: unknown[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (let device = 1; device <= DEVICES; device++) {
        const ts = T0 + round * 1000 + device;
        for (let point = 1; point <= POINTS; point++) {
          const [raw, value] = sample(device, point, ts);
          rows.push([device, ts, point, layout.valueFromRaw ? null : value, raw]);
          if (rows.length === BATCH) {
            commit(rows);
            rows = [];
          }
        }
      }
    }
    commit(rows);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = db.prepare(`SELECT SUM(pgsize) FROM dbstat WHERE name = 'device_data'`).pluck().get() as number;
    return bytes / (DEVICES * POINTS * ROUNDS);
  } finally {
    db.close();
  }
}

const pageSize = Number(process.argv[2] ?? 4096);
const dir = mkdtempSync(join(tmpdir(), 'dtuhub-row-layout-'));
try {
  console.log(
    `device_data bytes per row, ${DEVICES} devices × ${POINTS} points × ${ROUNDS} rounds, ${pageSize} B pages`,
  );
  for (const layout of LAYOUTS) console.log(`  ${layout.name}: ${bytesPerRow(layout, dir, pageSize).toFixed(2)} B`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
