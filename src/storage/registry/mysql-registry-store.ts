// The registry in the MySQL/MariaDB database of the history store, through a small pool of
// its own (operator edits and imports are rare).
import { createPool, type Pool, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { MysqlStorageConfig } from '../../domain/config.js';
import { poolOptions } from '../mysql/mysql-config.js';
import { inTransaction } from '../mysql/mysql-transaction.js';
import { SqlRegistryStore, type RegistryParam, type RegistryRunner } from './registry-store.js';

export class MysqlRegistryStore extends SqlRegistryStore {
  private pool: Pool | null = null;

  constructor(private readonly config: MysqlStorageConfig) {
    super();
  }

  async start(): Promise<void> {
    this.pool ??= createPool({ ...poolOptions(this.config), connectionLimit: 2 });
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }

  protected upsertClause(columns: readonly string[]): string {
    return `ON DUPLICATE KEY UPDATE ${columns.map((c) => `${c} = VALUES(${c})`).join(', ')}`;
  }

  protected runner(): RegistryRunner {
    const pool = this.pool;
    if (!pool) throw new Error('the registry database is not open');
    return {
      all: async (sql: string, params: readonly RegistryParam[]) => {
        const [rows] = await pool.query<RowDataPacket[]>(sql, [...params]);
        return rows as Record<string, unknown>[];
      },
      run: async (sql: string, params: readonly RegistryParam[]) => {
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
