// MySQL history reads are bounded like the SQLite reader threads: a statement past its
// budget, or whose caller went away, is stopped on the server (KILL QUERY), not left running.
import { createPool, type Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageError } from '../../../src/storage/index.js';
import { readRows } from '../../../src/storage/mysql/mysql-query.js';
import { MARIADB } from '../../helpers/mysql.js';

let pool: Pool;
beforeAll(() => {
  pool = createPool({ ...MARIADB, database: 'test', connectionLimit: 3 });
});
afterAll(async () => {
  await pool.end();
});

/** Statements of this test still running on the server. */
async function sleepers(): Promise<number> {
  const [rows] = await pool.query<{ n: number }[] & import('mysql2').RowDataPacket[]>(
    `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(7)%'`,
  );
  return Number(rows[0]!.n);
}

describe('MySQL history reads', () => {
  it('stop the statement on the server when the caller aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const read = readRows(pool, 'SELECT SLEEP(7) AS s', [], { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const err = await read.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe('STORAGE_QUERY_ABORTED');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await sleepers()).toBe(0);
  });

  it('stop a statement past its time budget', async () => {
    const err = await readRows(pool, 'SELECT SLEEP(7) AS s', [], { timeoutMs: 300 }).catch((e: unknown) => e);
    expect((err as StorageError).code).toBe('STORAGE_QUERY_TIMEOUT');
    expect(await sleepers()).toBe(0);
  });

  it('refuse at once when the caller is already gone, and read normally otherwise', async () => {
    const gone = AbortSignal.abort();
    await expect(readRows(pool, 'SELECT 1 AS one', [], { signal: gone })).rejects.toMatchObject({
      code: 'STORAGE_QUERY_ABORTED',
    });
    expect(await readRows(pool, 'SELECT ? AS one', [1])).toEqual([{ one: 1 }]);
  });
});
