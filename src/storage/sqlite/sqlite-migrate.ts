// Brings a SQLite database up to the newest schema: each pending migration in its own
// transaction (SQLite DDL is transactional), recorded in schema_version.
import { systemClock, type Clock } from '../../clock.js';
import { schemaTooNew } from '../errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, SCHEMA_VERSION_TABLE, type Migration } from '../migrations/index.js';
import type { SqliteDatabase } from './sqlite-connection.js';

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly string[];
}

export function schemaVersion(db: SqliteDatabase): number {
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: number | null };
  return row.version ?? 0;
}

export function migrateSqlite(
  db: SqliteDatabase,
  where: string,
  migrations: readonly Migration[] = MIGRATIONS,
  clock: Clock = systemClock,
): MigrationResult {
  db.exec(SCHEMA_VERSION_TABLE);
  const from = schemaVersion(db);
  const known = migrations === MIGRATIONS ? LATEST_SCHEMA_VERSION : Math.max(0, ...migrations.map((m) => m.version));
  if (from > known) throw schemaTooNew(where, from, known);

  const record = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: string[] = [];
  const pending = migrations.filter((m) => m.version > from).sort((a, b) => a.version - b.version);
  for (const migration of pending) {
    // IMMEDIATE takes the write lock before re-reading the version, so two processes
    // opening a fresh file at once cannot both apply the same migration.
    const done = db
      .transaction(() => {
        if (schemaVersion(db) >= migration.version) return false;
        for (const sql of migration.statements('sqlite')) db.exec(sql);
        record.run(migration.version, migration.name, clock.now());
        return true;
      })
      .immediate();
    if (done) applied.push(`${String(migration.version).padStart(3, '0')}_${migration.name}`);
  }
  return { from, to: pending.at(-1)?.version ?? from, applied };
}
