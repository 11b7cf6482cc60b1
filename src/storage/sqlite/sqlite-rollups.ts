// The SQLite writer's side of the rollups: feeds samples to the accumulator, writes its
// deltas to rollup_minute and rollup_hour inside the batch's transaction, and after a
// crash or a rolled-back commit folds the raw rows the rollups miss back in.
import type Database from 'better-sqlite3';
import { hourOf, RollupAccumulator } from '../rollup/rollup-accumulator.js';
import {
  ROLLUP_COLUMNS,
  ROLLUP_TABLE,
  rollupMergeSql,
  rollupValues,
  type RollupDelta,
  type RollupTier,
} from '../rollup/rollup-row.js';
import type { SqliteDatabase } from './sqlite-connection.js';

export class SqliteRollups {
  private readonly accumulator = new RollupAccumulator();
  private readonly deltas: RollupDelta[] = [];
  private readonly upsert: Record<RollupTier, Database.Statement>;
  private readonly setPendingSince: Database.Statement;
  private readonly getPendingSince: Database.Statement;
  private readonly lastWritten: Database.Statement;
  private readonly rawSince: Database.Statement;
  private readonly deviceIds: Database.Statement;
  private lastPendingSince: number | null | undefined = undefined;
  /** The accumulator lost its state (a rollback): recover before the next commit. */
  private needsRecovery = true;

  constructor(private readonly db: SqliteDatabase) {
    const upsert = (tier: RollupTier) =>
      db.prepare(
        `INSERT INTO ${ROLLUP_TABLE[tier]} (${ROLLUP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (device_id, point_id, bucket) DO UPDATE SET ${rollupMergeSql('sqlite')}`,
      );
    this.upsert = { minute: upsert('minute'), hour: upsert('hour') };
    this.setPendingSince = db.prepare('UPDATE rollup_state SET pending_since = ? WHERE id = 1');
    this.getPendingSince = db.prepare('SELECT pending_since FROM rollup_state WHERE id = 1').pluck();
    this.lastWritten = db
      .prepare('SELECT last_at FROM rollup_minute WHERE device_id = ? AND point_id = ? ORDER BY bucket DESC LIMIT 1')
      .pluck();
    this.rawSince = db
      .prepare(
        `SELECT point_id, received_at, value FROM device_data
         WHERE device_id = ? AND received_at >= ? AND value IS NOT NULL ORDER BY received_at`,
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
    for (const [pointId, ts, value] of this.rawSince.all(deviceId, since) as [number, number, number][]) {
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
      this.upsert.minute.run(rollupValues(delta, delta.minute));
      this.upsert.hour.run(rollupValues(delta, hourOf(delta.minute)));
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
