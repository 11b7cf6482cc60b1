// The contract every history store keeps, whichever database is behind it: one set of
// tests, declared here once and run by store-contract.<store>.test.ts against SQLite and
// against the real MariaDB. A store is built the way the app builds it
// (createHistoryStore); where a test must see the database itself, it reads rows with
// plain SQL that both dialects accept, through the target's rawQuery.
import { afterEach, beforeEach, describe } from 'vitest';
import type { RetentionConfig, StorageConfig, WriteBufferConfig } from '../../../src/domain/config.js';
import type { Sample } from '../../../src/domain/point.js';
import { silentLogger } from '../../../src/log.js';
import { createHistoryStore, type HistoryStore } from '../../../src/storage/index.js';
import { valueFromColumns } from '../../../src/storage/raw-value.js';
import { sqliteRowSql, sqliteTextJoin, withSqliteValue } from '../../helpers/sqlite-row-sql.js';
import { KEEP_EVERYTHING } from './history-fixture.js';
import { declareEventContract } from './store-contract-events.js';
import { declareLiveRetentionContract } from './store-contract-live-retention.js';
import { declareQueryContract } from './store-contract-queries.js';
import { declareRollupContract } from './store-contract-rollups.js';
import { declareWritingContract } from './store-contract-writing.js';

export type SqlRow = Record<string, unknown>;

/**
 * MySQL: a device_data row's text, raw value and quality as the API gives them, in plain SQL
 * (migration 006: bytes, or UTF-8 text when quality has bit 128; quality 0 is good).
 */
const MYSQL_ROW_SQL = `x.text_value AS text,
  CASE WHEN x.quality & 128 = 0 THEN LOWER(HEX(x.raw_value)) ELSE CONVERT(x.raw_value USING utf8mb4) END AS raw,
  CASE WHEN x.quality < 256 THEN 'good' ELSE x.quality END AS quality, x.value, x.raw_value AS rawBytes, x.quality AS q`;

/** Every stored sample of the database, in plain SQL of its dialect (SQLite: test/helpers/sqlite-row-sql.ts). */
function storedSamplesSql(driver: StorageConfig['driver']): string {
  const columns = driver === 'mysql' ? MYSQL_ROW_SQL : sqliteRowSql('x', 't');
  return `SELECT d.registration_id AS deviceId, p.name AS point, s.slave, s.address, ${columns}, x.received_at AS ts
    FROM device_data x JOIN devices d ON d.id = x.device_id JOIN point_names p ON p.id = x.point_id
      JOIN point_sources s ON s.device_id = x.device_id AND s.point_id = x.point_id
      ${driver === 'mysql' ? '' : sqliteTextJoin('x', 't')}
    ORDER BY d.registration_id, x.received_at, p.name`;
}

/** A row of storedSamplesSql with its value: stored, or decoded from the raw bytes. */
function withValue(driver: StorageConfig['driver'], row: SqlRow): SqlRow {
  if (driver !== 'mysql') return withSqliteValue(row as SqlRow & { cell: unknown; rawCell: unknown });
  const { rawBytes, q, ...rest } = row;
  return { ...rest, value: valueFromColumns(rest['value'] as number | null, rawBytes as Uint8Array, Number(q)) };
}

/** One empty database for one test, and the means to look into it. */
export interface StoreTarget {
  readonly storage: StorageConfig;
  /** What `health().where` must say for this database. */
  readonly where: string;
  /** Rows of a plain SQL query on the database, as plain objects (numbers as numbers). */
  rawQuery(sql: string): Promise<SqlRow[]>;
  /** Drops the database (the stores opened on it are stopped first). */
  cleanup(): Promise<void>;
}

export interface StoreOverrides {
  readonly writeBuffer?: Partial<WriteBufferConfig>;
  readonly retention?: Partial<RetentionConfig>;
}

/** What each contract test gets: stores on this test's database, and plain SQL into it. */
export interface ContractContext {
  readonly driver: StorageConfig['driver'];
  /** Builds and starts a store on this test's database; every call opens the same database. */
  open(overrides?: StoreOverrides): Promise<HistoryStore>;
  rawQuery(sql: string): Promise<SqlRow[]>;
  /** The storage section of this test's database (for stores beside the history, e.g. webhook deliveries). */
  storage(): StorageConfig;
  /** Every device_data row in the database, as samples, by device, time and point name. */
  storedSamples(): Promise<Sample[]>;
  /** Rows of one table in the database. */
  rowCount(table: string): Promise<number>;
  where(): string;
}

/** Small buffers that never flush by themselves unless a test asks; nothing expires. */
const WRITE_BUFFER: WriteBufferConfig = {
  maxRows: 1000,
  flushIntervalMs: 60_000,
  idleFlushDelayMs: 60_000,
  maxPendingRows: 100_000,
};

export function describeStoreContract(driver: StorageConfig['driver'], createTarget: () => Promise<StoreTarget>): void {
  describe(`history store contract (${driver})`, () => {
    let target: StoreTarget | null = null;
    const opened: HistoryStore[] = [];

    beforeEach(async () => {
      target = await createTarget();
    });
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.stop();
      await target?.cleanup();
      target = null;
    });

    const current = (): StoreTarget => {
      if (!target) throw new Error('no store target: used outside a test');
      return target;
    };
    const context: ContractContext = {
      driver,
      async open(overrides = {}) {
        const store = createHistoryStore(
          {
            storage: current().storage,
            writeBuffer: { ...WRITE_BUFFER, ...overrides.writeBuffer },
            retention: { ...KEEP_EVERYTHING, ...overrides.retention },
          },
          silentLogger(),
        );
        await store.start();
        opened.push(store);
        return store;
      },
      rawQuery: (sql) => current().rawQuery(sql),
      storage: () => current().storage,
      async storedSamples() {
        const rows = await current().rawQuery(storedSamplesSql(driver));
        return rows.map((row) => withValue(driver, row)) as unknown as Sample[];
      },
      async rowCount(table) {
        const [row] = await current().rawQuery(`SELECT COUNT(*) AS n FROM ${table}`);
        return Number(row?.['n']);
      },
      where: () => current().where,
    };

    declareQueryContract(context);
    declareWritingContract(context);
    declareEventContract(context);
    declareRollupContract(context);
    declareLiveRetentionContract(context);
  });
}
