// DeliveryStore on MySQL/MariaDB, through a small pool of its own. The history store
// migrates the schema; while the server is down, calls fail and the queue keeps the
// deliveries in memory (docs/EVENTS.md, "Restarts").
import { createPool, type Pool, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { MysqlStorageConfig } from '../../domain/config.js';
import { poolOptions } from '../mysql/mysql-config.js';
import { inTransaction } from '../mysql/mysql-transaction.js';
import {
  DELIVERY_SQL,
  insertParams,
  listSql,
  toRecord,
  updateParams,
  type DeliveryQuery,
  type DeliveryRecord,
  type DeliveryStore,
} from './delivery-store.js';

export class MysqlDeliveryStore implements DeliveryStore {
  private pool: Pool | null = null;

  constructor(private readonly config: MysqlStorageConfig) {}

  async start(): Promise<void> {
    this.pool ??= createPool({ ...poolOptions(this.config), connectionLimit: 2 });
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }

  async save(records: readonly DeliveryRecord[]): Promise<void> {
    await inTransaction(this.connection(), async (c) => {
      for (const r of records) {
        const [inserted] = await c.query<ResultSetHeader>(DELIVERY_SQL.insert, insertParams(r));
        if (inserted.affectedRows === 0) await c.query(DELIVERY_SQL.update, updateParams(r));
      }
    });
  }

  async get(id: string): Promise<DeliveryRecord | null> {
    const [rows] = await this.connection().query<RowDataPacket[]>(DELIVERY_SQL.get, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async pending(): Promise<DeliveryRecord[]> {
    const [rows] = await this.connection().query<RowDataPacket[]>(DELIVERY_SQL.pending);
    return rows.map(toRecord);
  }

  async list(query: DeliveryQuery = {}): Promise<DeliveryRecord[]> {
    const { sql, params } = listSql(query);
    const [rows] = await this.connection().query<RowDataPacket[]>(sql, params);
    return rows.map(toRecord);
  }

  private connection(): Pool {
    if (!this.pool) throw new Error('delivery store is closed');
    return this.pool;
  }
}
