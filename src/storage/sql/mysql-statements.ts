// A small store's own pool on the history's MySQL/MariaDB database: two connections are
// plenty for operator edits and alarm changes.
import { createPool, type Pool, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { MysqlStorageConfig } from '../../domain/config.js';
import { poolOptions } from '../mysql/mysql-config.js';
import { inTransaction } from '../mysql/mysql-transaction.js';
import type { SqlParam, StatementDatabase, StatementRunner } from './statement-database.js';

export class MysqlStatements implements StatementDatabase {
  private pool: Pool | null = null;

  constructor(
    private readonly config: MysqlStorageConfig,
    /** What the store keeps, for the error when it is used closed. */
    private readonly what: string,
  ) {}

  async start(): Promise<void> {
    this.pool ??= createPool({ ...poolOptions(this.config), connectionLimit: 2 });
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }

  runner(): StatementRunner {
    const pool = this.pool;
    if (!pool) throw new Error(`the ${this.what} database is not open`);
    return {
      all: async (sql: string, params: readonly SqlParam[]) => {
        const [rows] = await pool.query<RowDataPacket[]>(sql, [...params]);
        return rows as Record<string, unknown>[];
      },
      run: async (sql: string, params: readonly SqlParam[]) => {
        const [result] = await pool.query<ResultSetHeader>(sql, [...params]);
        return result.affectedRows;
      },
      atomically: (statements) =>
        inTransaction(pool, async (c) => {
          for (const [sql, params] of statements) await c.query(sql, [...params]);
        }),
    };
  }
}
