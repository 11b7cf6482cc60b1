// Retention for SQLite: delete rows past their age limit and cap raw_packets, a few
// thousand rows per statement with a pause between statements, so the write lock is never
// held long and batch commits interleave with a large sweep.
//
// device_data is clustered by (device_id, received_at, point_id) and rollup_minute by
// (device_id, bucket, point_id), so each device's old rows are the front of its key range
// (device-front-sweep.ts). A text point's text (device_text, migration 014) is keyed like its
// row and deleted with it, by the same range. rollup_hour is clustered by series: a series'
// old hours are the front of its range.
//
// The other tables are walked by primary key from the oldest row. Ids follow insertion
// order and rows are inserted in receive order, so the old rows are at the front; the walk
// stops at the first chunk with nothing old in it. A row inserted long after its timestamp
// (not something the gateway does) waits until the rows in front of it expire.
import type { RetentionConfig } from '../../domain/config.js';
import type { RetentionReport } from '../history.js';
import type Database from 'better-sqlite3';
import { APPLIED_BATCH_KEEP_MS } from '../migrations/002_applied_batches.js';
import { sweepRetention, type AgedTable } from '../retention-sweep.js';
import { ROLLUP_TABLE, type RollupTier } from '../rollup/rollup-row.js';
import type { SqliteDatabase } from './sqlite-connection.js';
import { DeviceFrontSweep, startDeviceWalk } from './device-front-sweep.js';

export const RETENTION_CHUNK_ROWS = 5000;
/** Series (device, point) cleared per hour-rollup transaction. */
const SERIES_PER_CHUNK = 100;

const TIME_COLUMN: Record<AgedTable, string> = {
  heartbeat_log: 'at',
  connection_history: 'at',
  raw_packets: 'at',
};

interface ChunkSummary {
  readonly last: number | null;
  readonly rows: number;
  readonly old: number | null;
}

interface TableStatements {
  readonly summarise: Database.Statement;
  readonly delete: Database.Statement;
}

/** The last series an hour-rollup sweep finished. */
interface SeriesWalk {
  deviceId: number;
  pointId: number;
  done: boolean;
}

export class SqliteRetention {
  private readonly statements = new Map<AgedTable, TableStatements>();
  private readonly maxRawPacketId: Database.Statement;
  private readonly deleteRawPacketsUpTo: Database.Statement;
  private readonly dataSweep: DeviceFrontSweep;
  private readonly minuteSweep: DeviceFrontSweep;
  private readonly deleteHourChunk: (walk: SeriesWalk, cutoff: number) => number;
  private readonly deleteAppliedBatches: Database.Statement;
  private readonly nextHourSeries: Database.Statement;
  private readonly deleteSeriesHours: Database.Statement;
  private readonly deleteEvents: Database.Statement;
  private readonly deleteFinishedDeliveries: Database.Statement;

  constructor(
    db: SqliteDatabase,
    private config: RetentionConfig,
    private readonly chunkRows: number = RETENTION_CHUNK_ROWS,
  ) {
    for (const table of Object.keys(TIME_COLUMN) as AgedTable[]) {
      const time = TIME_COLUMN[table];
      this.statements.set(table, {
        summarise: db.prepare(
          `SELECT MAX(id) AS last, COUNT(*) AS rows, SUM(${time} < ?) AS old
           FROM (SELECT id, ${time} FROM ${table} WHERE id > ? ORDER BY id LIMIT ?)`,
        ),
        delete: db.prepare(`DELETE FROM ${table} WHERE id > ? AND id <= ? AND ${time} < ?`),
      });
    }
    // device_data first: its count is the rows deleted.
    this.dataSweep = new DeviceFrontSweep(db, ['device_data', 'device_text'], 'received_at', chunkRows);
    this.minuteSweep = new DeviceFrontSweep(db, [ROLLUP_TABLE.minute], 'bucket', chunkRows);
    // rollup_hour is clustered by (device, point, bucket): a series' old rows are the front of its range.
    this.nextHourSeries = db.prepare(
      `SELECT device_id, point_id FROM ${ROLLUP_TABLE.hour} WHERE (device_id, point_id) > (?, ?)
       ORDER BY device_id, point_id LIMIT 1`,
    );
    this.deleteSeriesHours = db.prepare(
      `DELETE FROM ${ROLLUP_TABLE.hour} WHERE device_id = ? AND point_id = ? AND bucket < ?`,
    );
    this.deleteHourChunk = db.transaction((walk: SeriesWalk, cutoff: number) =>
      this.deleteHourRows(walk, cutoff),
    ).immediate;
    this.deleteAppliedBatches = db.prepare(
      'DELETE FROM applied_batches WHERE id IN (SELECT id FROM applied_batches WHERE applied_at < ? LIMIT ?)',
    );
    // Events and finished webhook deliveries follow connection history's age limit (by their time indexes).
    this.deleteEvents = db.prepare(
      'DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE at < ? ORDER BY at LIMIT ?)',
    );
    this.deleteFinishedDeliveries = db.prepare(
      `DELETE FROM webhook_deliveries WHERE rowid IN
         (SELECT rowid FROM webhook_deliveries WHERE created_at < ? AND status <> 'pending' ORDER BY created_at LIMIT ?)`,
    );
    this.maxRawPacketId = db.prepare('SELECT MAX(id) FROM raw_packets').pluck();
    this.deleteRawPacketsUpTo = db.prepare(
      'DELETE FROM raw_packets WHERE id IN (SELECT id FROM raw_packets WHERE id <= ? ORDER BY id LIMIT ?)',
    );
  }

  /** server.yml reloaded: the next sweep keeps to these limits (a sweep under way keeps its own). */
  use(config: RetentionConfig): void {
    this.config = config;
  }

  /**
   * One sweep. `pause` is awaited between statements (the worker passes setImmediate so
   * queued batches commit in between); `stopping` ends the sweep early on shutdown.
   */
  async sweep(
    now: number,
    pause: () => Promise<void>,
    stopping: () => boolean = () => false,
  ): Promise<RetentionReport> {
    const config = this.config;
    return sweepRetention(config, {
      deleteOldData: (maxAgeMs) => this.sweepDeviceFronts(this.dataSweep, maxAgeMs, now, pause, stopping),
      deleteOldRollups: (tier, maxAgeMs) => this.deleteOldRollups(tier, maxAgeMs, now, pause, stopping),
      deleteOlderThan: (table, maxAgeMs) => this.deleteOlderThan(table, maxAgeMs, now, pause, stopping),
      capRawPackets: () => this.capRawPackets(config.rawPacketsMaxRows, pause, stopping),
      forgetAppliedBatches: () => this.forgetAppliedBatches(now, pause, stopping),
      forgetEvents: async (maxAgeMs) => {
        for (const statement of [this.deleteEvents, this.deleteFinishedDeliveries]) {
          while (!stopping() && statement.run(now - maxAgeMs, this.chunkRows).changes >= this.chunkRows) await pause();
        }
      },
    });
  }

  /** Deletes rows older than maxAgeMs (0 keeps forever) from a table keyed (device, time, point). */
  private async sweepDeviceFronts(
    sweep: DeviceFrontSweep,
    maxAgeMs: number,
    now: number,
    pause: () => Promise<void>,
    stopping: () => boolean,
  ): Promise<number> {
    if (maxAgeMs <= 0) return 0;
    const cutoff = now - maxAgeMs;
    const walk = startDeviceWalk();
    let deleted = 0;
    while (!stopping()) {
      deleted += sweep.chunk(walk, cutoff);
      if (walk.done) break;
      await pause();
    }
    return deleted;
  }

  private async deleteOldRollups(
    tier: RollupTier,
    maxAgeMs: number,
    now: number,
    pause: () => Promise<void>,
    stopping: () => boolean,
  ): Promise<number> {
    if (tier === 'minute') return this.sweepDeviceFronts(this.minuteSweep, maxAgeMs, now, pause, stopping);
    if (maxAgeMs <= 0) return 0; // 0 keeps forever
    const walk: SeriesWalk = { deviceId: Number.MIN_SAFE_INTEGER, pointId: 0, done: false };
    let deleted = 0;
    while (!stopping() && !walk.done) {
      deleted += this.deleteHourChunk(walk, now - maxAgeMs);
      await pause();
    }
    return deleted;
  }

  /** Clears up to SERIES_PER_CHUNK series' old hour rows, in one transaction. */
  private deleteHourRows(walk: SeriesWalk, cutoff: number): number {
    let deleted = 0;
    for (let n = 0; n < SERIES_PER_CHUNK; n++) {
      const series = this.nextHourSeries.get(walk.deviceId, walk.pointId) as
        { device_id: number; point_id: number } | undefined;
      if (!series) {
        walk.done = true;
        break;
      }
      walk.deviceId = series.device_id;
      walk.pointId = series.point_id;
      deleted += this.deleteSeriesHours.run(series.device_id, series.point_id, cutoff).changes;
    }
    return deleted;
  }

  private async deleteOlderThan(
    table: AgedTable,
    maxAgeMs: number,
    now: number,
    pause: () => Promise<void>,
    stopping: () => boolean,
  ): Promise<number> {
    if (maxAgeMs <= 0) return 0; // 0 keeps forever
    const cutoff = now - maxAgeMs;
    const { summarise, delete: remove } = this.statements.get(table)!;
    let after = 0;
    let deleted = 0;
    while (!stopping()) {
      const chunk = summarise.get(cutoff, after, this.chunkRows) as ChunkSummary;
      if (chunk.rows === 0 || chunk.last === null || !chunk.old) break;
      deleted += remove.run(after, chunk.last, cutoff).changes;
      if (chunk.rows < this.chunkRows) break;
      after = chunk.last;
      await pause();
    }
    return deleted;
  }

  private async forgetAppliedBatches(now: number, pause: () => Promise<void>, stopping: () => boolean): Promise<void> {
    while (!stopping()) {
      if (this.deleteAppliedBatches.run(now - APPLIED_BATCH_KEEP_MS, this.chunkRows).changes < this.chunkRows) break;
      await pause();
    }
  }

  /** Keeps the newest `rawPacketsMaxRows` packets by id (0: no cap). */
  private async capRawPackets(cap: number, pause: () => Promise<void>, stopping: () => boolean): Promise<number> {
    if (cap <= 0) return 0;
    const maxId = this.maxRawPacketId.get() as number | null;
    if (maxId === null || maxId <= cap) return 0;
    // Ids are unique, so at most `cap` rows can have an id above maxId - cap.
    const keepAbove = maxId - cap;
    let deleted = 0;
    while (!stopping()) {
      const changes = this.deleteRawPacketsUpTo.run(keepAbove, this.chunkRows).changes;
      deleted += changes;
      if (changes < this.chunkRows) break;
      await pause();
    }
    return deleted;
  }
}
