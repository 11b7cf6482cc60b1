// Brings a MySQL/MariaDB database up to the newest schema. MySQL DDL commits implicitly,
// so a migration cannot be one transaction as in SQLite: a named lock serialises
// concurrent starts instead, and the version is re-read under it before applying.
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { systemClock, type Clock } from '../../clock.js';
import { schemaTooNew, StorageError } from '../errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, SCHEMA_VERSION_TABLE, type Migration } from '../migrations/index.js';

export interface MysqlMigrationResult {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly string[];
}

const LOCK_TIMEOUT_S = 60;

export async function mysqlSchemaVersion(connection: Pool | PoolConnection): Promise<number> {
  const [rows] = await connection.query<RowDataPacket[]>('SELECT MAX(version) AS version FROM schema_version');
  return (rows[0]?.['version'] as number | null | undefined) ?? 0;
}

export async function migrateMysql(
  pool: Pool,
  where: string,
  migrations: readonly Migration[] = MIGRATIONS,
  clock: Clock = systemClock,
): Promise<MysqlMigrationResult> {
  const known = migrations === MIGRATIONS ? LATEST_SCHEMA_VERSION : Math.max(0, ...migrations.map((m) => m.version));
  const connection = await pool.getConnection();
  const lock = `dtuhub_migrate_${where}`.slice(0, 64);
  try {
    const [locked] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS ok', [lock, LOCK_TIMEOUT_S]);
    if (locked[0]?.['ok'] !== 1)
      throw new StorageError('STORAGE_OPEN_FAILED', `${where}: another process is migrating the schema`);
    try {
      await connection.query(SCHEMA_VERSION_TABLE);
      const from = await mysqlSchemaVersion(connection);
      if (from > known) throw schemaTooNew(where, from, known);
      const applied: string[] = [];
      const pending = migrations.filter((m) => m.version > from).sort((a, b) => a.version - b.version);
      for (const migration of pending) {
        for (const sql of migration.statements('mysql')) await connection.query(sql);
        await connection.query('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)', [
          migration.version,
          migration.name,
          clock.now(),
        ]);
        applied.push(`${String(migration.version).padStart(3, '0')}_${migration.name}`);
      }
      return { from, to: pending.at(-1)?.version ?? from, applied };
    } finally {
      await connection.query('SELECT RELEASE_LOCK(?)', [lock]);
    }
  } finally {
    connection.release();
  }
}
