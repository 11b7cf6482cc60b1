// Alarms in the SQLite file of the history store, on a connection of their own. Alarm
// changes are rare (a rule firing or clearing, an operator's acknowledgement), never per sample.
import { SqliteStatements } from '../sql/sqlite-statements.js';
import { SqlAlarmStore } from './alarm-store.js';

export class SqliteAlarmStore extends SqlAlarmStore {
  protected readonly insertIgnore = 'INSERT OR IGNORE';

  constructor(path: string) {
    super(new SqliteStatements(path, 'alarm'));
  }
}
