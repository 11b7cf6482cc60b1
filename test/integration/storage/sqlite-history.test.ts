import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { silentLogger } from '../../../src/log.js';
import { LATEST_SCHEMA_VERSION, openSqliteHistory, StorageError } from '../../../src/storage/index.js';
import { dataQuerySql } from '../../../src/storage/sqlite/sqlite-reader.js';
import { eventually, KEEP_EVERYTHING, sample, T0, tempHistory, type TempHistory } from './history-fixture.js';

const online = (registrationId: string, at: number) => ({
  registrationId,
  profile: 'th-sensor',
  name: `Sensor ${registrationId}`,
  ip: '198.51.100.7',
  port: 40123,
  listener: 'main',
  at,
});

describe('SQLite history store', () => {
  let t: TempHistory;

  beforeEach(async () => {
    t = await tempHistory();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('creates the database directory and file on first open', async () => {
    await t.open();
    expect(existsSync(t.path)).toBe(true);
  });

  it('stores every sample written through the writer with exact values once flushed', async () => {
    const h = await t.open();
    h.writer.deviceOnline(online('7001', T0));
    h.writer.samples([
      { deviceId: '7001', point: 'temperature', slave: 1, address: 2000, value: 25.3, text: null, raw: '00fd', ts: T0 + 1, quality: 'good' },
      { deviceId: '7001', point: 'humidity', slave: 1, address: 2010, value: 61.25, text: null, raw: '42750000', ts: T0 + 2, quality: 'good' },
      { deviceId: '7001', point: 'serial', slave: 2, address: 3000, value: null, text: 'AB-12', raw: '41422d3132', ts: T0 + 3, quality: 'good' },
      { deviceId: '7001', point: 'energy', slave: 3, address: 65534, value: 9007199254740991, text: null, raw: '001fffffffffffff', ts: T0 + 4, quality: 'good' },
    ]);
    await h.writer.flush();

    const rows = await h.reader.data({ registrationId: '7001', order: 'asc' });
    expect(rows).toEqual([
      { deviceId: '7001', point: 'temperature', slave: 1, address: 2000, value: 25.3, text: null, raw: '00fd', ts: T0 + 1, quality: 'good' },
      { deviceId: '7001', point: 'humidity', slave: 1, address: 2010, value: 61.25, text: null, raw: '42750000', ts: T0 + 2, quality: 'good' },
      { deviceId: '7001', point: 'serial', slave: 2, address: 3000, value: null, text: 'AB-12', raw: '41422d3132', ts: T0 + 3, quality: 'good' },
      { deviceId: '7001', point: 'energy', slave: 3, address: 65534, value: 9007199254740991, text: null, raw: '001fffffffffffff', ts: T0 + 4, quality: 'good' },
    ]);
    expect(h.writer.stats()).toMatchObject({ rowsAccepted: 5, rowsWritten: 5, rowsBuffered: 0, rowsDropped: 0, failures: 0, flushes: 1 });
  });

  it('answers data queries by point, time window, limit and order', async () => {
    const h = await t.open();
    for (let i = 0; i < 10; i++) h.writer.samples([sample('A', 'temperature', i), sample('A', 'humidity', i)]);
    await h.writer.flush();

    const window = await h.reader.data({ registrationId: 'A', point: 'temperature', from: T0 + 3, to: T0 + 7 });
    expect(window.map((r) => r.ts - T0)).toEqual([6, 5, 4, 3]);
    const firstTwo = await h.reader.data({ registrationId: 'A', point: 'humidity', order: 'asc', limit: 2 });
    expect(firstTwo.map((r) => [r.point, r.ts - T0])).toEqual([
      ['humidity', 0],
      ['humidity', 1],
    ]);
    expect(await h.reader.data({ registrationId: 'A', limit: 3 })).toHaveLength(3);
    expect(await h.reader.data({ registrationId: 'nobody' })).toEqual([]);
  });

  it('pages through all points of a device newest first without skipping or repeating a row', async () => {
    const h = await t.open();
    // Three points share each instant, so pages end in the middle of an instant.
    for (let i = 0; i < 10; i++) h.writer.samples(['temperature', 'humidity', 'pressure'].map((p) => sample('A', p, i, { ts: T0 + i * 1000 })));
    h.writer.samples([sample('B', 'temperature', 99, { ts: T0 + 5000 })]);
    await h.writer.flush();

    const seen: string[] = [];
    let page = await h.reader.data({ registrationId: 'A', from: T0 + 2000, to: T0 + 9000, limit: 4 });
    while (page.length > 0) {
      seen.push(...page.map((r) => `${(r.ts - T0) / 1000}:${r.point}`));
      const last = page.at(-1)!;
      page = await h.reader.data({ registrationId: 'A', from: T0 + 2000, to: T0 + 9000, limit: 4, after: { ts: last.ts, point: last.point } });
    }
    // Points of one instant come in the order their names were first stored, reversed.
    const instants = [8, 7, 6, 5, 4, 3, 2];
    expect(seen).toEqual(instants.flatMap((s) => [`${s}:pressure`, `${s}:humidity`, `${s}:temperature`]));

    const oldest = await h.reader.data({ registrationId: 'A', order: 'asc', limit: 2 });
    const next = await h.reader.data({ registrationId: 'A', order: 'asc', limit: 2, after: { ts: oldest[1]!.ts, point: oldest[1]!.point } });
    expect([...oldest, ...next].map((r) => `${(r.ts - T0) / 1000}:${r.point}`)).toEqual(['0:temperature', '0:humidity', '0:pressure', '1:temperature']);
    const humidity = await h.reader.data({ registrationId: 'A', point: 'humidity', limit: 2, after: { ts: T0 + 5000, point: 'humidity' } });
    expect(humidity.map((r) => r.ts - T0)).toEqual([4000, 3000]);
  });

  it('keeps the rows of each device together in time order even when devices interleave', async () => {
    const h = await t.open();
    for (let i = 0; i < 5; i++) h.writer.samples([sample('A', 'temperature', i), sample('B', 'temperature', i)]);
    await h.writer.flush();
    await h.stop();
    // A plain scan of a WITHOUT ROWID table returns the rows as stored: in key order.
    const db = new Database(t.path, { readonly: true });
    const names = new Map(db.prepare('SELECT id, registration_id FROM devices').raw().all() as [number, string][]);
    const stored = db.prepare('SELECT device_id, received_at FROM device_data').raw().all() as [number, number][];
    db.close();
    expect(stored.map(([device, ts]) => `${names.get(device)}${ts - T0}`)).toEqual(['A0', 'A1', 'A2', 'A3', 'A4', 'B0', 'B1', 'B2', 'B3', 'B4']);
  });

  it('flushes on its own when a batch reaches maxRows', async () => {
    const h = await t.open({ writeBuffer: { maxRows: 100, flushIntervalMs: 60_000 } });
    h.writer.samples(Array.from({ length: 250 }, (_, i) => sample('A', 'temperature', i)));
    // The worker's "written" reply can reach the main thread after a reader sees the commit.
    await eventually(async () => (await h.reader.counts()).deviceData === 200 && h.writer.stats().flushes === 2);
    expect(h.writer.stats()).toMatchObject({ rowsWritten: 200, rowsBuffered: 50, flushes: 2 });
  });

  it('flushes on its own after flushIntervalMs', async () => {
    const h = await t.open({ writeBuffer: { maxRows: 100_000, flushIntervalMs: 50 } });
    h.writer.samples([sample('A', 'temperature', 1)]);
    expect(h.writer.stats().rowsBuffered).toBe(1);
    await eventually(async () => (await h.reader.counts()).deviceData === 1 && h.writer.stats().flushes === 1);
    expect(h.writer.stats()).toMatchObject({ rowsWritten: 1, flushes: 1 });
  });

  it('commits everything accepted before close, as a reopen shows', async () => {
    const first = await t.open({ writeBuffer: { maxRows: 3000, flushIntervalMs: 60_000 } });
    const writer = first.writer;
    for (let d = 0; d < 10; d++) {
      const id = `D${d}`;
      writer.deviceOnline(online(id, T0));
      writer.samples(Array.from({ length: 1000 }, (_, i) => sample(id, `p${i % 20}`, i)));
    }
    await first.stop();
    expect(writer.stats()).toMatchObject({ rowsAccepted: 10_010, rowsWritten: 10_010, rowsBuffered: 0 });

    const second = await t.open();
    expect(await second.reader.counts()).toMatchObject({ devices: 10, deviceData: 10_000 });
  });

  it('upserts devices on registration and marks them offline', async () => {
    const h = await t.open();
    h.writer.deviceOnline(online('7001', T0));
    h.writer.deviceOnline(online('7002', T0 + 5));
    h.writer.deviceOffline('7001', T0 + 60_000);
    h.writer.deviceOnline({ ...online('7002', T0 + 70_000), port: 40999 });
    await h.writer.flush();

    expect(await h.reader.device('7001')).toMatchObject({
      registrationId: '7001',
      profile: 'th-sensor',
      name: 'Sensor 7001',
      firstSeen: T0,
      lastSeen: T0 + 60_000,
      lastIp: '198.51.100.7',
      lastPort: 40123,
      status: 'offline',
      listener: 'main',
    });
    expect(await h.reader.device('7002')).toMatchObject({ status: 'online', firstSeen: T0 + 5, lastSeen: T0 + 70_000, lastPort: 40999 });
    expect((await h.reader.devices()).map((d) => d.registrationId)).toEqual(['7001', '7002']);
    expect(await h.reader.device('nobody')).toBeNull();
  });

  it('records connection history in order, including peers that never registered', async () => {
    const h = await t.open();
    const base = { ip: '198.51.100.7', port: 40123, listener: 'main' };
    h.writer.connection({ ...base, registrationId: '7001', event: 'connect', details: null, at: T0 });
    h.writer.connection({ ...base, registrationId: '7001', event: 'heartbeat_timeout', details: '3 heartbeats missed', at: T0 + 90_000 });
    h.writer.connection({ ...base, registrationId: null, event: 'rejected', details: 'registration timeout', at: T0 + 95_000 });
    h.writer.connection({ ...base, registrationId: '7001', event: 'connect', details: null, at: T0 + 100_000 });
    h.writer.connection({ ...base, registrationId: '7001', event: 'replaced', details: JSON.stringify({ by: '203.0.113.9:5000' }), at: T0 + 100_000 });
    await h.writer.flush();

    const all = await h.reader.connections({ order: 'asc' });
    expect(all.map((c) => [c.registrationId, c.event, c.at - T0])).toEqual([
      ['7001', 'connect', 0],
      ['7001', 'heartbeat_timeout', 90_000],
      [null, 'rejected', 95_000],
      ['7001', 'connect', 100_000],
      ['7001', 'replaced', 100_000],
    ]);
    expect(all[4]).toMatchObject({ ip: '198.51.100.7', port: 40123, listener: 'main', details: '{"by":"203.0.113.9:5000"}' });
    const mine = await h.reader.connections({ registrationId: '7001', from: T0 + 1, limit: 2 });
    expect(mine.map((c) => c.event)).toEqual(['replaced', 'connect']);
  });

  it('records heartbeats per device and moves last_seen forward', async () => {
    const h = await t.open();
    h.writer.deviceOnline(online('7001', T0));
    for (let i = 1; i <= 3; i++) h.writer.heartbeat({ registrationId: '7001', at: T0 + i * 30_000, ip: '198.51.100.7', port: 40123 });
    h.writer.heartbeat({ registrationId: '7002', at: T0 + 1, ip: '198.51.100.8', port: 40124 });
    await h.writer.flush();

    const beats = await h.reader.heartbeats({ registrationId: '7001', order: 'asc' });
    expect(beats.map(({ id: _id, ...rest }) => rest)).toEqual([1, 2, 3].map((i) => ({ registrationId: '7001', at: T0 + i * 30_000, ip: '198.51.100.7', port: 40123 })));
    expect(await h.reader.heartbeats()).toHaveLength(4);
    expect((await h.reader.device('7001'))?.lastSeen).toBe(T0 + 90_000);
  });

  it('records raw packets with their bytes as hex', async () => {
    const h = await t.open();
    const request = Uint8Array.from([0x01, 0x03, 0x07, 0xd0, 0x00, 0x64, 0x44, 0xa8]);
    h.writer.rawPacket({ registrationId: null, direction: 'in', kind: 'garbage', bytes: Buffer.from('\u0000\u0001junk'), at: T0, ip: '203.0.113.5', port: 5555, note: 'no registration' });
    h.writer.rawPacket({ registrationId: '7001', direction: 'out', kind: 'request', bytes: request, at: T0 + 1, ip: '198.51.100.7', port: 40123, note: null });
    await h.writer.flush();

    expect((await h.reader.rawPackets({ order: 'asc' })).map(({ id: _id, ...rest }) => rest)).toEqual([
      { registrationId: null, direction: 'in', kind: 'garbage', hex: '00016a756e6b', at: T0, ip: '203.0.113.5', port: 5555, note: 'no registration' },
      { registrationId: '7001', direction: 'out', kind: 'request', hex: '010307d0006444a8', at: T0 + 1, ip: '198.51.100.7', port: 40123, note: null },
    ]);
    expect(await h.reader.rawPackets({ registrationId: '7001' })).toHaveLength(1);
    expect(await h.reader.rawPackets({ kind: 'garbage' })).toHaveLength(1);
  });

  it('runs the retention sweep in the writer thread', async () => {
    const DAY = 86_400_000;
    const h = await t.open({ retention: { deviceDataMs: 7 * DAY, rawPacketsMaxRows: 10 } });
    h.writer.samples([sample('A', 'temperature', 0, { ts: T0 - 8 * DAY }), sample('A', 'temperature', 1, { ts: T0 - DAY })]);
    for (let i = 0; i < 25; i++) {
      h.writer.rawPacket({ registrationId: 'A', direction: 'in', kind: 'response', bytes: Uint8Array.of(i), at: T0, ip: '10.0.0.1', port: 1, note: null });
    }
    await h.writer.flush();

    const report = await h.sweepRetention(T0);
    expect(report).toMatchObject({ deviceData: 1, rawPackets: 15, rawPacketsOverCap: 15 });
    expect(await h.reader.counts()).toMatchObject({ deviceData: 1, rawPackets: 10 });
  });

  it('sweeps on its own every sweepIntervalMs', async () => {
    const h = await t.open({ retention: { deviceDataMs: 60_000, sweepIntervalMs: 50 } });
    h.writer.samples([sample('A', 'temperature', 0, { ts: Date.now() - 120_000 }), sample('A', 'temperature', 1, { ts: Date.now() })]);
    await h.writer.flush();
    await eventually(async () => (await h.reader.counts()).deviceData === 1);
  });

  it('gives up on a batch that keeps failing without losing the batches around it', async () => {
    const h = await t.open({ writeBuffer: { maxRows: 10, flushIntervalMs: 60_000 } });
    const bad = { registrationId: 'A', event: null, ip: '10.0.0.1', port: 1, listener: 'main', details: null, at: T0 };
    h.writer.samples(Array.from({ length: 10 }, (_, i) => sample('A', 'temperature', i)));
    h.writer.connection(bad as never); // NOT NULL violation: this batch can never commit
    h.writer.samples(Array.from({ length: 9 }, (_, i) => sample('A', 'humidity', i)));
    h.writer.samples(Array.from({ length: 10 }, (_, i) => sample('A', 'pressure', i)));
    await h.writer.flush();

    expect(await h.reader.counts()).toMatchObject({ deviceData: 20, connectionHistory: 0 });
    expect((await h.reader.data({ registrationId: 'A', point: 'humidity' })).length).toBe(0);
    expect(h.writer.stats()).toMatchObject({ rowsWritten: 20, rowsDropped: 10, failures: 3, rowsBuffered: 0 });
  });

  it('serves the data queries from a range of the primary key without sorting', async () => {
    const h = await t.open();
    for (const direction of ['ASC', 'DESC'] as const) {
      const byDevice = h.reader.explain(dataQuerySql(false, direction), 1, 0, 0, 1, 0, 10).join(' | ');
      const byPoint = h.reader.explain(dataQuerySql(true, direction), 1, 0, 0, 1, 0, 1, 10).join(' | ');
      for (const plan of [byDevice, byPoint]) {
        expect(plan).toMatch(/SEARCH x USING PRIMARY KEY \(device_id=\? AND \(received_at,point_id\)>\(\?,\?\) AND \(received_at,point_id\)<\(\?,\?\)\)/);
        expect(plan).toMatch(/SEARCH p USING INTEGER PRIMARY KEY \(rowid=\?\)/);
        expect(plan).not.toContain('TEMP B-TREE');
      }
    }
  });

  it('refuses a database whose schema is newer than the code knows', async () => {
    const h = await t.open();
    await h.stop();
    const db = new Database(t.path);
    db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(LATEST_SCHEMA_VERSION + 1, 'future', Date.now());
    db.close();

    const opening = t.open();
    await expect(opening).rejects.toBeInstanceOf(StorageError);
    await expect(opening).rejects.toMatchObject({ code: 'STORAGE_SCHEMA_TOO_NEW' });
    await expect(opening).rejects.toThrow(/newer than this dtuhub knows/);
  });

  it('refuses an in-memory database path with a clear error', async () => {
    const opening = openSqliteHistory(
      { storage: { driver: 'sqlite', path: ':memory:' }, writeBuffer: { maxRows: 10, flushIntervalMs: 10, maxPendingRows: 100 }, retention: KEEP_EVERYTHING },
      silentLogger(),
    );
    await expect(opening).rejects.toMatchObject({ code: 'STORAGE_UNSUPPORTED_PATH' });
  });

  it('never throws into the caller and ignores writes after close', async () => {
    const h = await t.open();
    const writer = h.writer;
    await writer.close();
    expect(() => writer.samples([sample('A', 'temperature', 1)])).not.toThrow();
    expect(() => writer.deviceOffline('A', 1)).not.toThrow();
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(writer.stats().rowsDropped).toBe(2);
  });
});
