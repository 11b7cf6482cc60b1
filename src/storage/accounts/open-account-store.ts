// Picks the account store (users, tokens, audit) for the configured history database.
import type { StorageConfig } from '../../domain/config.js';
import type { AccountStore } from './account-store.js';
import { MysqlAccountStore } from './mysql-account-store.js';
import { SqliteAccountStore } from './sqlite-account-store.js';

export function accountStoreFor(storage: StorageConfig): AccountStore {
  return storage.driver === 'mysql'
    ? new MysqlAccountStore(storage)
    : new SqliteAccountStore(storage.path, storage.pageSizeBytes);
}
