// The MySQL writer's side of the rollups, as sqlite-rollups.ts is for SQLite: feeds samples
// to the accumulator, writes its deltas to rollup_minute and rollup_hour in the batch's
// transaction, and after a start or a rolled-back commit folds the raw rows the rollups
// miss back in.
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { hourOf, RollupAccumulator } from '../rollup/rollup-accumulator.js';
import {
  HOUR_COLUMNS,
  hourValues,
  ROLLUP_COLUMNS,
  rollupMergeSql,
  rollupValues,
  type RollupDelta,
} from '../rollup/rollup-row.js';
import { HAS_VALUE_SQL } from '../rollup/rollup-sql.js';
import { valueFromColumns } from '../raw-value.js';

/** Deltas per multi-row upsert. */
const ROWS_PER_UPSERT = 500;

export class MysqlRollups {
  private readonly accumulator = new RollupAccumulator();
  private readonly deltas: RollupDelta[] = [];
  private lastPendingSince: number | null | undefined = undefined;
  private needsRecovery = true;
  /** Bumped by every reset. */
  private generation = 0;

  add(deviceId: number, pointId: number, ts: number, value: number, stored: boolean): void {
    this.accumulator.add(deviceId, pointId, ts, value, stored, this.deltas);
  }

  /**
   * Inside the batch's transaction, before its rows: counts what a crash left out. `live`
   * throws once the caller's attempt is abandoned; it is called after every wait, before the
   * accumulator changes.
   */
  async recoverIfNeeded(c: PoolConnection, live: () => void): Promise<void> {
    if (!this.needsRecovery) return;
    const [[state]] = await c.query<RowDataPacket[]>('SELECT pending_since FROM rollup_state WHERE id = 1');
    const since = state?.['pending_since'] as number | string | null | undefined;
    if (since !== null && since !== undefined) {
      const [devices] = await c.query<RowDataPacket[]>('SELECT id FROM devices');
      for (const { id } of devices) await this.recoverDevice(c, Number(id), Number(since), live);
      live();
      this.accumulator.drain(this.deltas);
    }
    await this.writeDeltas(c);
    await this.notePendingSince(c);
    live();
    this.needsRecovery = false;
  }

  /** Writes what must go with this commit, and where the unwritten samples start. */
  async endOfCommit(c: PoolConnection, live: () => void): Promise<void> {
    live();
    this.accumulator.endOfCommit(this.deltas);
    await this.writeDeltas(c);
    await this.notePendingSince(c);
  }

  /** Every pending delta (clean shutdown), inside the caller's transaction. */
  async drain(c: PoolConnection, live: () => void): Promise<void> {
    await this.recoverIfNeeded(c, live);
    live();
    this.accumulator.drain(this.deltas);
    await this.writeDeltas(c);
    await this.notePendingSince(c);
  }

  rolledBack(): void {
    this.generation++;
    this.accumulator.reset();
    this.deltas.length = 0;
    this.lastPendingSince = undefined;
    this.needsRecovery = true;
  }

  private async recoverDevice(c: PoolConnection, deviceId: number, since: number, live: () => void): Promise<void> {
    const [rows] = await c.query<RowDataPacket[]>({
      sql: `SELECT point_id, received_at, value, raw_value, quality FROM device_data
            WHERE device_id = ? AND received_at >= ? AND ${HAS_VALUE_SQL} ORDER BY received_at`,
      values: [deviceId, since],
      rowsAsArray: true,
    });
    if (rows.length === 0) return;
    const pointIds = [...new Set((rows as unknown as unknown[][]).map((r) => Number(r[0])))];
    // Each series' newest hour row (every delta reaches the hour rows, not every one the
    // minute rows), for all the device's points in one round trip: a query per point made
    // the first commit after an outage take seconds with a few thousand series.
    const [lasts] = await c.query<RowDataPacket[]>(
      `SELECT r.point_id, r.last_at FROM rollup_hour r
       JOIN (SELECT point_id, MAX(bucket) AS bucket FROM rollup_hour
             WHERE device_id = ? AND point_id IN (?) GROUP BY point_id) m
         ON r.point_id = m.point_id AND r.bucket = m.bucket
       WHERE r.device_id = ?`,
      [deviceId, pointIds, deviceId],
    );
    live();
    const newest = new Map(lasts.map((r) => [Number(r['point_id']), Number(r['last_at'])]));
    const writtenThrough = new Map<number, number>();
    for (const pointId of pointIds) {
      const through = newest.get(pointId) ?? -Infinity;
      writtenThrough.set(pointId, through);
      this.accumulator.writtenThrough(deviceId, pointId, through);
    }
    for (const [pointId, ts, stored, raw, quality] of rows as unknown as [number, number, unknown, Buffer, number][]) {
      const t = Number(ts);
      const value = valueFromColumns(stored === null ? null : Number(stored), raw, Number(quality));
      if (value !== null && t > writtenThrough.get(Number(pointId))!)
        this.accumulator.add(deviceId, Number(pointId), t, value, true, this.deltas);
    }
  }

  /**
   * Hour rows first: the one a delta creates decides whether its hour has minute rows
   * (hourValues); then the minute rows of the deltas whose hour has them.
   */
  private async writeDeltas(c: PoolConnection): Promise<void> {
    if (this.deltas.length === 0) return;
    const deltas = this.deltas.splice(0);
    const merge = `ON DUPLICATE KEY UPDATE ${rollupMergeSql('mysql')}`;
    for (let i = 0; i < deltas.length; i += ROWS_PER_UPSERT) {
      const chunk = deltas.slice(i, i + ROWS_PER_UPSERT);
      // Several deltas of one row in one statement apply one after another, as separate upserts would.
      await c.query(`INSERT INTO rollup_hour (${HOUR_COLUMNS}) VALUES ? ${merge}`, [
        chunk.map((d) => hourValues(d, hourOf(d.minute))),
      ]);
      const sparse = await this.hoursWithoutMinutes(c, chunk);
      const dense = chunk.filter((d) => !sparse.has(`${d.deviceId}/${d.pointId}/${hourOf(d.minute)}`));
      if (dense.length === 0) continue;
      await c.query(`INSERT INTO rollup_minute (${ROLLUP_COLUMNS}) VALUES ? ${merge}`, [
        dense.map((d) => rollupValues(d, d.minute)),
      ]);
    }
  }

  /** `device/point/hour` of the deltas' hours that have no minute rows. */
  private async hoursWithoutMinutes(c: PoolConnection, deltas: readonly RollupDelta[]): Promise<Set<string>> {
    const keys = [...new Set(deltas.map((d) => `${d.deviceId}/${d.pointId}/${hourOf(d.minute)}`))];
    const [rows] = await c.query<RowDataPacket[]>({
      sql: `SELECT device_id, point_id, bucket FROM rollup_hour
            WHERE minute_rows = 0 AND (${keys.map(() => '(device_id = ? AND point_id = ? AND bucket = ?)').join(' OR ')})`,
      values: keys.flatMap((k) => k.split('/').map(Number)),
      rowsAsArray: true,
    });
    return new Set((rows as unknown as unknown[][]).map((r) => r.map(Number).join('/')));
  }

  private async notePendingSince(c: PoolConnection): Promise<void> {
    const since = this.accumulator.pendingSince();
    if (since === this.lastPendingSince) return;
    const generation = this.generation;
    await c.query('UPDATE rollup_state SET pending_since = ? WHERE id = 1', [since]);
    // Not if the state was reset meanwhile (an abandoned commit finishing late).
    if (generation === this.generation) this.lastPendingSince = since;
  }
}
