// A numbered schema migration. Both stores apply the same list in order, each migration in
// one transaction, and record it in `schema_version`; the SQL may differ per dialect but the
// tables, columns and their meaning may not, with one exception: since 014 SQLite's
// device_data holds a row's value, raw value and quality in two columns and its text in
// device_text, where MySQL keeps schema 13's columns (storage/sqlite/value-cell.ts).

export type Dialect = 'sqlite' | 'mysql';

export interface Migration {
  /** 1, 2, 3, …: strictly increasing, never reused or edited once released. */
  readonly version: number;
  readonly name: string;
  statements(dialect: Dialect): readonly string[];
}

/** Created before any migration runs; identical in both dialects. */
export const SCHEMA_VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER NOT NULL PRIMARY KEY,
  name VARCHAR(128) NOT NULL,
  applied_at BIGINT NOT NULL
)`;
