// Retention for MySQL/MariaDB: the same age limits and raw-packet cap as SQLite, as many
// short autocommit DELETEs of at most `chunkRows` rows, each an index range, so no sweep
// holds locks long enough to stall the writer's commits.
//
// device_data is walked device by device along its primary key (device_id, received_at,
// point_id): each device's old rows are the front of its range. The other tables have an
// index on their time column.
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { RetentionConfig } from '../../domain/config.js';
import type { RetentionReport } from '../history.js';
import { APPLIED_BATCH_KEEP_MS } from '../migrations/002_applied_batches.js';
import { sweepRetention } from '../retention-sweep.js';
import { ROLLUP_TABLE, type RollupTier } from '../rollup/rollup-row.js';

export const MYSQL_RETENTION_CHUNK_ROWS = 5000;

type AgedTable = 'heartbeat_log' | 'connection_history' | 'raw_packets' | 'applied_batches' | 'events';

const TIME_COLUMN: Record<AgedTable, string> = {
  heartbeat_log: 'at',
  connection_history: 'at',
  raw_packets: 'at',
  applied_batches: 'applied_at',
  events: 'at',
};

export class MysqlRetention {
  constructor(
    private readonly pool: Pool,
    private config: RetentionConfig,
    private readonly chunkRows: number = MYSQL_RETENTION_CHUNK_ROWS,
  ) {}

  /** server.yml reloaded: the next sweep keeps to these limits (a sweep under way keeps its own). */
  use(config: RetentionConfig): void {
    this.config = config;
  }

  /** One sweep; `pause` is awaited between statements, `stopping` ends it early on shutdown. */
  async sweep(
    now: number,
    pause: () => Promise<void>,
    stopping: () => boolean = () => false,
  ): Promise<RetentionReport> {
    const ctx = { now, pause, stopping };
    const config = this.config;
    return sweepRetention(config, {
      deleteOldData: (maxAgeMs) => this.deleteOldData(maxAgeMs, ctx),
      deleteOldRollups: (tier, maxAgeMs) => this.deleteOldRollups(tier, maxAgeMs, ctx),
      deleteOlderThan: (table, maxAgeMs) => this.deleteOlderThan(table, maxAgeMs, ctx),
      capRawPackets: () => this.capRawPackets(config.rawPacketsMaxRows, ctx),
      forgetAppliedBatches: async () => {
        await this.deleteOlderThan('applied_batches', APPLIED_BATCH_KEEP_MS, ctx);
      },
      forgetEvents: async (maxAgeMs) => {
        await this.deleteOlderThan('events', maxAgeMs, ctx);
        const cutoff = now - maxAgeMs;
        await this.repeat(ctx, () =>
          this.run(
            `DELETE FROM webhook_deliveries WHERE created_at < ? AND status <> 'pending' ORDER BY created_at LIMIT ?`,
            [cutoff, this.chunkRows],
          ),
        );
      },
    });
  }

  private async deleteOldData(maxAgeMs: number, ctx: SweepContext): Promise<number> {
    if (maxAgeMs <= 0) return 0; // 0 keeps forever
    const cutoff = ctx.now - maxAgeMs;
    const [devices] = await this.pool.query<RowDataPacket[]>('SELECT id FROM devices ORDER BY id');
    let deleted = 0;
    for (const { id } of devices) {
      deleted += await this.repeat(ctx, () =>
        this.run(
          'DELETE FROM device_data WHERE device_id = ? AND received_at < ? ORDER BY received_at, point_id LIMIT ?',
          [id, cutoff, this.chunkRows],
        ),
      );
      if (ctx.stopping()) break;
    }
    return deleted;
  }

  /**
   * Rollups are clustered by (device, point, bucket): each series' old rows are the front of
   * its range, so the sweep deletes series by series (the list comes from a loose index scan).
   */
  private async deleteOldRollups(tier: RollupTier, maxAgeMs: number, ctx: SweepContext): Promise<number> {
    if (maxAgeMs <= 0) return 0; // 0 keeps forever
    const table = ROLLUP_TABLE[tier];
    const cutoff = ctx.now - maxAgeMs;
    const [series] = await this.pool.query<RowDataPacket[]>(
      `SELECT device_id, point_id FROM ${table} GROUP BY device_id, point_id`,
    );
    let deleted = 0;
    for (const { device_id: deviceId, point_id: pointId } of series) {
      deleted += await this.repeat(ctx, () =>
        this.run(`DELETE FROM ${table} WHERE device_id = ? AND point_id = ? AND bucket < ? ORDER BY bucket LIMIT ?`, [
          deviceId,
          pointId,
          cutoff,
          this.chunkRows,
        ]),
      );
      if (ctx.stopping()) break;
    }
    return deleted;
  }

  private async deleteOlderThan(table: AgedTable, maxAgeMs: number, ctx: SweepContext): Promise<number> {
    if (maxAgeMs <= 0) return 0; // 0 keeps forever
    const time = TIME_COLUMN[table];
    const cutoff = ctx.now - maxAgeMs;
    return this.repeat(ctx, () =>
      this.run(`DELETE FROM ${table} WHERE ${time} < ? ORDER BY ${time} LIMIT ?`, [cutoff, this.chunkRows]),
    );
  }

  /** Keeps the newest `rawPacketsMaxRows` packets by id (0: no cap). */
  private async capRawPackets(cap: number, ctx: SweepContext): Promise<number> {
    if (cap <= 0) return 0;
    const [[row]] = await this.pool.query<RowDataPacket[]>('SELECT MAX(id) AS maxId FROM raw_packets');
    const maxId = row?.['maxId'] as number | null;
    if (maxId === null || maxId === undefined || maxId <= cap) return 0;
    // Ids are unique, so at most `cap` rows can have an id above maxId - cap.
    const keepAbove = maxId - cap;
    return this.repeat(ctx, () =>
      this.run('DELETE FROM raw_packets WHERE id <= ? ORDER BY id LIMIT ?', [keepAbove, this.chunkRows]),
    );
  }

  /** Runs a chunked DELETE until a chunk comes back short; returns the rows deleted. */
  private async repeat(ctx: SweepContext, chunk: () => Promise<number>): Promise<number> {
    let deleted = 0;
    while (!ctx.stopping()) {
      const n = await chunk();
      deleted += n;
      if (n < this.chunkRows) break;
      await ctx.pause();
    }
    return deleted;
  }

  private async run(sql: string, params: unknown[]): Promise<number> {
    const [result] = await this.pool.query<ResultSetHeader>(sql, params);
    return result.affectedRows;
  }
}

interface SweepContext {
  readonly now: number;
  readonly pause: () => Promise<void>;
  readonly stopping: () => boolean;
}
