// Accounts in the MySQL/MariaDB database of the history store, through a small pool of
// its own (two connections are plenty for logins and admin changes).
import { createPool, type Pool, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { MysqlStorageConfig } from '../../storage/index.js';
import { poolOptions } from '../../storage/mysql/mysql-config.js';
import { migrateMysql } from '../../storage/mysql/mysql-migrate.js';
import { isUnreachable } from '../../storage/mysql/unreachable.js';
import { SqlAccountStore, type SqlParam, type SqlRunner } from './sql-account-store.js';

export class MysqlAccountStore extends SqlAccountStore {
  private pool: Pool | null = null;

  constructor(private readonly config: MysqlStorageConfig) {
    super();
  }

  private schemaReady = false;

  /**
   * Opens the pool and migrates. A server that cannot be reached is not fatal (the history
   * store spills meanwhile): every query migrates first until that has worked once.
   */
  async open(): Promise<void> {
    if (this.pool) return;
    this.pool = createPool({ ...poolOptions(this.config), connectionLimit: 2 });
    try {
      await this.ensureSchema();
    } catch (err) {
      if (isUnreachable(err)) return;
      const pool = this.pool;
      this.pool = null;
      await pool.end();
      throw err;
    }
  }

  private async ensureSchema(): Promise<void> {
    if (this.schemaReady || !this.pool) return;
    await migrateMysql(this.pool, `${this.config.host}:${this.config.port}/${this.config.database}`);
    this.schemaReady = true;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }

  protected runner(): SqlRunner {
    const pool = this.pool;
    if (!pool) throw new Error('account store is not open');
    return {
      all: async (sql: string, params: readonly SqlParam[]) => {
        await this.ensureSchema();
        const [rows] = await pool.query<RowDataPacket[]>(sql, [...params]);
        return rows as Record<string, unknown>[];
      },
      run: async (sql: string, params: readonly SqlParam[]) => {
        await this.ensureSchema();
        const [result] = await pool.query<ResultSetHeader>(sql, [...params]);
        return { changes: result.affectedRows, insertId: result.insertId };
      },
    };
  }
}
