// Contract, part two: the write pipeline and the store's upkeep. Samples are stored once
// however often they are written, batches flush by size and by age, stop() and drained()
// keep their promises, retention deletes exactly what is past its limit, health() tells
// the truth, and the writer never throws into the gateway.
import { expect, it } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import type { ConnectionRecord, HistoryStore, RawPacketRecord, WriterStats } from '../../../src/storage/index.js';
import { beat, eventually, online, sample, T0, withoutIds } from './history-fixture.js';
import type { ContractContext } from './store-contract.js';

const DAY = 86_400_000;

const NO_WRITES: WriterStats = {
  rowsAccepted: 0,
  rowsWritten: 0,
  rowsSpilled: 0,
  rowsBuffered: 0,
  rowsDropped: 0,
  flushes: 0,
  failures: 0,
  lastFlushMs: null,
  batchesInFlight: 0,
};

function packet(at: number, byte: number, overrides: Partial<RawPacketRecord> = {}): RawPacketRecord {
  return {
    registrationId: 'A',
    direction: 'in',
    kind: 'response',
    bytes: Uint8Array.of(byte),
    at,
    ip: '198.51.100.7',
    port: 40123,
    note: null,
    ...overrides,
  };
}

function connect(registrationId: string | null, at: number): ConnectionRecord {
  return { registrationId, event: 'connect', ip: '198.51.100.7', port: 40123, listener: 'main', details: null, at };
}

/** Sorted as storedSamples() returns them. */
function byDeviceTimePoint(samples: readonly Sample[]): Sample[] {
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...samples].sort((a, b) => text(a.deviceId, b.deviceId) || a.ts - b.ts || text(a.point, b.point));
}

export function declareWritingContract(ctx: ContractContext): void {
  it('stores samples written twice in separate batches once, keeping the first values', async () => {
    const store = await ctx.open();
    const first = ['A', 'B'].flatMap((d) =>
      [0, 1, 2].flatMap((i) => [sample(d, 'temperature', i), sample(d, 'humidity', i)]),
    );
    store.writer.samples(first);
    await store.writer.flush();
    store.writer.samples(first.map((s) => ({ ...s, value: -1, raw: 'ffff' })));
    await store.writer.flush();
    store.writer.samples([sample('A', 'temperature', 3)]);
    await store.writer.flush();

    expect(await ctx.storedSamples()).toEqual(byDeviceTimePoint([...first, sample('A', 'temperature', 3)]));
    expect(await store.reader.counts()).toMatchObject({ devices: 2, deviceData: 13 });
    expect(store.writer.stats()).toMatchObject({ rowsAccepted: 25, rowsWritten: 25, rowsDropped: 0, flushes: 3 });
  });

  it('flushes by itself when a batch reaches maxRows', async () => {
    const store = await ctx.open({ writeBuffer: { maxRows: 100, flushIntervalMs: 60_000 } });
    const written = Array.from({ length: 250 }, (_, i) => sample('A', 'temperature', i));
    store.writer.samples(written);
    // A store may tell its writer about a commit a moment after readers can see it.
    await eventually(async () => (await ctx.rowCount('device_data')) === 200 && store.writer.stats().flushes === 2);
    expect(store.writer.stats()).toMatchObject({ rowsAccepted: 250, rowsWritten: 200, rowsBuffered: 50, flushes: 2 });
    expect(await ctx.storedSamples()).toEqual(written.slice(0, 200));
  });

  it('flushes by itself flushIntervalMs after the first row', async () => {
    const store = await ctx.open({ writeBuffer: { maxRows: 100_000, flushIntervalMs: 50 } });
    store.writer.samples([sample('A', 'temperature', 1)]);
    expect(store.writer.stats()).toMatchObject({ rowsAccepted: 1, rowsBuffered: 1, rowsWritten: 0 });
    await eventually(async () => (await ctx.rowCount('device_data')) === 1 && store.writer.stats().flushes === 1);
    expect(await ctx.storedSamples()).toEqual([sample('A', 'temperature', 1)]);
    expect(store.writer.stats()).toMatchObject({ rowsWritten: 1, rowsBuffered: 0, flushes: 1 });
  });

  it('commits everything accepted on stop, as a reopened store shows', async () => {
    const store = await ctx.open({ writeBuffer: { maxRows: 10_000, flushIntervalMs: 60_000 } });
    const writer = store.writer;
    const written = Array.from({ length: 2500 }, (_, i) => sample(`D${i % 5}`, `p${i % 7}`, i));
    for (let d = 0; d < 5; d++) writer.deviceOnline(online(`D${d}`, T0 - 1));
    writer.samples(written);
    writer.heartbeat(beat('D0', T0 + 5000));
    writer.connection(connect('D1', T0 + 6000));
    writer.rawPacket(packet(T0 + 7000, 0x42));
    expect(writer.stats().rowsWritten).toBe(0);
    await store.stop();
    expect(writer.stats()).toMatchObject({ rowsAccepted: 2508, rowsWritten: 2508, rowsBuffered: 0 });

    const reopened = await ctx.open();
    expect(await reopened.reader.counts()).toEqual({
      devices: 5,
      deviceData: 2500,
      connectionHistory: 1,
      heartbeatLog: 1,
      rawPackets: 1,
    });
    expect(await reopened.reader.data({ registrationId: 'D3', order: 'asc' })).toEqual(
      written.filter((s) => s.deviceId === 'D3'),
    );
    expect(await reopened.reader.device('D0')).toMatchObject({ firstSeen: T0 - 1, lastSeen: T0 + 5000 });
    expect(withoutIds(await reopened.reader.connections())).toEqual([connect('D1', T0 + 6000)]);
    expect(await ctx.rawQuery('SELECT hex, at FROM raw_packets')).toEqual([{ hex: '42', at: T0 + 7000 }]);
  });

  it('sweeps rows older than each table limit, keeps newer ones, caps raw packets and reports the counts', async () => {
    const retention = {
      deviceDataMs: 7 * DAY,
      minuteRollupsMs: 9 * DAY,
      heartbeatLogMs: DAY,
      connectionHistoryMs: 30 * DAY,
      rawPacketsMs: 2 * DAY,
      rawPacketsMaxRows: 5,
    };
    // Written without the cap (as by an older version, or before the cap was lowered), so
    // the sweep is what trims the table; commits under a cap trim it themselves (below).
    const writing = await ctx.open({ retention: { ...retention, rawPacketsMaxRows: 0 } });
    const now = T0;
    const w = writing.writer;
    // Each table gets rows just past its limit, exactly at it (kept: older than means older), and newer.
    // B's first four share a minute: enough samples for their hour to keep minute rows.
    const dataAges = {
      A: [8 * DAY, 7 * DAY + 1, 7 * DAY, DAY],
      B: [10 * DAY, 10 * DAY - 1000, 10 * DAY - 2000, 10 * DAY - 3000, 0],
    };
    for (const [device, ages] of Object.entries(dataAges))
      w.samples(ages.map((age, i) => sample(device, 'temperature', i, { ts: now - age })));
    for (const age of [2 * DAY, DAY + 1, DAY, 0]) w.heartbeat(beat('A', now - age));
    for (const age of [31 * DAY, 30 * DAY, 0]) w.connection(connect(null, now - age));
    // Three packets past the age limit, then eight in time: the cap keeps the newest five.
    const packetAges = [3 * DAY, 2 * DAY + 1, 2 * DAY + 1, 2 * DAY, DAY, 5, 4, 3, 2, 1, 0];
    packetAges.forEach((age, i) => w.rawPacket(packet(now - age, i)));
    await writing.stop();
    const store = await ctx.open({ retention });

    expect(await store.sweepRetention(now)).toEqual({
      deviceData: 6,
      // B's samples of 10 days ago are the one minute past 9 days; hour rollups are kept forever.
      minuteRollups: 1,
      hourRollups: 0,
      heartbeatLog: 2,
      connectionHistory: 1,
      rawPackets: 6,
      rawPacketsOverCap: 3,
      ms: expect.any(Number),
    });
    const ts = (rows: readonly { ts?: number; at?: number }[]) => rows.map((r) => now - (r.ts ?? r.at!));
    expect(ts(await store.reader.data({ registrationId: 'A', order: 'asc' }))).toEqual([7 * DAY, DAY]);
    expect(ts(await store.reader.data({ registrationId: 'B', order: 'asc' }))).toEqual([0]);
    expect(ts(await store.reader.heartbeats({ order: 'asc' }))).toEqual([DAY, 0]);
    expect(ts(await store.reader.connections({ order: 'asc' }))).toEqual([30 * DAY, 0]);
    expect((await store.reader.rawPackets({ order: 'asc' })).map((p) => p.hex)).toEqual(['06', '07', '08', '09', '0a']);
    expect(await store.reader.counts()).toEqual({
      devices: 2,
      deviceData: 3,
      connectionHistory: 2,
      heartbeatLog: 2,
      rawPackets: 5,
    });

    expect(await store.sweepRetention(now)).toEqual({
      deviceData: 0,
      minuteRollups: 0,
      hourRollups: 0,
      heartbeatLog: 0,
      connectionHistory: 0,
      rawPackets: 0,
      rawPacketsOverCap: 0,
      ms: expect.any(Number),
    });
  });

  it('holds raw_packets at rawPacketsMaxRows with every commit, newest kept', async () => {
    const store = await ctx.open({ retention: { rawPacketsMaxRows: 50 } });
    for (let flood = 1; flood <= 3; flood++) {
      for (let i = 0; i < 120; i++) store.writer.rawPacket(packet(T0 + flood * 1000 + i, i));
      await store.writer.flush();
      expect(await ctx.rowCount('raw_packets')).toBe(50);
    }
    const newest = await store.reader.rawPackets({ limit: 100 });
    expect(newest.map((p) => p.at)).toEqual(Array.from({ length: 50 }, (_, i) => T0 + 3000 + 119 - i));
  });

  it('holds raw_packets within rawPacketsMaxBytes with every commit, newest kept', async () => {
    const store = await ctx.open({ retention: { rawPacketsMaxBytes: 10_000 } });
    const bytes = new Uint8Array(100);
    for (let flood = 1; flood <= 3; flood++) {
      for (let i = 0; i < 120; i++) store.writer.rawPacket(packet(T0 + flood * 1000 + i, 0, { bytes }));
      await store.writer.flush();
      const rows = await store.reader.rawPackets({ limit: 1000 });
      const stored = rows.reduce((sum, r) => sum + r.hex.length / 2, 0);
      // Trimmed to 90 % of the budget once past it, oldest first.
      expect(stored).toBeLessThanOrEqual(10_000);
      expect(stored).toBeGreaterThanOrEqual(9_000);
      expect(rows[0]!.at).toBe(T0 + flood * 1000 + 119);
      expect(rows.at(-1)!.at).toBeGreaterThan(T0 + flood * 1000 - 1000);
    }
  });

  it('keeps a table forever when its limit is 0', async () => {
    const store = await ctx.open({
      retention: {
        deviceDataMs: 0,
        heartbeatLogMs: DAY,
        connectionHistoryMs: 0,
        rawPacketsMs: 0,
        rawPacketsMaxRows: 0,
      },
    });
    const ancient = 1; // 1970
    store.writer.samples([sample('A', 'temperature', 0, { ts: ancient })]);
    store.writer.heartbeat(beat('A', ancient));
    store.writer.heartbeat(beat('A', T0));
    store.writer.connection(connect('A', ancient));
    for (let i = 0; i < 3; i++) store.writer.rawPacket(packet(ancient, i));
    await store.writer.flush();

    expect(await store.sweepRetention(T0)).toEqual({
      deviceData: 0,
      minuteRollups: 0,
      hourRollups: 0,
      heartbeatLog: 1,
      connectionHistory: 0,
      rawPackets: 0,
      rawPacketsOverCap: 0,
      ms: expect.any(Number),
    });
    expect(await store.reader.counts()).toEqual({
      devices: 1,
      deviceData: 1,
      connectionHistory: 1,
      heartbeatLog: 1,
      rawPackets: 3,
    });
    expect((await store.reader.heartbeats()).map((h) => h.at)).toEqual([T0]);
  });

  it('reports its health, and drained() resolves once everything accepted is in the database', async () => {
    const store = await ctx.open();
    const before = store.health();
    expect(before).toEqual({
      driver: ctx.driver,
      where: ctx.where(),
      state: 'ok',
      since: expect.any(Number),
      lastError: null,
      rowsOnDisk: 0,
      bytesOnDisk: 0,
      writer: NO_WRITES,
    });

    store.writer.deviceOnline(online('7001', T0));
    store.writer.samples(Array.from({ length: 10 }, (_, i) => sample('7001', 'temperature', i)));
    store.writer.heartbeat(beat('7001', T0 + 20));
    expect(store.health().writer).toEqual({ ...NO_WRITES, rowsAccepted: 12, rowsBuffered: 12 });

    await store.drained();
    expect([
      await ctx.rowCount('devices'),
      await ctx.rowCount('device_data'),
      await ctx.rowCount('heartbeat_log'),
    ]).toEqual([1, 10, 1]);
    const after = store.health();
    expect(after).toEqual({
      ...before,
      writer: { ...NO_WRITES, rowsAccepted: 12, rowsWritten: 12, flushes: 1, lastFlushMs: expect.any(Number) },
    });
  });

  it('never throws into the caller: null and malformed records are counted as dropped, the rest stored', async () => {
    const store = await ctx.open();
    const w = store.writer;
    const junk: (() => void)[] = [
      // The samples before a malformed one in the same call are kept, the rest of the call is not.
      () => w.samples([sample('A', 'temperature', 1), null as never, sample('A', 'temperature', 2)]),
      () => w.deviceOnline(null as never),
      () => w.connection(null as never),
      () => w.heartbeat(null as never),
      () => w.rawPacket(null as never),
      () => w.rawPacket(packet(T0, 1, { bytes: null as never })),
      () => w.samples(null as never),
    ];
    for (const write of junk) expect(write).not.toThrow();
    w.heartbeat(beat('A', T0 + 5));
    await w.flush();

    expect(w.stats()).toMatchObject({ rowsAccepted: 2, rowsWritten: 2, rowsDropped: 7, rowsBuffered: 0 });
    expect(await ctx.storedSamples()).toEqual([sample('A', 'temperature', 1)]);
    expect(await store.reader.counts()).toEqual({
      devices: 1,
      deviceData: 1,
      connectionHistory: 0,
      heartbeatLog: 1,
      rawPackets: 0,
    });
    expect(store.health().state).toBe('ok');
  });

  it('ignores writes after stop without throwing', async () => {
    const store: HistoryStore = await ctx.open();
    const writer = store.writer;
    writer.samples([sample('A', 'temperature', 1)]);
    await store.stop();
    expect(() => writer.samples([sample('A', 'temperature', 2), sample('A', 'temperature', 3)])).not.toThrow();
    expect(() => writer.deviceOnline(online('B', T0))).not.toThrow();
    expect(() => writer.heartbeat(beat('A', T0))).not.toThrow();
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(writer.stats()).toMatchObject({ rowsAccepted: 1, rowsWritten: 1, rowsDropped: 4 });

    const reopened = await ctx.open();
    expect(await reopened.reader.counts()).toEqual({
      devices: 1,
      deviceData: 1,
      connectionHistory: 0,
      heartbeatLog: 0,
      rawPackets: 0,
    });
    expect(await ctx.storedSamples()).toEqual([sample('A', 'temperature', 1)]);
  });

  it('records only the raw packets its recordRawPackets policy asks for', async () => {
    const kinds = ['registration', 'request', 'response', 'exception', 'garbage', 'stray'] as const;
    const store = await ctx.open({ retention: { recordRawPackets: 'errors' } });
    kinds.forEach((kind, i) => store.writer.rawPacket(packet(T0 + i, i, { kind })));
    await store.writer.flush();
    expect((await store.reader.rawPackets({ order: 'asc' })).map((p) => p.kind)).toEqual([
      'exception',
      'garbage',
      'stray',
    ]);
    await store.stop();

    const none = await ctx.open({ retention: { recordRawPackets: 'none' } });
    kinds.forEach((kind, i) => none.writer.rawPacket(packet(T0 + 10 + i, i, { kind })));
    await none.writer.flush();
    expect(await none.reader.counts()).toMatchObject({ rawPackets: 3 });
  });
}
