// Brings a SQLite database up to the newest schema: each pending migration in its own
// transaction (SQLite DDL is transactional), recorded in schema_version.
import { systemClock, type Clock } from '../../clock.js';
import { schemaTooNew } from '../errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, SCHEMA_VERSION_TABLE, type Migration } from '../migrations/index.js';
import type Database from 'better-sqlite3';
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
  if (pending.length === 0) return { from, to: from, applied };
  // A migration that rebuilds a table copies it in its new key's order: with temp_store =
  // MEMORY (the writer's setting) that sort would hold a whole device's rows in memory
  // (about 1 GB for 8 dense points kept 2 years). In temporary files it stays in the cache.
  const tempStore = db.pragma('temp_store', { simple: true }) as number;
  db.pragma('temp_store = FILE');
  try {
    applyMigrations(db, pending, record, applied, clock);
  } finally {
    db.pragma(`temp_store = ${tempStore}`);
  }
  return { from, to: pending.at(-1)!.version, applied };
}

function applyMigrations(
  db: SqliteDatabase,
  pending: readonly Migration[],
  record: Database.Statement,
  applied: string[],
  clock: Clock,
): void {
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
}
