// Picks the registry store for the configured history database (the same database).
import { resolve } from 'node:path';
import type { StorageConfig } from '../../domain/config.js';
import { MysqlRegistryStore } from './mysql-registry-store.js';
import type { RegistryStore } from './registry-store.js';
import { SqliteRegistryStore } from './sqlite-registry-store.js';

export function registryStoreFor(storage: StorageConfig): RegistryStore {
  return storage.driver === 'mysql' ? new MysqlRegistryStore(storage) : new SqliteRegistryStore(resolve(storage.path));
}
