// Deletes the old rows of tables clustered by (device_id, time, point): device_data (with
// device_text, keyed like it) by received_at, and rollup_minute by bucket (migration 015).
// Each device's old rows are the front of its key range, so the sweep visits the devices in
// id order and deletes from the front of each, several devices per transaction, until a
// chunk's worth of rows is gone. No time index is needed, which would cost every insert.
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from './sqlite-connection.js';

/** Devices looked at per transaction, so a sweep with little to delete still pauses. */
const DEVICES_PER_CHUNK = 500;

/** Where a sweep has got to: the device being cleared, or the last one done. */
export interface DeviceWalk {
  device: number | null;
  after: number;
  done: boolean;
}

export function startDeviceWalk(): DeviceWalk {
  return { device: null, after: Number.MIN_SAFE_INTEGER, done: false };
}

interface FrontKey {
  readonly ts: number;
  readonly pointId: number;
}

export class DeviceFrontSweep {
  private readonly nextDevice: Database.Statement;
  private readonly chunkEnd: Database.Statement;
  private readonly deleteUpTo: Database.Statement[];
  private readonly deleteBefore: Database.Statement[];
  /** Deletes up to chunkRows old rows, device after device, in one transaction; the rows deleted from the first table. */
  readonly chunk: (walk: DeviceWalk, cutoff: number) => number;

  /** `tables` share the key (device_id, `time`, point_id); the first one's rows are counted. */
  constructor(
    db: SqliteDatabase,
    tables: readonly [string, ...string[]],
    time: string,
    private readonly chunkRows: number,
  ) {
    const [first] = tables;
    // Every statement is a seek or a short range of the primary key.
    this.nextDevice = db.prepare(`SELECT MIN(device_id) FROM ${first} WHERE device_id > ?`).pluck();
    this.chunkEnd = db.prepare(
      `SELECT ${time} AS ts, point_id AS pointId FROM ${first} WHERE device_id = ? AND ${time} < ?
       ORDER BY ${time}, point_id LIMIT 1 OFFSET ?`,
    );
    this.deleteUpTo = tables.map((table) =>
      db.prepare(`DELETE FROM ${table} WHERE device_id = ? AND (${time}, point_id) <= (?, ?)`),
    );
    this.deleteBefore = tables.map((table) => db.prepare(`DELETE FROM ${table} WHERE device_id = ? AND ${time} < ?`));
    this.chunk = db.transaction((walk: DeviceWalk, cutoff: number) => this.deleteRows(walk, cutoff)).immediate;
  }

  private deleteRows(walk: DeviceWalk, cutoff: number): number {
    let budget = this.chunkRows;
    let devices = 0;
    while (budget > 0) {
      if (walk.device === null) {
        if (++devices > DEVICES_PER_CHUNK) break;
        walk.device = this.nextDevice.get(walk.after) as number | null;
        if (walk.device === null) {
          walk.done = true;
          break;
        }
      }
      // The budget-th old row of this device, if it has that many: delete up to it.
      const end = this.chunkEnd.get(walk.device, cutoff, budget - 1) as FrontKey | undefined;
      if (end) {
        budget -= deleteAll(this.deleteUpTo, walk.device, end.ts, end.pointId);
      } else {
        budget -= deleteAll(this.deleteBefore, walk.device, cutoff);
        walk.after = walk.device;
        walk.device = null;
      }
    }
    return this.chunkRows - budget;
  }
}

/** Runs each DELETE with the same parameters; the rows the first one deleted. */
function deleteAll(statements: readonly Database.Statement[], ...params: unknown[]): number {
  const [first, ...rest] = statements;
  const deleted = first!.run(...params).changes;
  for (const statement of rest) statement.run(...params);
  return deleted;
}
