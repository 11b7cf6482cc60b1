// Accounts in the MySQL/MariaDB database of the history store, through a small pool of
// its own (two connections are plenty for logins and admin changes).
import { createPool, type Pool, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { MysqlStorageConfig } from '../../domain/config.js';
import { poolOptions } from '../mysql/mysql-config.js';
import { migrateMysql } from '../mysql/mysql-migrate.js';
import { AccountStoreUnavailableError, isConnectionError } from './account-store-unavailable.js';
import { SqlAccountStore, type SqlParam, type SqlRunner } from './sql-account-store.js';

export class MysqlAccountStore extends SqlAccountStore {
  private pool: Pool | null = null;

  constructor(private readonly config: MysqlStorageConfig) {
    super();
  }

  async open(): Promise<void> {
    if (this.pool) return;
    const pool = createPool({ ...poolOptions(this.config), connectionLimit: 2 });
    try {
      // Same lock name as the history store, so the two never migrate at once.
      await migrateMysql(pool, this.config.database);
    } catch (err) {
      await pool.end();
      throw err;
    }
    this.pool = pool;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }

  protected runner(): SqlRunner {
    const pool = this.pool;
    if (!pool) throw new AccountStoreUnavailableError('the account database is not open');
    // A lost server is "unavailable" (503), not an internal error.
    const guarded = async <T>(query: () => Promise<T>): Promise<T> => {
      try {
        return await query();
      } catch (err) {
        if (isConnectionError(err))
          throw new AccountStoreUnavailableError(`the account database is unreachable: ${(err as Error).message}`);
        throw err;
      }
    };
    return {
      all: (sql: string, params: readonly SqlParam[]) =>
        guarded(async () => {
          const [rows] = await pool.query<RowDataPacket[]>(sql, [...params]);
          return rows as Record<string, unknown>[];
        }),
      run: (sql: string, params: readonly SqlParam[]) =>
        guarded(async () => {
          const [result] = await pool.query<ResultSetHeader>(sql, [...params]);
          return { changes: result.affectedRows, insertId: result.insertId };
        }),
    };
  }
}
