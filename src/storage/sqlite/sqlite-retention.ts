// Retention for SQLite: delete rows past their age limit and cap raw_packets, a few
// thousand rows per statement with a pause between statements, so the write lock is never
// held long and batch commits interleave with a large sweep.
//
// Age deletion walks each table by primary key from the oldest row. Ids follow insertion
// order and rows are inserted in receive order, so the old rows are at the front; the walk
// stops at the first chunk with nothing old in it. This needs no index on the time column
// of device_data, which would cost every insert. A row inserted long after its timestamp
// (not something the gateway does) waits until the rows in front of it expire.
import type { RetentionConfig } from '../../domain/config.js';
import type { RetentionReport } from '../history.js';
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from './sqlite-connection.js';

export const RETENTION_CHUNK_ROWS = 5000;

type AgedTable = 'device_data' | 'heartbeat_log' | 'connection_history' | 'raw_packets';

const TIME_COLUMN: Record<AgedTable, string> = {
  device_data: 'received_at',
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

export class SqliteRetention {
  private readonly statements = new Map<AgedTable, TableStatements>();
  private readonly maxRawPacketId: Database.Statement;
  private readonly deleteRawPacketsUpTo: Database.Statement;

  constructor(
    db: SqliteDatabase,
    private readonly config: RetentionConfig,
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
    this.maxRawPacketId = db.prepare('SELECT MAX(id) FROM raw_packets').pluck();
    this.deleteRawPacketsUpTo = db.prepare(
      'DELETE FROM raw_packets WHERE id IN (SELECT id FROM raw_packets WHERE id <= ? ORDER BY id LIMIT ?)',
    );
  }

  /**
   * One sweep. `pause` is awaited between statements (the worker passes setImmediate so
   * queued batches commit in between); `stopping` ends the sweep early on shutdown.
   */
  async sweep(now: number, pause: () => Promise<void>, stopping: () => boolean = () => false): Promise<RetentionReport> {
    const started = performance.now();
    const c = this.config;
    const deviceData = await this.deleteOlderThan('device_data', c.deviceDataMs, now, pause, stopping);
    const heartbeatLog = await this.deleteOlderThan('heartbeat_log', c.heartbeatLogMs, now, pause, stopping);
    const connectionHistory = await this.deleteOlderThan('connection_history', c.connectionHistoryMs, now, pause, stopping);
    const rawPacketsAged = await this.deleteOlderThan('raw_packets', c.rawPacketsMs, now, pause, stopping);
    const rawPacketsOverCap = await this.capRawPackets(pause, stopping);
    return {
      deviceData,
      heartbeatLog,
      connectionHistory,
      rawPackets: rawPacketsAged + rawPacketsOverCap,
      rawPacketsOverCap,
      ms: performance.now() - started,
    };
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

  /** Keeps the newest `rawPacketsMaxRows` packets by id (0: no cap). */
  private async capRawPackets(pause: () => Promise<void>, stopping: () => boolean): Promise<number> {
    const cap = this.config.rawPacketsMaxRows;
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
