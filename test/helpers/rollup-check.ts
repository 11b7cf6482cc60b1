// Rollups recomputed from the raw rows, for tests that check the writer's rollups against
// them: after crashes, replays and retries the two must agree exactly.
import { expect } from 'vitest';
import { valueFromColumns } from '../../src/storage/raw-value.js';
import { valueFromCell, type RawCell, type ValueCell } from '../../src/storage/sqlite/value-cell.js';

type Rows = (sql: string) => Promise<Record<string, unknown>[]>;

/**
 * A raw row's value in either dialect: MySQL's has schema 13's quality column (raw-value.ts),
 * SQLite's the value cell (migration 014, value-cell.ts). Rows with no number either way: null.
 */
function rowValue(r: Record<string, unknown>): number | null {
  if (!('quality' in r)) return valueFromCell(r['value'] as ValueCell, r['raw_value'] as RawCell);
  const stored = r['value'] === null ? null : Number(r['value']);
  return valueFromColumns(stored, r['raw_value'] as Uint8Array, Number(r['quality']));
}

interface Aggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
  firstAt: number;
  firstValue: number;
  lastAt: number;
  lastValue: number;
}

const TIERS = { minute: 60_000, hour: 3_600_000 } as const;

/** Aggregates of the numeric raw rows, per `device/point/bucket`. */
async function fromRaw(rows: Rows, bucketMs: number): Promise<Map<string, Aggregate>> {
  const out = new Map<string, Aggregate>();
  const raw = await rows(`SELECT * FROM device_data ORDER BY device_id, point_id, received_at`);
  for (const r of raw) {
    const ts = Number(r['received_at']);
    const v = rowValue(r);
    if (v === null) continue;
    const key = `${r['device_id']}/${r['point_id']}/${Math.floor(ts / bucketMs) * bucketMs}`;
    const a = out.get(key);
    if (!a) out.set(key, { count: 1, sum: v, min: v, max: v, firstAt: ts, firstValue: v, lastAt: ts, lastValue: v });
    else {
      a.count++;
      a.sum += v;
      a.min = Math.min(a.min, v);
      a.max = Math.max(a.max, v);
      a.lastAt = ts;
      a.lastValue = v;
    }
  }
  return out;
}

async function stored(rows: Rows, table: string): Promise<Map<string, Aggregate>> {
  const out = new Map<string, Aggregate>();
  for (const r of await rows(`SELECT * FROM ${table}`)) {
    out.set(`${r['device_id']}/${r['point_id']}/${Number(r['bucket'])}`, {
      count: Number(r['sample_count']),
      sum: Number(r['value_sum']),
      min: Number(r['value_min']),
      max: Number(r['value_max']),
      firstAt: Number(r['first_at']),
      firstValue: Number(r['first_val']),
      lastAt: Number(r['last_at']),
      lastValue: Number(r['last_val']),
    });
  }
  return out;
}

/** `device/point/hour` of the hours whose rollup row says they have no minute rows. */
async function hoursWithoutMinutes(rows: Rows): Promise<Set<string>> {
  const sparse = await rows('SELECT device_id, point_id, bucket FROM rollup_hour WHERE minute_rows = 0');
  return new Set(sparse.map((r) => `${r['device_id']}/${r['point_id']}/${Number(r['bucket'])}`));
}

/**
 * Asserts both rollup tables equal what the raw rows give (minute rows only for the hours
 * that have them); returns the number of minute rows.
 */
export async function expectRollupsMatchRaw(rows: Rows): Promise<number> {
  let minuteRows = 0;
  const sparse = await hoursWithoutMinutes(rows);
  const hourOfKey = (key: string) => {
    const [device, point, bucket] = key.split('/');
    return `${device}/${point}/${Math.floor(Number(bucket) / TIERS.hour) * TIERS.hour}`;
  };
  for (const [tier, ms] of Object.entries(TIERS)) {
    const want = await fromRaw(rows, ms);
    if (tier === 'minute') for (const key of want.keys()) if (sparse.has(hourOfKey(key))) want.delete(key);
    const have = await stored(rows, `rollup_${tier}`);
    expect([...have.keys()].sort(), `${tier} rollup rows`).toEqual([...want.keys()].sort());
    for (const [key, w] of want) {
      const h = have.get(key)!;
      expect({ ...h, sum: 0 }, `${tier} ${key}`).toEqual({ ...w, sum: 0 });
      expect(h.sum).toBeCloseTo(w.sum, 6);
    }
    if (tier === 'minute') minuteRows = have.size;
  }
  return minuteRows;
}
