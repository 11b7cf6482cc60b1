// The SQLite writer's side of the rollups: feeds samples to the accumulator, writes its
// deltas to rollup_minute and rollup_hour inside the batch's transaction, and after a
// crash or a rolled-back commit folds the raw rows the rollups miss back in.
import type Database from 'better-sqlite3';
import { hourOf, RollupAccumulator } from '../rollup/rollup-accumulator.js';
import {
  HOUR_COLUMNS,
  hourValues,
  ROLLUP_COLUMNS,
  rollupMergeSql,
  rollupValues,
  type RollupDelta,
} from '../rollup/rollup-row.js';
import { LAST_ROLLED_UP_SQL } from '../rollup/rollup-sql.js';
import { SQLITE_HAS_VALUE_SQL, valueFromCell, type RawCell, type ValueCell } from './value-cell.js';
import type { SqliteDatabase } from './sqlite-connection.js';

export class SqliteRollups {
  private readonly accumulator = new RollupAccumulator();
  private readonly deltas: RollupDelta[] = [];
  private readonly upsertHour: Database.Statement;
  /** Upserts a minute row if its hour row says the hour has minute rows. */
  private readonly upsertMinute: Database.Statement;
  private readonly setPendingSince: Database.Statement;
  private readonly getPendingSince: Database.Statement;
  private readonly lastWritten: Database.Statement;
  private readonly rawSince: Database.Statement;
  private readonly deviceIds: Database.Statement;
  private lastPendingSince: number | null | undefined = undefined;
  /** The accumulator lost its state (a rollback): recover before the next commit. */
  private needsRecovery = true;

  constructor(private readonly db: SqliteDatabase) {
    const merge = `ON CONFLICT (device_id, point_id, bucket) DO UPDATE SET ${rollupMergeSql('sqlite')}`;
    this.upsertHour = db.prepare(
      `INSERT INTO rollup_hour (${HOUR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${merge}`,
    );
    this.upsertMinute = db.prepare(
      `INSERT INTO rollup_minute (${ROLLUP_COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
       WHERE EXISTS (SELECT 1 FROM rollup_hour WHERE device_id = ? AND point_id = ? AND bucket = ? AND minute_rows = 1)
       ${merge}`,
    );
    this.setPendingSince = db.prepare('UPDATE rollup_state SET pending_since = ? WHERE id = 1');
    this.getPendingSince = db.prepare('SELECT pending_since FROM rollup_state WHERE id = 1').pluck();
    this.lastWritten = db.prepare(LAST_ROLLED_UP_SQL).pluck();
    this.rawSince = db
      .prepare(
        `SELECT point_id, received_at, value, raw_value FROM device_data
         WHERE device_id = ? AND received_at >= ? AND ${SQLITE_HAS_VALUE_SQL} ORDER BY received_at`,
      )
      .raw();
    this.deviceIds = db.prepare('SELECT id FROM devices').pluck();
  }

  /** Inside the batch's transaction. Call `recoverIfNeeded()` in the same transaction first. */
  add(deviceId: number, pointId: number, ts: number, value: number, stored: boolean): void {
    this.accumulator.add(deviceId, pointId, ts, value, stored, this.deltas);
  }

  /** Writes what must go with this commit, and where the unwritten samples start. */
  endOfCommit(): void {
    this.accumulator.endOfCommit(this.deltas);
    this.writeDeltas();
    this.notePendingSince();
  }

  /** Writes every pending delta (clean shutdown), in its own transaction. */
  drain(): void {
    this.db
      .transaction(() => {
        this.recoverIfNeeded();
        this.accumulator.drain(this.deltas);
        this.writeDeltas();
        this.notePendingSince();
      })
      .immediate();
  }

  /** The transaction rolled back: what the accumulator held may not match the database. */
  rolledBack(): void {
    this.accumulator.reset();
    this.deltas.length = 0;
    this.lastPendingSince = undefined;
    this.needsRecovery = true;
  }

  /**
   * After a start or a rollback: raw rows from `pending_since` on that the rollups do not
   * count yet (newer than their series' last written sample) are counted now.
   */
  recoverIfNeeded(): void {
    if (!this.needsRecovery) return;
    const since = this.getPendingSince.get() as number | null | undefined;
    if (since !== null && since !== undefined) {
      for (const deviceId of this.deviceIds.all() as number[]) this.recoverDevice(deviceId, since);
      this.accumulator.drain(this.deltas);
      this.writeDeltas();
    }
    this.notePendingSince();
    this.needsRecovery = false;
  }

  private recoverDevice(deviceId: number, since: number): void {
    const writtenThrough = new Map<number, number>();
    // all(), not iterate(): the connection cannot run lastWritten while a cursor is open.
    const rows = this.rawSince.all(deviceId, since) as [number, number, ValueCell, RawCell][];
    for (const [pointId, ts, cell, raw] of rows) {
      const value = valueFromCell(cell, raw);
      if (value === null) continue;
      let through = writtenThrough.get(pointId);
      if (through === undefined) {
        through = (this.lastWritten.get(deviceId, pointId) as number | undefined) ?? -Infinity;
        writtenThrough.set(pointId, through);
        this.accumulator.writtenThrough(deviceId, pointId, through);
      }
      if (ts > through) this.accumulator.add(deviceId, pointId, ts, value, true, this.deltas);
    }
  }

  private writeDeltas(): void {
    for (const delta of this.deltas) {
      const hour = hourOf(delta.minute);
      this.upsertHour.run(hourValues(delta, hour));
      this.upsertMinute.run(...rollupValues(delta, delta.minute), delta.deviceId, delta.pointId, hour);
    }
    this.deltas.length = 0;
  }

  private notePendingSince(): void {
    const since = this.accumulator.pendingSince();
    if (since === this.lastPendingSince) return;
    this.setPendingSince.run(since);
    this.lastPendingSince = since;
  }
}
