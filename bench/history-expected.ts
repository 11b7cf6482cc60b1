// How many samples a full-range chart of a generated history must count. Hour rollups count
// every sample polled, stored as a row or not; the partial hours at the range's ends come
// from minute rollups, or, for points sampled every 15 s or slower (no minute rows), from the
// raw rows: there a history thinned by store by exception counts the rows it stored.
import Database from 'better-sqlite3';
import { SQLITE_HAS_VALUE_SQL } from '../src/storage/sqlite/value-cell.js';
import type { FillResult, HistoryDataset } from './history-fill.js';

const HOUR_MS = 3_600_000;

export function expectedChartSamples(path: string, dataset: HistoryDataset, fill: FillResult): number {
  const polled = dataset.points * dataset.rounds;
  if (fill.stored === fill.samples || dataset.periodMs <= 15_000) return polled;
  const h0 = Math.ceil(fill.from / HOUR_MS) * HOUR_MS;
  const h1 = Math.floor(fill.to / HOUR_MS) * HOUR_MS;
  // Rounds fall at from + i × period.
  const roundsBefore = (t: number) =>
    Math.min(dataset.rounds, Math.max(0, Math.ceil((t - fill.from) / dataset.periodMs)));
  const inWholeHours = (roundsBefore(h1) - roundsBefore(h0)) * dataset.points;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(
      `SELECT COUNT(*) FROM device_data d JOIN devices v ON v.id = d.device_id
       WHERE v.registration_id = ? AND ${SQLITE_HAS_VALUE_SQL} AND d.received_at >= ? AND d.received_at < ?`,
    );
    const stored = (from: number, to: number) =>
      from < to ? (rows.pluck().get(fill.deviceIds[0], from, to) as number) : 0;
    return inWholeHours + stored(fill.from, h0) + stored(h1, fill.to);
  } finally {
    db.close();
  }
}
