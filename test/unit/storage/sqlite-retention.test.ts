import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { retentionKeepingEverything } from '../../../src/config/compile-server.js';
import type { RetentionConfig } from '../../../src/domain/config.js';
import { SqliteBatchApplier } from '../../../src/storage/sqlite/sqlite-batch-applier.js';
import { SqliteRetention } from '../../../src/storage/sqlite/sqlite-retention.js';
import { batch, sample, tempDatabase, type TempDatabase } from './sqlite-fixture.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);

const keepAll: RetentionConfig = retentionKeepingEverything('all');

describe('SqliteRetention', () => {
  let t: TempDatabase;
  let applier: SqliteBatchApplier;
  let pauses: number;
  const pause = async () => {
    pauses += 1;
  };

  beforeEach(async () => {
    t = await tempDatabase();
    applier = new SqliteBatchApplier(t.db);
    pauses = 0;
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const count = (table: string) => t.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

  function writeData(days: readonly number[], perDay: number): void {
    applier.apply([
      batch((b) => {
        for (const d of days) for (let i = 0; i < perDay; i++) b.sample(sample('A', 'temperature', NOW - d * DAY + i));
      }),
    ]);
  }

  it('deletes data older than the age limit in chunks, pausing between them', async () => {
    writeData([40, 35], 20); // 40 rows past a 30-day limit
    writeData([10, 0], 5); // 10 rows within it
    const retention = new SqliteRetention(t.db, { ...keepAll, deviceDataMs: 30 * DAY }, 8);
    const report = await retention.sweep(NOW, pause);
    expect(report.deviceData).toBe(40);
    expect(count('device_data')).toBe(10);
    expect(pauses).toBeGreaterThanOrEqual(4); // 40 rows in chunks of 8
    const oldest = t.db.prepare('SELECT MIN(received_at) FROM device_data').pluck().get() as number;
    expect(oldest).toBe(NOW - 10 * DAY);
  });

  it('deletes old minute rollups device after device in chunks, and keeps hours and newer minutes', async () => {
    // 3 devices × 3 points, 5 samples a minute (dense: their hours keep minute rows) in
    // minutes 40 and 10 days ago. rollup_minute is keyed (device, bucket, point): each
    // device's old minutes are the front of its range.
    applier.apply([
      batch((b) => {
        for (const device of ['A', 'B', 'C'])
          for (const point of ['p1', 'p2', 'p3'])
            for (const d of [40, 10])
              for (let m = 0; m < 3; m++)
                for (let i = 0; i < 5; i++) b.sample(sample(device, point, NOW - d * DAY + m * 60_000 + i * 1000));
      }),
    ]);
    applier.drainRollups();
    expect(count('rollup_minute')).toBe(3 * 3 * 2 * 3);
    const hours = count('rollup_hour');
    const retention = new SqliteRetention(t.db, { ...keepAll, minuteRollupsMs: 30 * DAY }, 4);
    const report = await retention.sweep(NOW, pause);
    expect(report.minuteRollups).toBe(27);
    expect(report.hourRollups).toBe(0);
    expect(pauses).toBeGreaterThanOrEqual(6); // 27 rows in 7 chunks of 4, a pause between two
    expect(count('rollup_hour')).toBe(hours);
    const left = t.db
      .prepare(
        'SELECT COUNT(*) AS n, MIN(bucket) AS oldest, COUNT(DISTINCT device_id * 100 + point_id) AS series FROM rollup_minute',
      )
      .get();
    expect(left).toEqual({ n: 27, oldest: Math.floor((NOW - 10 * DAY) / 60_000) * 60_000, series: 9 });
    expect((await retention.sweep(NOW, pause)).minuteRollups).toBe(0);
  });

  it("deletes a text point's text with its row, and keeps the text of rows it keeps", async () => {
    applier.apply([
      batch((b) => {
        for (const d of [40, 35, 10, 0])
          b.sample({ ...sample('A', 'serial', NOW - d * DAY), value: null, text: `SN-${d}` });
      }),
    ]);
    const retention = new SqliteRetention(t.db, { ...keepAll, deviceDataMs: 30 * DAY }, 1);
    expect((await retention.sweep(NOW, pause)).deviceData).toBe(2);
    expect(t.db.prepare('SELECT text_value FROM device_text ORDER BY received_at').pluck().all()).toEqual([
      'SN-10',
      'SN-0',
    ]);
  });

  it('deletes the old rows of every device, crossing devices within a chunk', async () => {
    applier.apply([
      batch((b) => {
        for (const [id, oldRows] of [
          ['A', 3],
          ['B', 0],
          ['C', 12],
          ['D', 5],
        ] as const) {
          for (let i = 0; i < oldRows; i++)
            b.sample(sample(id, i % 2 === 0 ? 'temperature' : 'humidity', NOW - 40 * DAY + i));
          b.sample(sample(id, 'temperature', NOW - DAY));
        }
      }),
    ]);
    const report = await new SqliteRetention(t.db, { ...keepAll, deviceDataMs: 30 * DAY }, 7).sweep(NOW, pause);
    expect(report.deviceData).toBe(20);
    expect(pauses).toBe(2); // 7 + 7 + 6 rows: three transactions, a pause between each
    expect(t.db.prepare('SELECT received_at FROM device_data').pluck().all()).toEqual([
      NOW - DAY,
      NOW - DAY,
      NOW - DAY,
      NOW - DAY,
    ]);
  });

  it('pauses between groups of devices even when each has little to delete', async () => {
    applier.apply([
      batch((b) => {
        for (let d = 0; d < 1100; d++) b.sample(sample(`D${d}`, 'temperature', NOW - 40 * DAY));
      }),
    ]);
    const report = await new SqliteRetention(t.db, { ...keepAll, deviceDataMs: 30 * DAY }).sweep(NOW, pause);
    expect(report.deviceData).toBe(1100);
    expect(pauses).toBe(2); // 500 + 500 + 100 devices
    expect(count('device_data')).toBe(0);
  });

  it('keeps everything when the limit is 0', async () => {
    writeData([400], 10);
    const report = await new SqliteRetention(t.db, keepAll, 8).sweep(NOW, pause);
    expect(report.deviceData).toBe(0);
    expect(count('device_data')).toBe(10);
  });

  it('deletes old heartbeats and connection history by their own limits', async () => {
    applier.apply([
      batch((b) => {
        for (const age of [20, 8, 1]) {
          b.heartbeat({ registrationId: 'A', at: NOW - age * DAY, ip: '10.0.0.1', port: 1 });
          b.connection({
            registrationId: 'A',
            event: 'connect',
            ip: '10.0.0.1',
            port: 1,
            listener: 'main',
            details: null,
            at: NOW - age * DAY,
          });
        }
      }),
    ]);
    const report = await new SqliteRetention(t.db, {
      ...keepAll,
      heartbeatLogMs: 7 * DAY,
      connectionHistoryMs: 14 * DAY,
    }).sweep(NOW, pause);
    expect(report).toMatchObject({ heartbeatLog: 2, connectionHistory: 1 });
    expect(count('heartbeat_log')).toBe(1);
    expect(count('connection_history')).toBe(2);
  });

  it('caps raw_packets at rawPacketsMaxRows, deleting the oldest first', async () => {
    applier.apply([
      batch((b) => {
        for (let i = 0; i < 125; i++) {
          b.rawPacket({
            registrationId: 'A',
            direction: 'in',
            kind: 'response',
            bytes: Uint8Array.of(i),
            at: NOW - 1000 + i,
            ip: '10.0.0.1',
            port: 1,
            note: null,
          });
        }
      }),
    ]);
    const report = await new SqliteRetention(t.db, { ...keepAll, rawPacketsMaxRows: 50 }, 20).sweep(NOW, pause);
    expect(report).toMatchObject({ rawPackets: 75, rawPacketsOverCap: 75 });
    expect(count('raw_packets')).toBe(50);
    expect(t.db.prepare('SELECT MIN(hex) AS first, MAX(hex) AS last FROM raw_packets').get()).toEqual({
      first: '4b',
      last: '7c',
    });
    expect(pauses).toBeGreaterThanOrEqual(3);
  });

  it('applies the raw packet age limit before the cap', async () => {
    applier.apply([
      batch((b) => {
        for (let i = 0; i < 10; i++) {
          b.rawPacket({
            registrationId: null,
            direction: 'in',
            kind: 'garbage',
            bytes: Uint8Array.of(i),
            at: NOW - (i < 6 ? 5 : 1) * DAY,
            ip: '10.0.0.1',
            port: 1,
            note: null,
          });
        }
      }),
    ]);
    const report = await new SqliteRetention(t.db, { ...keepAll, rawPacketsMs: 3 * DAY, rawPacketsMaxRows: 3 }).sweep(
      NOW,
      pause,
    );
    expect(report).toMatchObject({ rawPackets: 7, rawPacketsOverCap: 1 });
    expect(count('raw_packets')).toBe(3);
  });

  it('stops between chunks when asked to', async () => {
    writeData([40], 50);
    let chunks = 0;
    const report = await new SqliteRetention(t.db, { ...keepAll, deviceDataMs: DAY }, 10).sweep(
      NOW,
      async () => {
        chunks += 1;
      },
      () => chunks >= 2,
    );
    expect(report.deviceData).toBe(20);
    expect(count('device_data')).toBe(30);
  });
});
