// mysql2 pool options from the `storage:` section of server.yml (driver: mysql).
import type { PoolOptions, TypeCast } from 'mysql2/promise';
import type { MysqlStorageConfig } from '../../domain/config.js';

export type { MysqlStorageConfig };

/** Fail fast when the server is unreachable: the spill journal takes over meanwhile. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * mysql2's text-protocol parser rounds some 17-character doubles (97.80000000000001 comes
 * back as 97.8); Number() reads them exactly.
 */
const exactDoubles: TypeCast = (field, next) => {
  if (field.type !== 'DOUBLE') return next();
  const text = field.string();
  return text === null ? null : Number(text);
};

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
    typeCast: exactDoubles,
    ...(config.tls ? { ssl: {} } : {}),
  };
}
