// Picks the webhook delivery store for the configured history database: deliveries live
// beside the history, so a restart or a failover keeps the queue.
import { resolve } from 'node:path';
import type { StorageConfig } from '../../domain/config.js';
import type { DeliveryStore } from './delivery-store.js';
import { MysqlDeliveryStore } from './mysql-delivery-store.js';
import { SqliteDeliveryStore } from './sqlite-delivery-store.js';

export function deliveryStoreFor(storage: StorageConfig): DeliveryStore {
  return storage.driver === 'mysql' ? new MysqlDeliveryStore(storage) : new SqliteDeliveryStore(resolve(storage.path));
}
