// The registry in the MySQL/MariaDB database of the history store, through a small pool of
// its own (operator edits and imports are rare).
import type { MysqlStorageConfig } from '../../domain/config.js';
import { MysqlStatements } from '../sql/mysql-statements.js';
import { SqlRegistryStore } from './registry-store.js';

export class MysqlRegistryStore extends SqlRegistryStore {
  constructor(config: MysqlStorageConfig) {
    super(new MysqlStatements(config, 'registry'));
  }

  protected upsertClause(columns: readonly string[]): string {
    return `ON DUPLICATE KEY UPDATE ${columns.map((c) => `${c} = VALUES(${c})`).join(', ')}`;
  }
}
