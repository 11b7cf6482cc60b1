// One transaction on a connection of the pool: committed when `work` resolves, rolled back
// when it throws (the error goes on to the caller).
import type { Pool, PoolConnection } from 'mysql2/promise';

export async function inTransaction(pool: Pool, work: (c: PoolConnection) => Promise<void>): Promise<void> {
  const c = await pool.getConnection();
  try {
    await c.beginTransaction();
    await work(c);
    await c.commit();
  } catch (err) {
    await c.rollback().catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
