// Where a stored history's bytes are: per table, in a SQLite file (dbstat) or in a MariaDB
// database (ANALYZE TABLE, information_schema and the .ibd files), and for SQLite the
// average device_data record split by column, so a figure over its goal says what to cut.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createConnection } from 'mysql2/promise';
import type { MysqlStorageConfig } from '../src/storage/index.js';

export interface SqliteTableSize {
  readonly name: string;
  readonly pages: number;
  readonly bytes: number;
  /**
   * Over all its pages: record bytes, free bytes, cells. In a WITHOUT ROWID table (an index
   * B-tree) interior cells are rows too, so `cells` is its row count.
   */
  readonly payload: number;
  readonly unused: number;
  readonly cells: number;
  /** Interior pages. */
  readonly interiorBytes: number;
}

/** Average bytes of one device_data record on disk, by part (SQLite record format). */
export interface RecordBreakdown {
  readonly rowsSampled: number;
  /** Record header: its length varint and one serial-type varint per column. */
  readonly header: number;
  readonly columns: Readonly<Record<string, number>>;
  /** Cell: payload-length varint and the 2-byte cell pointer. */
  readonly cellOverhead: number;
}

export interface SqliteSizes {
  readonly fileBytes: number;
  readonly pageSize: number;
  readonly freelistPages: number;
  readonly tables: readonly SqliteTableSize[];
  readonly deviceData: RecordBreakdown;
}

/** Bytes of a varint holding `n` (SQLite's format: 7 bits a byte, 9 bytes at most). */
function varintBytes(n: number): number {
  let bytes = 1;
  while (n >= 0x80 && bytes < 9) {
    n = Math.floor(n / 0x80);
    bytes++;
  }
  return bytes;
}

/** [serial type, body bytes] of a value in a column of REAL affinity or none. */
function serial(value: unknown, realAffinity: boolean): [number, number] {
  if (value === null || value === undefined) return [0, 0];
  if (typeof value === 'string') {
    const n = Buffer.byteLength(value);
    return [13 + 2 * n, n];
  }
  if (value instanceof Uint8Array) return [12 + 2 * value.length, value.length];
  if (typeof value === 'bigint') return [6, 8];
  const x = value as number;
  // A whole REAL is stored as an integer when it fits (SQLite saves the space).
  if (!Number.isInteger(x) || (!realAffinity && !Number.isSafeInteger(x))) return [7, 8];
  if (x === 0) return [8, 0];
  if (x === 1) return [9, 0];
  const a = x < 0 ? -x - 1 : x;
  if (a < 0x80) return [1, 1];
  if (a < 0x8000) return [2, 2];
  if (a < 0x800000) return [3, 3];
  if (a < 0x80000000) return [4, 4];
  if (a < 0x800000000000) return [5, 6];
  return [6, 8];
}

/** device_data's columns in table order, as this database has them (the layout changed in migration 6). */
function deviceDataColumns(db: Database.Database): string[] {
  return (db.prepare('PRAGMA table_info(device_data)').all() as { name: string }[]).map((c) => c.name);
}

/** About `rows` records picked at random over the whole table (`total`: its records, from dbstat). */
function recordBreakdown(db: Database.Database, rows: number, total: number): RecordBreakdown {
  // Spread over the table, not its first devices: a device id past 127 takes a byte more.
  const DEVICE_DATA_COLUMNS = deviceDataColumns(db);
  const step = Math.max(1, Math.floor(total / Math.max(1, rows)));
  const sample = db
    .prepare(`SELECT ${DEVICE_DATA_COLUMNS.join(', ')} FROM device_data WHERE abs(random()) % ? = 0 LIMIT ?`)
    .raw()
    .all(step, rows) as unknown[][];
  const columns: Record<string, number> = Object.fromEntries(DEVICE_DATA_COLUMNS.map((c) => [c, 0]));
  let header = 0;
  let cellOverhead = 0;
  for (const row of sample) {
    let types = 0;
    let body = 0;
    row.forEach((value, i) => {
      const [type, bytes] = serial(value, DEVICE_DATA_COLUMNS[i] === 'value');
      types += varintBytes(type);
      body += bytes;
      columns[DEVICE_DATA_COLUMNS[i]!]! += bytes;
    });
    const headerBytes = types + varintBytes(types + 1);
    header += headerBytes;
    cellOverhead += varintBytes(headerBytes + body) + 2;
  }
  const n = Math.max(1, sample.length);
  for (const c of DEVICE_DATA_COLUMNS) columns[c] = columns[c]! / n;
  return { rowsSampled: sample.length, header: header / n, columns, cellOverhead: cellOverhead / n };
}

/** The file as it is (checkpointed: the store's stop() leaves no WAL behind). */
export function sqliteSizes(path: string, sampleRows = 100_000): SqliteSizes {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(
        `SELECT name, COUNT(*) AS pages, SUM(pgsize) AS bytes, SUM(payload) AS payload, SUM(unused) AS unused,
           SUM(ncell) AS cells, SUM(CASE WHEN pagetype = 'internal' THEN pgsize ELSE 0 END) AS interiorBytes
         FROM dbstat GROUP BY name ORDER BY bytes DESC`,
      )
      .all() as SqliteTableSize[];
    return {
      fileBytes: statSync(path).size,
      pageSize: db.pragma('page_size', { simple: true }) as number,
      freelistPages: db.pragma('freelist_count', { simple: true }) as number,
      tables,
      deviceData: recordBreakdown(db, sampleRows, tables.find((t) => t.name === 'device_data')?.cells ?? 0),
    };
  } finally {
    db.close();
  }
}

export interface MysqlTableSize {
  readonly name: string;
  /** information_schema.TABLES after ANALYZE TABLE. */
  readonly dataLength: number;
  readonly indexLength: number;
  readonly dataFree: number;
  /** Size of the table's .ibd file under @@datadir (null if it cannot be read). */
  readonly ibdBytes: number | null;
}

export interface MysqlSizes {
  readonly database: string;
  readonly tables: readonly MysqlTableSize[];
}

const MYSQL_TABLES = ['device_data', 'rollup_minute', 'rollup_hour'] as const;

export async function mysqlSizes(storage: MysqlStorageConfig): Promise<MysqlSizes> {
  const { host, port, user, password, database } = storage;
  const c = await createConnection({ host, port, user, password, database });
  try {
    const [dirRows] = await c.query('SELECT @@datadir AS dir');
    const datadir = (dirRows as { dir: string }[])[0]!.dir;
    const tables: MysqlTableSize[] = [];
    for (const name of MYSQL_TABLES) {
      await c.query(`ANALYZE TABLE \`${name}\``);
      const [rows] = await c.query(
        'SELECT DATA_LENGTH AS d, INDEX_LENGTH AS i, DATA_FREE AS f FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
        [database, name],
      );
      const r = (rows as { d: number; i: number; f: number }[])[0];
      let ibdBytes: number | null = null;
      try {
        ibdBytes = statSync(join(datadir, database, `${name}.ibd`)).size;
      } catch {
        // The server's files belong to another user or host: information_schema still counts.
      }
      tables.push({
        name,
        dataLength: Number(r?.d ?? 0),
        indexLength: Number(r?.i ?? 0),
        dataFree: Number(r?.f ?? 0),
        ibdBytes,
      });
    }
    return { database, tables };
  } finally {
    await c.end();
  }
}
