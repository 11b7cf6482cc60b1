// mysql2 pool options from the `storage:` section of server.yml (driver: mysql).
import type { PoolOptions } from 'mysql2/promise';
import type { MysqlStorageConfig } from '../../domain/config.js';

export type { MysqlStorageConfig };

/** Fail fast when the server is unreachable: the spill journal takes over meanwhile. */
const CONNECT_TIMEOUT_MS = 5000;

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
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...(config.tls ? { ssl: {} } : {}),
  };
}
