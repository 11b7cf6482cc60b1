// Picks the alarm store for the configured history database (the same database).
import { resolve } from 'node:path';
import type { StorageConfig } from '../../domain/config.js';
import type { AlarmStore } from './alarm-store.js';
import { MysqlAlarmStore } from './mysql-alarm-store.js';
import { SqliteAlarmStore } from './sqlite-alarm-store.js';

export function alarmStoreFor(storage: StorageConfig): AlarmStore {
  return storage.driver === 'mysql' ? new MysqlAlarmStore(storage) : new SqliteAlarmStore(resolve(storage.path));
}
