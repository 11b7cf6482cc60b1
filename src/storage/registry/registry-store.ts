// Where the device registry lives: registry columns of `devices` (migration 009) in the
// history's database. The SQL is shared by SQLite and MySQL (`?` placeholders, the same
// columns); each dialect supplies how to run it and its upsert clause. The history store
// migrates the schema first, as for deliveries.
import type { RegistryEntry } from '../../domain/registry.js';
import { StatementStore, type SqlParam } from '../sql/statement-database.js';

export type RemoveOutcome = 'removed' | 'absent' | 'has_history';

export interface RegistryStore {
  start(): Promise<void>;
  close(): Promise<void>;
  /** Every device row's registry fields. */
  entries(): Promise<RegistryEntry[]>;
  /** Creates the device row (never connected) or updates its registry fields. */
  save(entry: RegistryEntry): Promise<void>;
  /** `save` for each, in one transaction. */
  saveAll(entries: readonly RegistryEntry[]): Promise<void>;
  /** Deletes the device row only when nothing refers to it: no data, heartbeats or connections. */
  remove(registrationId: string): Promise<RemoveOutcome>;
}

const FIELDS = [
  'name',
  'description',
  'location',
  'latitude',
  'longitude',
  'tags',
  'device_group',
  'profile_override',
  'enabled',
  'notes',
  'registry_updated_at',
] as const;

/** 12 parameters a row: well within SQLite's 32,766 and MySQL's 65,535 per statement. */
const ROWS_PER_STATEMENT = 200;

/** The device row's other columns for a device that has never connected. */
const NEVER_CONNECTED = "'', 0, 0, '', 0, 'offline', ''";
const BASE_COLUMNS = 'profile, first_seen, last_seen, last_ip, last_port, status, listener';

export abstract class SqlRegistryStore extends StatementStore implements RegistryStore {
  /** `ON CONFLICT … DO UPDATE SET` or `ON DUPLICATE KEY UPDATE`, setting each column to the new value. */
  protected abstract upsertClause(columns: readonly string[]): string;

  async entries(): Promise<RegistryEntry[]> {
    const rows = await this.runner().all(
      `SELECT registration_id, ${FIELDS.join(', ')} FROM devices ORDER BY registration_id`,
      [],
    );
    return rows.map(toEntry);
  }

  save(entry: RegistryEntry): Promise<void> {
    return this.saveAll([entry]);
  }

  async saveAll(entries: readonly RegistryEntry[]): Promise<void> {
    // Multi-row statements: a 10,000-device import is 50 round trips to MySQL, not 10,000.
    const statements: (readonly [string, SqlParam[]])[] = [];
    for (let i = 0; i < entries.length; i += ROWS_PER_STATEMENT) {
      const chunk = entries.slice(i, i + ROWS_PER_STATEMENT);
      statements.push([this.upsertSql(chunk.length), chunk.flatMap(params)]);
    }
    await this.runner().atomically(statements);
  }

  async remove(registrationId: string): Promise<RemoveOutcome> {
    // One statement, so nothing can refer to the row between the check and the delete.
    const removed = await this.runner().run(
      `DELETE FROM devices WHERE registration_id = ?
         AND NOT EXISTS (SELECT 1 FROM device_data WHERE device_id = devices.id)
         AND NOT EXISTS (SELECT 1 FROM heartbeat_log WHERE device_id = devices.id)
         AND NOT EXISTS (SELECT 1 FROM connection_history WHERE registration_id = ?)`,
      [registrationId, registrationId],
    );
    if (removed > 0) return 'removed';
    const rows = await this.runner().all('SELECT 1 AS found FROM devices WHERE registration_id = ?', [registrationId]);
    return rows.length > 0 ? 'has_history' : 'absent';
  }

  private upsertSql(rows: number): string {
    const row = `(?, ${NEVER_CONNECTED}, ${FIELDS.map(() => '?').join(', ')})`;
    return `INSERT INTO devices (registration_id, ${BASE_COLUMNS}, ${FIELDS.join(', ')})
      VALUES ${Array.from({ length: rows }, () => row).join(', ')} ${this.upsertClause(FIELDS)}`;
  }
}

function params(e: RegistryEntry): SqlParam[] {
  return [
    e.registrationId,
    e.name,
    e.description,
    e.location,
    e.latitude,
    e.longitude,
    e.tags.length > 0 ? JSON.stringify(e.tags) : null,
    e.group,
    e.profileOverride,
    e.enabled ? 1 : 0,
    e.notes,
    e.updatedAt,
  ];
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const number = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function tags(v: unknown): string[] {
  if (typeof v !== 'string' || v === '') return [];
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

function toEntry(r: Record<string, unknown>): RegistryEntry {
  return {
    registrationId: String(r['registration_id']),
    name: text(r['name']),
    description: text(r['description']),
    location: text(r['location']),
    latitude: number(r['latitude']),
    longitude: number(r['longitude']),
    tags: tags(r['tags']),
    group: text(r['device_group']),
    profileOverride: text(r['profile_override']),
    enabled: Number(r['enabled']) !== 0,
    notes: text(r['notes']),
    updatedAt: number(r['registry_updated_at']),
  };
}
