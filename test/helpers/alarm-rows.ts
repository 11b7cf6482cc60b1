// The rows of the `alarms` table of a test app's SQLite file, by plain SQL: what the
// database itself holds after the API or the UI changed an alarm.
import Database from 'better-sqlite3';
import type { Harness } from './app-harness.js';

export function alarmRows(h: Harness): Record<string, unknown>[] {
  const storage = h.config.server.storage;
  if (storage.driver !== 'sqlite') throw new Error('expected the SQLite store');
  const db = new Database(storage.path, { readonly: true });
  try {
    return db.prepare('SELECT * FROM alarms ORDER BY raised_at').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}
