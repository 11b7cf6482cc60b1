// A throwaway database on the local MariaDB for tests that run dtuhub on MySQL. There is no
// skipping: without MariaDB on 127.0.0.1:3306 these tests fail, as CI must.
import { randomBytes } from 'node:crypto';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';

export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const;

export interface TempDatabase {
  readonly name: string;
  /** A direct connection (not through any proxy) for checking rows. */
  readonly sql: Connection;
  rows<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function createTempDatabase(): Promise<TempDatabase> {
  const name = `dtuhub_test_${randomBytes(6).toString('hex')}`;
  const admin = await createConnection(MARIADB);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.end();
  const sql = await createConnection({ ...MARIADB, database: name, supportBigNumbers: false });
  return {
    name,
    sql,
    async rows<T>(query: string, params: unknown[] = []) {
      const [rows] = await sql.query<RowDataPacket[]>(query, params);
      return rows as T[];
    },
    async drop() {
      await sql.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await sql.end();
    },
  };
}

/** server.yml `storage:` for dtuhub on this database, through `port` (a proxy) if given. */
export function mysqlStorage(
  database: string,
  spillDir: string,
  port: number = MARIADB.port,
  writeTimeout = '2s',
): Record<string, unknown> {
  return {
    driver: 'mysql',
    host: MARIADB.host,
    port,
    user: MARIADB.user,
    password: MARIADB.password,
    database,
    poolSize: 4,
    spill: { dir: spillDir, writeTimeout },
  };
}
