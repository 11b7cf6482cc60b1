// Alarms in the MySQL/MariaDB database of the history store, through a small pool of its own.
import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import type { MysqlStorageConfig } from '../../domain/config.js';
import { poolOptions } from '../mysql/mysql-config.js';
import { inTransaction } from '../mysql/mysql-transaction.js';
import { SqlAlarmStore, type AlarmParam, type AlarmRunner } from './alarm-store.js';

export class MysqlAlarmStore extends SqlAlarmStore {
  private pool: Pool | null = null;
  protected readonly insertIgnore = 'INSERT IGNORE';

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

  protected runner(): AlarmRunner {
    const pool = this.pool;
    if (!pool) throw new Error('the alarm database is not open');
    return {
      all: async (sql: string, params: readonly AlarmParam[]) => {
        const [rows] = await pool.query<RowDataPacket[]>(sql, [...params]);
        return rows as Record<string, unknown>[];
      },
      atomically: (statements) =>
        inTransaction(pool, async (c) => {
          for (const [sql, params] of statements) await c.query(sql, [...params]);
        }),
    };
  }
}
