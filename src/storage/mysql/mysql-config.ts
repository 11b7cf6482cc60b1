// Settings of the MySQL/MariaDB history store. Kept here until server.yml learns a
// `driver: mysql` storage section (then it moves next to SqliteStorageConfig).
import type { PoolOptions } from 'mysql2/promise';

export interface MysqlStorageConfig {
  readonly driver: 'mysql';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Must exist already: dtuhub creates tables, not databases (that needs more privileges). */
  readonly database: string;
  /** Connections in the pool; the writer uses one at a time, readers share the rest. */
  readonly poolSize: number;
  /** Encrypt the connection (certificate verified against the system CAs). */
  readonly tls: boolean;
}

export function poolOptions(config: MysqlStorageConfig): PoolOptions {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    connectionLimit: Math.max(2, config.poolSize),
    charset: 'utf8mb4_bin',
    // BIGINT epoch-ms values stay below 2^53: plain numbers, not strings.
    supportBigNumbers: false,
    ...(config.tls ? { ssl: {} } : {}),
  };
}
