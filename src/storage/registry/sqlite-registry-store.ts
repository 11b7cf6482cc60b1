// The registry in the SQLite file of the history store, on a connection of its own.
import { SqliteStatements } from '../sql/sqlite-statements.js';
import { SqlRegistryStore } from './registry-store.js';

export class SqliteRegistryStore extends SqlRegistryStore {
  constructor(path: string) {
    super(new SqliteStatements(path, 'registry'));
  }

  protected upsertClause(columns: readonly string[]): string {
    return `ON CONFLICT (registration_id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  }
}
