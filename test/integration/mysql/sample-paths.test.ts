// The two ways samples reach device_data (LOAD DATA LOCAL, and the multi-row INSERT used
// when a server refuses it) store exactly the same rows, awkward text and numbers included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from 'mysql2/promise';
import { migrateMysql } from '../../../src/storage/mysql/mysql-migrate.js';
import { isPermanentBatchError, MysqlBatchApplier } from '../../../src/storage/mysql/mysql-batch-applier.js';
import { WriteBatchBuilder } from '../../../src/storage/write-batch.js';
import { valueFromColumns } from '../../../src/storage/raw-value.js';
import { createTempDatabase, MARIADB, type TempDatabase } from '../../helpers/mysql.js';

const TEXTS = ['tab\there', 'line\nbreak', 'back\\slash', 'nul\0byte', '温度 ✓', 'cr\rlf', '\\N', ''];
const VALUES = [25.3, -0.000123, 1e300, 0.1 + 0.2, -0, 123456789.123456, null, Number.NaN];

function batch(device: string, id: string) {
  const b = new WriteBatchBuilder();
  TEXTS.forEach((text, i) => {
    b.sample({
      deviceId: device,
      point: `t${i}`,
      slave: 1,
      address: i,
      value: null,
      text,
      raw: 'ab',
      ts: 1_700_000_000_000 + i,
      quality: 'good',
    });
  });
  VALUES.forEach((value, i) => {
    b.sample({
      deviceId: device,
      point: `v${i}`,
      slave: 2,
      address: 100 + i,
      value,
      text: null,
      raw: 'cd',
      ts: 1_700_000_000_000 + i,
      quality: 'good',
    });
  });
  return b.finish(id);
}

let db: TempDatabase;
let pool: Pool;
beforeAll(async () => {
  db = await createTempDatabase();
  pool = createPool({ ...MARIADB, database: db.name, connectionLimit: 2, supportBigNumbers: false });
  await migrateMysql(pool, db.name);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function apply(applier: MysqlBatchApplier, b: ReturnType<typeof batch>) {
  const c = await pool.getConnection();
  try {
    await applier.apply(c, [b]);
  } finally {
    c.release();
  }
}

async function stored(device: string) {
  const rows = await db.rows<{
    point: string;
    value: number | null;
    text: string | null;
    slave: number;
    address: number;
    rawBytes: Buffer;
    q: number;
  }>(
    `SELECT p.name AS point, dd.value, dd.text_value AS text, s.slave, s.address, dd.raw_value AS rawBytes,
       dd.quality AS q FROM device_data dd
     JOIN devices d ON d.id = dd.device_id JOIN point_names p ON p.id = dd.point_id
     JOIN point_sources s ON s.device_id = dd.device_id AND s.point_id = dd.point_id
     WHERE d.registration_id = ? ORDER BY p.name`,
    [device],
  );
  // A value left out of its row is read from the raw bytes (raw-value.ts), as the store does.
  return rows.map(({ rawBytes, q, ...row }) => ({ ...row, value: valueFromColumns(row.value, rawBytes, q) }));
}

describe('device_data write paths', () => {
  it('store the same rows through LOAD DATA and through INSERT', async () => {
    await apply(new MysqlBatchApplier(), batch('LOAD', 'paths-load'));
    await apply(new MysqlBatchApplier({ loadData: false }), batch('INSERT', 'paths-insert'));
    const viaLoad = await stored('LOAD');
    expect(viaLoad).toEqual(await stored('INSERT'));
    expect(viaLoad.filter((r) => r.point.startsWith('t')).map((r) => r.text)).toEqual(TEXTS);
    const values = viaLoad.filter((r) => r.point.startsWith('v')).map((r) => r.value);
    // NaN has no MySQL form: stored as "no number", like null. -0 reads back as 0.
    expect(values).toEqual([25.3, -0.000123, 1e300, 0.1 + 0.2, 0, 123456789.123456, null, null]);
  });

  it('refuse, as permanent, a batch whose IDs the collation folds together instead of storing under id 0', async () => {
    const b = new WriteBatchBuilder();
    for (const id of ['PAD', 'PAD ']) {
      b.sample({
        deviceId: id,
        point: 'x',
        slave: 1,
        address: 0,
        value: 1,
        text: null,
        raw: '0001',
        ts: 1_700_000_000_000,
        quality: 'good',
      });
    }
    const refused = await apply(new MysqlBatchApplier(), b.finish('paths-pad')).catch((err: unknown) => err);
    expect(isPermanentBatchError(refused)).toBe(true);
    expect(await db.rows(`SELECT * FROM device_data WHERE device_id = 0`)).toEqual([]);
    expect(await db.rows(`SELECT * FROM applied_batches WHERE id = 'paths-pad'`)).toEqual([]);
  });

  it('skip a batch applied a second time, whichever path', async () => {
    const again = batch('LOAD', 'paths-load');
    await apply(new MysqlBatchApplier(), again);
    const [count] = await db.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM applied_batches WHERE id = 'paths-load'`);
    expect(count!.n).toBe(1);
    expect(await stored('LOAD')).toHaveLength(TEXTS.length + VALUES.length);
  });
});
