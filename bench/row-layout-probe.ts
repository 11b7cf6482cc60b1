// What a device_data row would cost in SQLite under other layouts, measured before building
// one (issue 16): the same rows in the shape of the history bench's fleet (1,000 devices × 50
// points × 60 rounds, ten points each of int16 × 0.1, uint16, float32 ABCD, float32 CDAB and
// uint32, committed 5,000 rows at a time in poll order), into a table per layout, then `dbstat`
// (bytes of the table and its indexes).
//
//   npm run build && node dist/bench/row-layout-probe.js [page size, default 1024]
//
// Every layout leaves `value` out where the raw bytes decode to it (schema 13) and names the
// decoder: id 1 (int16 ÷ 10) costs nothing, the others one byte.
// - `schema 13`: 7 columns, the decoder in `quality`, `text_value` NULL on every row.
// - `text apart`: 6 columns, `text_value` in a side table (empty here: no text points).
// - `value cell`: 5 columns, the decoder in `value` as a BLOB (empty for id 1, else one byte),
//   a number stays a number; raw text would be stored as TEXT, so no flag is needed.
// - `value cell, value first`: the same with `value` before `raw_value` (column order).
// - `value cell, rowid table`: the same as a rowid table with a unique key index.
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
  readonly columns: string;
  readonly withoutRowid: boolean;
  /** The row's values in column order, after the key. */
  readonly row: (raw: Buffer, decoder: number) => unknown[];
}

const KEY = 'device_id INT UNSIGNED NOT NULL, received_at BIGINT NOT NULL, point_id MEDIUMINT UNSIGNED NOT NULL';
const PK = 'PRIMARY KEY (device_id, received_at, point_id)';
const cell = (decoder: number) => (decoder === 1 ? Buffer.alloc(0) : Buffer.from([decoder]));

const LAYOUTS: readonly Layout[] = [
  {
    name: 'schema 13',
    columns: 'value DOUBLE NULL, text_value TEXT NULL, raw_value BLOB NOT NULL, quality TINYINT UNSIGNED NOT NULL',
    withoutRowid: true,
    row: (raw, decoder) => [null, null, raw, decoder],
  },
  {
    name: 'text apart',
    columns: 'value DOUBLE NULL, raw_value BLOB NOT NULL, quality TINYINT UNSIGNED NOT NULL',
    withoutRowid: true,
    row: (raw, decoder) => [null, raw, decoder],
  },
  {
    name: 'value cell',
    columns: 'raw_value BLOB NOT NULL, value DOUBLE NULL',
    withoutRowid: true,
    row: (raw, decoder) => [raw, cell(decoder)],
  },
  {
    name: 'value cell, value first',
    columns: 'value DOUBLE NULL, raw_value BLOB NOT NULL',
    withoutRowid: true,
    row: (raw, decoder) => [cell(decoder), raw],
  },
  {
    name: 'value cell, rowid table',
    columns: 'raw_value BLOB NOT NULL, value DOUBLE NULL',
    withoutRowid: false,
    row: (raw, decoder) => [raw, cell(decoder)],
  },
];

/** One sample's register bytes and the decoder id that reads its value from them; a slow sine with noise. */
function sample(device: number, point: number, ts: number): [Buffer, number] {
  const x = 50 + 20 * Math.sin(ts / 3_600_000 + point + device) + Math.random() * 0.1;
  const raw = Buffer.alloc(point <= 20 ? 2 : 4);
  if (point <= 10) {
    raw.writeInt16BE(Math.round(x * 10));
    return [raw, 1];
  }
  if (point <= 20) {
    raw.writeUInt16BE(Math.round(x * 100));
    return [raw, 3];
  }
  if (point <= 40) {
    raw.writeFloatBE(x);
    return [raw, point <= 30 ? 18 : 19];
  }
  raw.writeUInt32BE(Math.round(x * 1e5));
  return [raw, 23];
}

function bytesPerRow(layout: Layout, dir: string, pageSize: number): number {
  const db = new Database(join(dir, `${layout.name.replace(/\W+/g, '-')}.db`));
  try {
    db.pragma(`page_size = ${pageSize}`);
    db.pragma('journal_mode = WAL');
    db.exec(
      `CREATE TABLE device_data (${KEY}, ${layout.columns}, ${PK})${layout.withoutRowid ? ' WITHOUT ROWID' : ''}`,
    );
    const width = 3 + layout.row(Buffer.alloc(0), 0).length;
    const insert = db.prepare(`INSERT INTO device_data VALUES (${new Array(width).fill('?').join(', ')})`);
    const commit = db.transaction((rows: unknown[][]) => {
      for (const row of rows) insert.run(row);
    });
    let rows: unknown[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (let device = 1; device <= DEVICES; device++) {
        const ts = T0 + round * 1000 + device;
        for (let point = 1; point <= POINTS; point++) {
          const [raw, decoder] = sample(device, point, ts);
          rows.push([device, ts, point, ...layout.row(raw, decoder)]);
          if (rows.length === BATCH) {
            commit(rows);
            rows = [];
          }
        }
      }
    }
    commit(rows);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = db
      .prepare(`SELECT SUM(pgsize) FROM dbstat WHERE name = 'device_data' OR name LIKE 'sqlite_autoindex_device_data%'`)
      .pluck()
      .get() as number;
    return bytes / (DEVICES * POINTS * ROUNDS);
  } finally {
    db.close();
  }
}

const pageSize = Number(process.argv[2] ?? 1024);
const dir = mkdtempSync(join(tmpdir(), 'dtuhub-row-layout-'));
try {
  console.log(
    `device_data bytes per row, ${DEVICES} devices × ${POINTS} points × ${ROUNDS} rounds, ${pageSize} B pages`,
  );
  for (const layout of LAYOUTS) console.log(`  ${layout.name}: ${bytesPerRow(layout, dir, pageSize).toFixed(2)} B`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
