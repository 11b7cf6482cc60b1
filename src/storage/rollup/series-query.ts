// A chart's series from the cheapest data that still gives its resolution, the same for
// both stores: each supplies a SeriesSource over its own connection.
//
// Tiers, finest first: raw samples, minute rollups, hour rollups. The query takes the finest
// tier that gives at most `buckets` points over the range: hour rollups when there are more
// minutes than buckets; else raw samples when there are no more samples than buckets (the
// minute rollups count them); else minute rollups. Rollups are complete up to what the
// writer still holds in memory (the last minute or two); those samples are read from their
// raw rows, so the newest bucket is as full as the rest. A range that starts or ends inside
// a minute reads that partial minute from raw rows: buckets never count samples outside it.
// Hours of slowly polled series have no minute rows (migrations/007): a minute-tier part
// reads those hours from raw rows too, a few samples a minute.
import type { SeriesQuery, SeriesResult, SeriesTier } from '../history.js';
import { bucketWidth, BucketReducer } from './chart-buckets.js';
import { HOUR_MS, MINUTE_MS } from './rollup-accumulator.js';
import type { RollupBucket, RollupTier } from './rollup-row.js';

export interface RawPoint {
  readonly ts: number;
  readonly value: number | null;
}

/** What a store reads for a series query; every range is [from, to). */
export interface SeriesSource {
  deviceId(registrationId: string): Promise<number | null>;
  pointId(name: string): Promise<number | null>;
  /** Start of the samples the writer may not have written to the rollups yet; null: none. */
  pendingSince(): Promise<number | null>;
  /** Last sample time in the newest minute rollup of the series; null when it has none. */
  rolledUpThrough(deviceId: number, pointId: number): Promise<number | null>;
  /** One tier's rows of each point in [from, to) summed into epoch-aligned buckets of bucketMs. */
  rollupBuckets(
    tier: RollupTier,
    deviceId: number,
    pointIds: readonly number[],
    from: number,
    to: number,
    bucketMs: number,
  ): Promise<Map<number, RollupBucket[]>>;
  raw(deviceId: number, pointId: number, from: number, to: number): Promise<RawPoint[]>;
  /** Start of each hour in [from, to) whose rollup row says the hour has no minute rows. */
  hoursWithoutMinutes(deviceId: number, pointId: number, from: number, to: number): Promise<number[]>;
}

const TIER_MS: Record<RollupTier, number> = { minute: MINUTE_MS, hour: HOUR_MS };

/** A part of the range read from one source: raw rows, or one tier's rows. */
export interface Segment {
  readonly from: number;
  readonly to: number;
  readonly tier: RollupTier | 'raw';
}

/**
 * [from, to) cut so each rollup row used lies wholly inside it: hour rows in the middle,
 * minute rows beside them, raw rows for the partial minutes at both ends.
 */
export function segments(from: number, to: number, tier: RollupTier): Segment[] {
  const m0 = ceilTo(from, MINUTE_MS);
  const m1 = floorTo(to, MINUTE_MS);
  if (m0 >= m1) return [{ from, to, tier: 'raw' }];
  const parts: Segment[] = [{ from, to: m0, tier: 'raw' }];
  const h0 = ceilTo(m0, HOUR_MS);
  const h1 = floorTo(m1, HOUR_MS);
  if (tier === 'hour' && h0 < h1) {
    parts.push(
      { from: m0, to: h0, tier: 'minute' },
      { from: h0, to: h1, tier: 'hour' },
      { from: h1, to: m1, tier: 'minute' },
    );
  } else {
    parts.push({ from: m0, to: m1, tier: 'minute' });
  }
  parts.push({ from: m1, to, tier: 'raw' });
  return parts.filter((p) => p.to > p.from);
}

interface PointData {
  readonly point: string;
  readonly pointId: number | null;
  /** The rollup parts of the range, already in chart buckets. */
  readonly rolled: RollupBucket[];
  /** Raw samples: the partial minutes at the ends, and those not yet in the rollups. */
  readonly raw: RawPoint[];
  /** Parts of the rollup tiers read from raw rows (hours without minute rows). */
  readonly rawInRollups: Segment[];
}

type KnownPoint = PointData & { readonly pointId: number };

/**
 * Reads every part of the range for the points: raw parts point by point, rollup parts in one
 * statement for all points that read the same pieces of them (points whose hours without minute
 * rows differ read their own pieces).
 */
async function readParts(
  source: SeriesSource,
  deviceId: number,
  known: readonly KnownPoint[],
  parts: readonly Segment[],
  bucketMs: number,
): Promise<void> {
  for (const part of parts) {
    // Points grouped by the pieces they read this part in.
    const groups = new Map<string, { reads: Segment[]; points: KnownPoint[] }>();
    for (const d of known) {
      // Hours without minute rows, read from the raw rows instead (migrations/007).
      const sparse =
        part.tier === 'minute'
          ? await source.hoursWithoutMinutes(deviceId, d.pointId, floorTo(part.from, HOUR_MS), part.to)
          : [];
      const reads = withoutMinutes(part, sparse);
      const key = JSON.stringify(reads);
      const group = groups.get(key);
      if (group) group.points.push(d);
      else groups.set(key, { reads, points: [d] });
    }
    for (const { reads, points: group } of groups.values()) {
      for (const read of reads) {
        if (read.tier !== 'raw') {
          const ids = group.map((d) => d.pointId);
          const byPoint = await source.rollupBuckets(read.tier, deviceId, ids, read.from, read.to, bucketMs);
          for (const d of group) d.rolled.push(...(byPoint.get(d.pointId) ?? []));
          continue;
        }
        for (const d of group) {
          d.raw.push(...(await source.raw(deviceId, d.pointId, read.from, read.to)));
          if (part.tier !== 'raw') d.rawInRollups.push(read);
        }
      }
    }
  }
}

export async function querySeries(source: SeriesSource, query: SeriesQuery): Promise<SeriesResult> {
  const { from, to, buckets, points } = query;
  const deviceId = await source.deviceId(query.registrationId);
  const tier: RollupTier = (to - from) / MINUTE_MS > buckets ? 'hour' : 'minute';
  const tierBucketMs = bucketWidth(from, to, buckets, TIER_MS[tier]);
  const parts = segments(from, to, tier);
  const pendingSince = deviceId === null ? null : await source.pendingSince();
  const data: PointData[] = [];
  for (const point of points) {
    const pointId = deviceId === null ? null : await source.pointId(point);
    data.push({ point, pointId, rolled: [], raw: [], rawInRollups: [] });
  }
  const known = data.filter((d): d is KnownPoint => d.pointId !== null);
  if (deviceId !== null && known.length > 0) await readParts(source, deviceId, known, parts, tierBucketMs);
  if (deviceId !== null) {
    const rollupParts = parts.filter((p) => p.tier !== 'raw');
    if (rollupParts.length > 0) {
      const [first, last] = [rollupParts[0]!, rollupParts.at(-1)!];
      for (const d of known) {
        const tail = await unrolledTail(source, deviceId, d.pointId, first.from, last.to, pendingSince);
        d.raw.push(...tail.filter((r) => !d.rawInRollups.some((x) => r.ts >= x.from && r.ts < x.to)));
      }
    }
  }
  let rowsScanned = data.reduce((n, d) => n + d.rolled.reduce((m, b) => m + b.rows, 0) + d.raw.length, 0);

  // Raw samples when there are no more of them than buckets (only asked below hour tier).
  const samples = (d: PointData) => d.rolled.reduce((n, b) => n + b.count, 0) + d.raw.length;
  const useRaw = tier === 'minute' && deviceId !== null && data.every((d) => samples(d) <= buckets);
  const bucketMs = useRaw ? bucketWidth(from, to, buckets, 1) : tierBucketMs;
  const series = [];
  for (const d of data) {
    const reducer = new BucketReducer(bucketMs);
    if (useRaw && d.pointId !== null) {
      const raw = await source.raw(deviceId, d.pointId, from, to);
      rowsScanned += raw.length;
      for (const r of raw) reducer.add(r.ts, r.value);
    } else {
      for (const b of d.rolled) reducer.merge(b.bucket, b.count, b.sum, b.min, b.max);
      for (const r of d.raw) reducer.add(r.ts, r.value);
    }
    series.push({ point: d.point, buckets: reducer.buckets() });
  }
  const chosen: SeriesTier = useRaw ? 'raw' : tier;
  return { from, to, tier: chosen, bucketMs, series, rowsScanned };
}

/** A minute-tier part cut so the hours in `sparse` (sorted) are read from raw rows. */
export function withoutMinutes(part: Segment, sparse: readonly number[]): Segment[] {
  if (part.tier !== 'minute' || sparse.length === 0) return [part];
  const out: Segment[] = [];
  let at = part.from;
  for (const hour of sparse) {
    const from = Math.max(hour, part.from);
    const to = Math.min(hour + HOUR_MS, part.to);
    if (to <= from) continue;
    if (from > at) out.push({ from: at, to: from, tier: 'minute' });
    const prev = out.at(-1);
    if (prev?.tier === 'raw' && prev.to === from) out[out.length - 1] = { ...prev, to };
    else out.push({ from, to, tier: 'raw' });
    at = to;
  }
  if (at < part.to) out.push({ from: at, to: part.to, tier: 'minute' });
  return out;
}

/** Raw rows in [from, to) that the rollups do not count yet (see SeriesSource.pendingSince). */
async function unrolledTail(
  source: SeriesSource,
  deviceId: number,
  pointId: number,
  from: number,
  to: number,
  pendingSince: number | null,
): Promise<RawPoint[]> {
  if (pendingSince === null) return [];
  const through = await source.rolledUpThrough(deviceId, pointId);
  const start = Math.max(from, pendingSince, through === null ? -Infinity : through + 1);
  if (start >= to) return [];
  return source.raw(deviceId, pointId, start, to);
}

function floorTo(ts: number, unit: number): number {
  return Math.floor(ts / unit) * unit;
}

function ceilTo(ts: number, unit: number): number {
  return Math.ceil(ts / unit) * unit;
}
