// Alarms in the MySQL/MariaDB database of the history store, through a small pool of their own.
import type { MysqlStorageConfig } from '../../domain/config.js';
import { MysqlStatements } from '../sql/mysql-statements.js';
import { SqlAlarmStore } from './alarm-store.js';

export class MysqlAlarmStore extends SqlAlarmStore {
  protected readonly insertIgnore = 'INSERT IGNORE';

  constructor(config: MysqlStorageConfig) {
    super(new MysqlStatements(config, 'alarm'));
  }
}
