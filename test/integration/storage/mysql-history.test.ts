import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { Sample } from '../../../src/domain/point.js';
import { createPool } from 'mysql2/promise';
import { silentLogger } from '../../../src/log.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, MysqlHistory, StorageError } from '../../../src/storage/index.js';
import { MysqlBatchApplier } from '../../../src/storage/mysql/mysql-batch-applier.js';
import { WriteBatchBuilder } from '../../../src/storage/write-batch.js';
import { KEEP_EVERYTHING, sample, T0 } from './history-fixture.js';
import { tempMysql, type TempMysql } from './mysql-fixture.js';

const online = (registrationId: string, at: number) => ({
  registrationId,
  profile: 'th-sensor',
  name: `Sensor ${registrationId}`,
  ip: '198.51.100.7',
  port: 40123,
  listener: 'main',
  at,
});

const TABLES = ['connection_history', 'device_data', 'devices', 'heartbeat_log', 'point_names', 'raw_packets', 'schema_version', 'web_audit', 'web_tokens', 'web_users'];

describe('MySQL history store', () => {
  let t: TempMysql;

  beforeEach(async () => {
    t = await tempMysql();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function select(sql: string, params: (string | number)[] = []): Promise<RowDataPacket[]> {
    const [rows] = await t.sql.query<RowDataPacket[]>(sql, params);
    return rows;
  }

  it('creates every table on first start and records the schema version', async () => {
    await t.open();
    const tables = await select('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name');
    expect(tables.map((r) => r['name'] as string).sort()).toEqual(TABLES);
    const versions = await select('SELECT version, name FROM schema_version');
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(versions.at(-1)).toMatchObject({ version: LATEST_SCHEMA_VERSION });
  });

  it('starts a second time on a migrated database without applying anything', async () => {
    const first = await t.open();
    first.writer.deviceOnline(online('7001', T0));
    await first.stop();
    const before = await select('SELECT version, applied_at FROM schema_version');
    const second = await t.open();
    expect(await select('SELECT version, applied_at FROM schema_version')).toEqual(before);
    expect(await second.reader.counts()).toMatchObject({ devices: 1 });
  });

  it('refuses a database whose schema is newer than the code', async () => {
    await (await t.open()).stop();
    await t.sql.query('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)', [LATEST_SCHEMA_VERSION + 1, 'future', T0]);
    const refused = await t.create().start().then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(StorageError);
    expect((refused as StorageError).code).toBe('STORAGE_SCHEMA_TOO_NEW');
  });

  it('fails to start with STORAGE_OPEN_FAILED when the server cannot be reached', async () => {
    const h = new MysqlHistory(
      {
        storage: { ...t.storage, port: 1 },
        writeBuffer: { maxRows: 10, flushIntervalMs: 1000 },
        retention: KEEP_EVERYTHING,
      },
      silentLogger(),
    );
    await expect(h.start()).rejects.toMatchObject({ code: 'STORAGE_OPEN_FAILED' });
  });

  it('reads back samples with exact values, raw text and millisecond timestamps', async () => {
    const h = await t.open();
    h.writer.deviceOnline(online('7001', T0));
    const written: Sample[] = [
      { deviceId: '7001', point: 'temperature', slave: 1, address: 2000, value: 25.3, text: null, raw: '00fd', ts: T0 + 1, quality: 'good' },
      { deviceId: '7001', point: 'ratio', slave: 1, address: 2004, value: 0.30000000000000004, text: null, raw: '3e99999a', ts: T0 + 2, quality: 'good' },
      { deviceId: '7001', point: 'serial', slave: 2, address: 3000, value: null, text: 'AB-12 ✓', raw: '41422d3132', ts: T0 + 3, quality: 'good' },
      { deviceId: '7001', point: 'energy', slave: 3, address: 65534, value: 9007199254740991, text: null, raw: '001fffffffffffff', ts: T0 + 4, quality: 'good' },
      { deviceId: '7001', point: 'tiny', slave: 3, address: 7, value: -5e-324, text: null, raw: '8000000000000001', ts: T0 + 5, quality: 'good' },
    ];
    h.writer.samples(written);
    await h.writer.flush();

    expect(await h.reader.data({ registrationId: '7001', order: 'asc' })).toEqual(written);
    const direct = await select(
      `SELECT d.registration_id, x.received_at, p.name, x.value, x.text_value, x.raw_value, x.quality
       FROM device_data x JOIN devices d ON d.id = x.device_id JOIN point_names p ON p.id = x.point_id ORDER BY x.received_at`,
    );
    expect(direct).toEqual(
      written.map((s) => ({
        registration_id: '7001',
        received_at: s.ts,
        name: s.point,
        value: s.value,
        text_value: s.text,
        raw_value: s.raw,
        quality: s.quality,
      })),
    );
    expect(h.writer.stats()).toMatchObject({ rowsAccepted: 6, rowsWritten: 6, rowsBuffered: 0, rowsDropped: 0, failures: 0, flushes: 1 });
  });

  it('answers data queries by point, window and limit, and pages with a cursor without gaps', async () => {
    const h = await t.open();
    for (let i = 0; i < 10; i++) h.writer.samples([sample('A', 'temperature', i), sample('A', 'humidity', i)]);
    await h.writer.flush();

    const window = await h.reader.data({ registrationId: 'A', point: 'temperature', from: T0 + 3, to: T0 + 7 });
    expect(window.map((r) => r.ts)).toEqual([T0 + 6, T0 + 5, T0 + 4, T0 + 3]);
    const all = await h.reader.data({ registrationId: 'A', order: 'asc', limit: 100 });
    expect(all).toHaveLength(20);
    for (const order of ['asc', 'desc'] as const) {
      const paged = [];
      let page = await h.reader.data({ registrationId: 'A', order, limit: 3 });
      while (page.length > 0) {
        paged.push(...page);
        const last = page.at(-1)!;
        page = await h.reader.data({ registrationId: 'A', order, limit: 3, after: { ts: last.ts, point: last.point } });
      }
      expect(paged).toEqual(order === 'asc' ? all : [...all].reverse());
    }
    expect(await h.reader.data({ registrationId: 'unknown' })).toEqual([]);
  });

  it('keeps devices, connections, heartbeats and raw packets with their exact fields', async () => {
    const h = await t.open();
    h.writer.deviceOnline(online('7001', T0));
    h.writer.connection({ registrationId: '7001', event: 'connect', ip: '198.51.100.7', port: 40123, listener: 'main', details: null, at: T0 });
    h.writer.connection({ registrationId: null, event: 'rejected', ip: '203.0.113.9', port: 5000, listener: 'main', details: 'bad id', at: T0 + 1 });
    h.writer.heartbeat({ registrationId: '7001', at: T0 + 60_000, ip: '198.51.100.7', port: 40123 });
    h.writer.heartbeat({ registrationId: '9999', at: T0 + 61_000, ip: '198.51.100.8', port: 40124 });
    const bytes = Buffer.from('010310000002c0cb', 'hex');
    h.writer.rawPacket({ registrationId: '7001', direction: 'out', kind: 'request', bytes, at: T0 + 2, ip: '198.51.100.7', port: 40123, note: null });
    h.writer.rawPacket({ registrationId: null, direction: 'in', kind: 'garbage', bytes: new Uint8Array([0, 0xff]), at: T0 + 3, ip: '203.0.113.9', port: 5000, note: 'noise' });
    h.writer.deviceOffline('7001', T0 + 120_000);
    await h.stop();

    const r = await t.open();
    const device = await r.reader.device('7001');
    expect(device).toMatchObject({
      registrationId: '7001',
      profile: 'th-sensor',
      name: 'Sensor 7001',
      firstSeen: T0,
      lastSeen: T0 + 120_000,
      lastIp: '198.51.100.7',
      lastPort: 40123,
      status: 'offline',
      listener: 'main',
    });
    // A heartbeat from a device that never registered creates a bare device row.
    expect(await r.reader.device('9999')).toMatchObject({ profile: '', firstSeen: T0 + 61_000, lastSeen: T0 + 61_000, status: 'online' });
    expect((await r.reader.devices()).map((d) => d.registrationId)).toEqual(['7001', '9999']);

    const connections = await r.reader.connections({ order: 'asc' });
    expect(connections.map(({ id: _id, ...rest }) => rest)).toEqual([
      { registrationId: '7001', event: 'connect', ip: '198.51.100.7', port: 40123, listener: 'main', details: null, at: T0 },
      { registrationId: null, event: 'rejected', ip: '203.0.113.9', port: 5000, listener: 'main', details: 'bad id', at: T0 + 1 },
    ]);
    expect((await r.reader.heartbeats({ registrationId: '7001' })).map(({ id: _id, ...rest }) => rest)).toEqual([
      { registrationId: '7001', at: T0 + 60_000, ip: '198.51.100.7', port: 40123 },
    ]);
    expect((await r.reader.rawPackets({ order: 'asc' })).map(({ id: _id, ...rest }) => rest)).toEqual([
      { registrationId: '7001', direction: 'out', kind: 'request', hex: '010310000002c0cb', at: T0 + 2, ip: '198.51.100.7', port: 40123, note: null },
      { registrationId: null, direction: 'in', kind: 'garbage', hex: '00ff', at: T0 + 3, ip: '203.0.113.9', port: 5000, note: 'noise' },
    ]);
    expect(await r.reader.rawPackets({ kind: 'garbage' })).toHaveLength(1);
    expect(await select('SELECT hex, at FROM raw_packets ORDER BY at')).toEqual([
      { hex: '010310000002c0cb', at: T0 + 2 },
      { hex: '00ff', at: T0 + 3 },
    ]);
    expect(await r.reader.counts()).toEqual({ devices: 2, deviceData: 0, connectionHistory: 2, heartbeatLog: 2, rawPackets: 2 });
  });

  it('stores each sample once when the same batch is applied twice', async () => {
    await (await t.open()).stop();
    const builder = new WriteBatchBuilder();
    builder.deviceOnline(online('A', T0));
    for (let i = 0; i < 1200; i++) builder.sample(sample('A', i % 2 === 0 ? 'temperature' : 'humidity', i >> 1));
    const batch = builder.finish();
    const { host, port, user, password, database } = t.storage;
    const pool = createPool({ host, port, user, password, database, connectionLimit: 1 });
    try {
      const connection = await pool.getConnection();
      try {
        // A second applier: the retry may come from a process that has no cached ids.
        await new MysqlBatchApplier().apply(connection, [batch]);
        await new MysqlBatchApplier().apply(connection, [batch]);
      } finally {
        connection.release();
      }
    } finally {
      await pool.end();
    }
    expect(await select('SELECT COUNT(*) AS n FROM device_data')).toEqual([{ n: 1200 }]);
    expect(await select('SELECT COUNT(*) AS n FROM devices')).toEqual([{ n: 1 }]);
    expect(await select('SELECT COUNT(*) AS n FROM point_names')).toEqual([{ n: 2 }]);
  });

  it('writes thousands of samples with a handful of multi-row statements', async () => {
    await (await t.open()).stop();
    const builder = new WriteBatchBuilder();
    for (let i = 0; i < 3000; i++) builder.sample(sample(i % 3 === 0 ? 'A' : 'B', `p${i % 10}`, i));
    builder.heartbeat({ registrationId: 'A', at: T0, ip: '198.51.100.7', port: 1 });
    const { host, port, user, password, database } = t.storage;
    const pool = createPool({ host, port, user, password, database, connectionLimit: 1 });
    let statements = 0;
    try {
      const connection = await pool.getConnection();
      const counting = new Proxy(connection, {
        get(target, key, receiver) {
          const member = Reflect.get(target, key, receiver) as unknown;
          if (key !== 'query' || typeof member !== 'function') return typeof member === 'function' ? member.bind(target) : member;
          return (...args: unknown[]) => {
            statements += 1;
            return (member as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      }) as PoolConnection;
      try {
        await new MysqlBatchApplier().apply(counting, [builder.finish()]);
      } finally {
        connection.release();
      }
    } finally {
      await pool.end();
    }
    expect(await select('SELECT COUNT(*) AS n FROM device_data')).toEqual([{ n: 3000 }]);
    // devices: insert + select; points: insert + select; heartbeats 1; samples 6 × 500; last_seen 1.
    expect(statements).toBeLessThanOrEqual(12);
  });

  it('flushes every accepted row on stop', async () => {
    const h = await t.open({ writeBuffer: { maxRows: 10_000, flushIntervalMs: 60_000 } });
    for (let i = 0; i < 2500; i++) h.writer.samples([sample(`D${i % 5}`, 'temperature', i)]);
    h.writer.heartbeat({ registrationId: 'D0', at: T0 + 5000, ip: '198.51.100.7', port: 1 });
    expect(h.writer.stats().rowsWritten).toBe(0);
    await h.stop();
    expect(await select('SELECT COUNT(*) AS n FROM device_data')).toEqual([{ n: 2500 }]);
    expect(await select('SELECT COUNT(*) AS n FROM heartbeat_log')).toEqual([{ n: 1 }]);
    expect(await select('SELECT registration_id, last_seen FROM devices WHERE registration_id = ?', ['D0'])).toEqual([
      { registration_id: 'D0', last_seen: T0 + 5000 },
    ]);
  });
});
