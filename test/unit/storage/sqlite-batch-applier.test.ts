import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { SqliteBatchApplier } from '../../../src/storage/sqlite/sqlite-batch-applier.js';
import { batch, sample, tempDatabase, type TempDatabase } from './sqlite-fixture.js';

const online = (registrationId: string, at: number, ip = '10.0.0.1') => ({
  registrationId,
  profile: 'meter',
  name: `Meter ${registrationId}`,
  ip,
  port: 40001,
  listener: 'main',
  at,
});

describe('SqliteBatchApplier', () => {
  let t: TempDatabase;
  let applier: SqliteBatchApplier;

  beforeEach(async () => {
    t = await tempDatabase();
    applier = new SqliteBatchApplier(t.db);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const device = (id: string) =>
    t.db.prepare('SELECT * FROM devices WHERE registration_id = ?').get(id) as Record<string, unknown>;

  it('upserts a device on every registration, keeping its id and first_seen', () => {
    applier.apply([batch((b) => b.deviceOnline(online('A', 1000)))]);
    const first = device('A');
    applier.apply([batch((b) => b.deviceOnline({ ...online('A', 5000, '10.0.0.9'), profile: 'meter-v2' }))]);
    expect(device('A')).toMatchObject({
      id: first['id'],
      registration_id: 'A',
      profile: 'meter-v2',
      name: 'Meter A',
      first_seen: 1000,
      last_seen: 5000,
      last_ip: '10.0.0.9',
      last_port: 40001,
      status: 'online',
      listener: 'main',
    });
  });

  it('marks a device offline and keeps the latest last_seen', () => {
    applier.apply([batch((b) => b.deviceOnline(online('A', 1000)))]);
    applier.apply([batch((b) => b.deviceOffline('A', 9000))]);
    expect(device('A')).toMatchObject({ status: 'offline', last_seen: 9000 });
    applier.apply([batch((b) => b.deviceOffline('A', 2000))]);
    expect(device('A')).toMatchObject({ status: 'offline', last_seen: 9000 });
  });

  it('applies online and offline in the order they were accepted', () => {
    applier.apply([
      batch((b) => {
        b.deviceOnline(online('A', 1000));
        b.deviceOffline('A', 2000);
        b.deviceOnline(online('A', 3000));
      }),
    ]);
    expect(device('A')).toMatchObject({ status: 'online', last_seen: 3000 });
  });

  it('writes the samples of each device next to each other, in time order', () => {
    applier.apply([
      batch((b) => {
        for (let ts = 1; ts <= 3; ts++) for (const id of ['A', 'B', 'C']) b.sample(sample(id, 'temperature', ts));
      }),
    ]);
    // A plain scan returns rows in storage order, which is the table's key order.
    const devices = new Map(t.db.prepare('SELECT id, registration_id FROM devices').raw().all() as [number, string][]);
    const rows = (
      t.db.prepare('SELECT device_id, received_at FROM device_data').all() as {
        device_id: number;
        received_at: number;
      }[]
    ).map((r) => ({ dev: devices.get(r.device_id), ts: r.received_at }));
    expect(rows).toEqual([
      { dev: 'A', ts: 1 },
      { dev: 'A', ts: 2 },
      { dev: 'A', ts: 3 },
      { dev: 'B', ts: 1 },
      { dev: 'B', ts: 2 },
      { dev: 'B', ts: 3 },
      { dev: 'C', ts: 1 },
      { dev: 'C', ts: 2 },
      { dev: 'C', ts: 3 },
    ]);
  });

  it('stores every sample column exactly, across the multi-row insert boundary', () => {
    const n = 70; // one full 50-row insert and 20 single ones
    applier.apply([
      batch((b) => {
        for (let i = 0; i < n; i++) {
          b.sample({
            deviceId: 'A',
            point: `p${i}`,
            slave: i % 4,
            address: 40000 + i,
            value: i === 5 ? null : i + 0.25,
            text: i === 5 ? 'SN-5' : null,
            raw: i.toString(16).padStart(8, '0'),
            ts: 1_736_929_800_123 + i,
            quality: 'good',
          });
        }
      }),
    ]);
    const rows = t.db
      .prepare(
        `SELECT p.name AS point, s.slave, s.address, value, t.text_value, lower(hex(raw_value)) AS raw_value,
             x.received_at
           FROM device_data x JOIN point_names p ON p.id = x.point_id
             JOIN point_sources s ON s.device_id = x.device_id AND s.point_id = x.point_id
             LEFT JOIN device_text t USING (device_id, received_at, point_id)
           ORDER BY x.received_at`,
      )
      .all() as Record<string, unknown>[];
    expect(rows).toHaveLength(n);
    expect(rows[5]).toEqual({
      point: 'p5',
      slave: 1,
      address: 40005,
      value: null,
      text_value: 'SN-5',
      raw_value: '00000005',
      received_at: 1_736_929_800_128,
    });
    expect(rows[69]).toEqual({
      point: 'p69',
      slave: 1,
      address: 40069,
      value: 69.25,
      text_value: null,
      raw_value: '00000045',
      received_at: 1_736_929_800_192,
    });
    // The text sits in device_text, keyed like its row; no other row has one.
    expect(t.db.prepare('SELECT COUNT(*) FROM device_text').pluck().get()).toBe(1);
  });

  it("writes a series' slave and address to point_sources once, and again only when they change", () => {
    const sources = () => t.db.prepare('SELECT slave, address FROM point_sources').all();
    applier.apply([
      batch((b) => [1, 2, 3].forEach((ts) => b.sample({ ...sample('A', 'p', ts), slave: 2, address: 7 }))),
    ]);
    expect(sources()).toEqual([{ slave: 2, address: 7 }]);
    t.db.prepare('UPDATE point_sources SET slave = 99').run();
    // Unchanged: the applier remembers what it wrote and leaves the table alone.
    applier.apply([batch((b) => b.sample({ ...sample('A', 'p', 4), slave: 2, address: 7 }))]);
    expect(sources()).toEqual([{ slave: 99, address: 7 }]);
    applier.apply([batch((b) => b.sample({ ...sample('A', 'p', 5), slave: 3, address: 7 }))]);
    expect(sources()).toEqual([{ slave: 3, address: 7 }]);
  });

  it('stores raw register hex as a BLOB of its bytes and any other raw text as TEXT', () => {
    applier.apply([
      batch((b) => {
        b.sample({ ...sample('A', 'hex', 1), raw: '00ff' });
        b.sample({ ...sample('A', 'json', 1), raw: '"21.5 °C"' });
        b.sample({ ...sample('A', 'upper', 1), raw: '00FF' });
      }),
    ]);
    const rows = t.db
      .prepare(
        `SELECT p.name, raw_value, typeof(raw_value) AS type FROM device_data x JOIN point_names p ON p.id = x.point_id
         ORDER BY p.name`,
      )
      .all();
    expect(rows).toEqual([
      { name: 'hex', raw_value: Buffer.from([0, 255]), type: 'blob' },
      { name: 'json', raw_value: '"21.5 °C"', type: 'text' },
      { name: 'upper', raw_value: '00FF', type: 'text' },
    ]);
  });

  it('stores each point name once and refers to it by id from every device', () => {
    applier.apply([
      batch((b) =>
        ['A', 'B'].forEach((id) => ['temperature', 'humidity'].forEach((p) => b.sample(sample(id, p, 1000)))),
      ),
    ]);
    applier.apply([batch((b) => b.sample(sample('C', 'humidity', 2000)))]);
    expect(t.db.prepare('SELECT id, name FROM point_names ORDER BY id').all()).toEqual([
      { id: 1, name: 'temperature' },
      { id: 2, name: 'humidity' },
    ]);
    const perPoint = t.db
      .prepare('SELECT point_id, COUNT(*) AS n FROM device_data GROUP BY point_id ORDER BY point_id')
      .all();
    expect(perPoint).toEqual([
      { point_id: 1, n: 2 },
      { point_id: 2, n: 3 },
    ]);
  });

  it('stores a sample only once when a batch is applied again', () => {
    const twice = () => batch((b) => ['temperature', 'humidity'].forEach((p) => b.sample(sample('A', p, 1000, 1))));
    applier.apply([twice()]);
    applier.apply([twice(), batch((b) => b.sample(sample('A', 'temperature', 1001, 2)))]);
    expect(t.db.prepare('SELECT point_id, received_at, value FROM device_data').all()).toEqual([
      { point_id: 1, received_at: 1000, value: 1 },
      { point_id: 2, received_at: 1000, value: 1 },
      { point_id: 1, received_at: 1001, value: 2 },
    ]);
  });

  it('creates a bare device row for data from a device it never saw register', () => {
    applier.apply([batch((b) => b.sample(sample('GHOST', 'temperature', 7000)))]);
    expect(device('GHOST')).toMatchObject({
      profile: '',
      name: null,
      first_seen: 7000,
      last_seen: 7000,
      status: 'online',
    });
  });

  it('moves last_seen forward with heartbeats and data', () => {
    applier.apply([batch((b) => b.deviceOnline(online('A', 1000)))]);
    applier.apply([batch((b) => b.heartbeat({ registrationId: 'A', at: 4000, ip: '10.0.0.1', port: 40001 }))]);
    expect(device('A')['last_seen']).toBe(4000);
    applier.apply([batch((b) => b.sample(sample('A', 'temperature', 6000)))]);
    expect(device('A')['last_seen']).toBe(6000);
    expect(t.db.prepare('SELECT device_id, at, remote_ip, remote_port FROM heartbeat_log').all()).toEqual([
      { device_id: device('A')['id'], at: 4000, remote_ip: '10.0.0.1', remote_port: 40001 },
    ]);
  });

  it('stores raw packets as lowercase hex, with or without a device', () => {
    applier.apply([
      batch((b) => {
        b.rawPacket({
          registrationId: null,
          direction: 'in',
          kind: 'garbage',
          bytes: Buffer.from('GET / HTTP/1.1'),
          at: 1,
          ip: '203.0.113.5',
          port: 5555,
          note: 'before registration',
        });
        b.rawPacket({
          registrationId: 'A',
          direction: 'out',
          kind: 'request',
          bytes: Uint8Array.from([0x01, 0x03, 0x07, 0xd0, 0x00, 0x64, 0x44, 0xa8]),
          at: 2,
          ip: '10.0.0.1',
          port: 40001,
          note: null,
        });
      }),
    ]);
    expect(
      t.db
        .prepare(
          'SELECT registration_id, direction, kind, hex, at, remote_ip, remote_port, note FROM raw_packets ORDER BY id',
        )
        .all(),
    ).toEqual([
      {
        registration_id: null,
        direction: 'in',
        kind: 'garbage',
        hex: '474554202f20485454502f312e31',
        at: 1,
        remote_ip: '203.0.113.5',
        remote_port: 5555,
        note: 'before registration',
      },
      {
        registration_id: 'A',
        direction: 'out',
        kind: 'request',
        hex: '010307d0006444a8',
        at: 2,
        remote_ip: '10.0.0.1',
        remote_port: 40001,
        note: null,
      },
    ]);
  });

  it('rolls a failing batch back whole and still resolves devices correctly afterwards', () => {
    const poisoned = batch((b) => {
      b.deviceOnline(online('NEW', 1000));
      b.sample(sample('NEW', 'temperature', 1000));
      b.connection({
        registrationId: 'NEW',
        event: null as never,
        ip: '10.0.0.1',
        port: 1,
        listener: 'main',
        details: null,
        at: 1000,
      });
    });
    expect(() => applier.apply([poisoned])).toThrow(/NOT NULL/);
    expect(t.db.prepare('SELECT COUNT(*) FROM devices').pluck().get()).toBe(0);
    expect(t.db.prepare('SELECT COUNT(*) FROM device_data').pluck().get()).toBe(0);
    expect(t.db.prepare('SELECT COUNT(*) FROM point_names').pluck().get()).toBe(0);

    applier.apply([batch((b) => b.deviceOnline(online('OTHER', 1500)))]);
    applier.apply([batch((b) => b.sample(sample('OTHER', 'humidity', 1600)))]);
    applier.apply([batch((b) => b.sample(sample('NEW', 'temperature', 2000)))]);
    const row = t.db
      .prepare(
        `SELECT d.registration_id AS device, p.name AS point FROM device_data x
           JOIN devices d ON d.id = x.device_id JOIN point_names p ON p.id = x.point_id WHERE x.received_at = 2000`,
      )
      .get();
    expect(row).toEqual({ device: 'NEW', point: 'temperature' });
  });

  it('keeps connection events in the order they were accepted', () => {
    applier.apply([
      batch((b) => {
        for (const event of ['connect', 'heartbeat_timeout', 'connect', 'replaced'] as const) {
          b.connection({
            registrationId: 'A',
            event,
            ip: '10.0.0.1',
            port: 1,
            listener: 'main',
            details: null,
            at: 1000,
          });
        }
      }),
    ]);
    expect(t.db.prepare('SELECT event FROM connection_history ORDER BY id').pluck().all()).toEqual([
      'connect',
      'heartbeat_timeout',
      'connect',
      'replaced',
    ]);
  });

  it('commits several batches in one transaction, in order', () => {
    applier.apply([
      batch((b) => b.deviceOnline(online('A', 1000))),
      batch((b) => b.sample(sample('A', 'temperature', 1100))),
      batch((b) => b.deviceOffline('A', 1200)),
    ]);
    expect(device('A')).toMatchObject({ status: 'offline', last_seen: 1200 });
    expect(t.db.prepare('SELECT COUNT(*) FROM device_data').pluck().get()).toBe(1);
  });
});
