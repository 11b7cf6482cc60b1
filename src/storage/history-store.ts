// One history store, whichever database is behind it: what the composition root holds.
// `openHistoryStore` picks the implementation from `storage.driver`.
import type { Logger } from '../log.js';
import type { HistoryStore, StoreConfig, StoreOptions } from './history-store-types.js';
import { MysqlHistory } from './mysql/mysql-history.js';
import { SqliteHistory } from './sqlite/sqlite-history.js';

export type { HistoryStore, StoreConfig, StoreOptions } from './history-store-types.js';

export function createHistoryStore(config: StoreConfig, log: Logger, options: StoreOptions = {}): HistoryStore {
  const { storage, writeBuffer, retention } = config;
  if (storage.driver === 'mysql') return new MysqlHistory({ storage, writeBuffer, retention }, log, options);
  return new SqliteHistory({ storage, writeBuffer, retention }, log, options);
}
