import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultStorage } from '../../../src/config/compile-server.js';
import { fillHistory, openStore, type FillResult, type HistoryDataset } from '../../../bench/history-fill.js';
import { sqliteSizes, type SqliteSizes } from '../../../bench/history-size.js';

// A small history through the app's writer: 2 devices × 8 points of the example profile, an hour at 30 s.
describe('history bench: generated history and its sizes', () => {
  let dir: string;
  let fill: FillResult;
  let sizes: SqliteSizes;
  const endAt = Date.UTC(2026, 0, 1, 12, 0, 0);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dtuhub-history-size-'));
    const path = join(dir, 'h.db');
    let commits = 0;
    const store = openStore({ ...defaultStorage(), path }, () => commits++);
    await store.start();
    try {
      const dataset = { label: 't', profile: 'example', devices: 2, points: 8, periodMs: 30_000, rounds: 120 } as const;
      fill = await fillHistory(store, dataset, endAt, () => commits);
    } finally {
      await store.stop();
    }
    sizes = sqliteSizes(path);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every sample of the range, ending just before endAt', () => {
    expect(fill.samples).toBe(2 * 8 * 120);
    expect(fill.to).toBe(endAt);
    expect(fill.from).toBe(endAt - 120 * 30_000);
    expect(fill.pointNames).toEqual([
      'temperature',
      'humidity',
      'pressure',
      'flow_rate',
      'status',
      'voltage',
      'current',
      'rpm',
    ]);
    expect(fill.rowsDropped).toBe(0);
    expect(fill.commits).toBeGreaterThan(0);
  });

  it('finds every row in device_data and the file holds the tables', () => {
    const dd = sizes.tables.find((t) => t.name === 'device_data')!;
    expect(dd.cells).toBe(fill.samples);
    const total = sizes.tables.reduce((n, t) => n + t.bytes, 0);
    expect(total + sizes.freelistPages * sizes.pageSize).toBe(sizes.fileBytes);
  });

  it('estimates a record from the format as SQLite stores it', () => {
    const dd = sizes.tables.find((t) => t.name === 'device_data')!;
    const b = sizes.deviceData;
    const estimated = b.header + Object.values(b.columns).reduce((a, x) => a + x, 0);
    expect(b.rowsSampled).toBe(fill.samples);
    expect(estimated).toBeCloseTo(dd.payload / dd.cells, 6);
    // Five columns (migration 14): a header length byte and five one-byte serial types.
    expect(b.header).toBe(6);
    expect(Object.keys(b.columns)).toEqual(['device_id', 'received_at', 'point_id', 'raw_value', 'value']);
    // The value cell: a decoder id takes a body byte (id 1 none), a stored value up to 8.
    expect(b.columns['value']).toBeLessThanOrEqual(8);
  });
});

describe("history bench: the example's exception policies", () => {
  it('stores fewer rows than samples polled, and exactly those', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtuhub-history-exc-'));
    try {
      const path = join(dir, 'h.db');
      const store = openStore({ ...defaultStorage(), path });
      await store.start();
      let fill: FillResult;
      try {
        const dataset: HistoryDataset = {
          label: 't',
          profile: 'example-policies',
          devices: 1,
          points: 8,
          periodMs: 30_000,
          rounds: 240,
        };
        fill = await fillHistory(store, dataset, Date.UTC(2026, 0, 1));
      } finally {
        await store.stop();
      }
      expect(fill.samples).toBe(8 * 240);
      expect(fill.stored).toBeGreaterThan(0);
      expect(fill.stored).toBeLessThan(fill.samples);
      expect(sqliteSizes(path).tables.find((t) => t.name === 'device_data')!.cells).toBe(fill.stored);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
