// Contract, part one: what goes in through the writer comes back out of the reader (and is
// in the database) exactly, and every query filters, orders, limits and pages the same way.
import { expect, it } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import type {
  ConnectionRecord,
  DataQuery,
  DataRow,
  HistoryStore,
  RawPacketRecord,
} from '../../../src/storage/index.js';
import { beat, online, sample, T0, withoutIds } from './history-fixture.js';
import type { ContractContext } from './store-contract.js';

/** The latest instant a JS Date can hold. */
const LAST_DATE_MS = 8_640_000_000_000_000;

/** Every kind of value a decoded point can have. */
const VALUE_SHAPES: readonly Sample[] = [
  {
    deviceId: '7001',
    point: 'temperature',
    slave: 1,
    address: 0,
    value: 25.3,
    text: null,
    raw: '00fd',
    ts: T0,
    quality: 'good',
  },
  {
    deviceId: '7001',
    point: 'ratio',
    slave: 1,
    address: 2,
    value: 0.30000000000000004,
    text: null,
    raw: '3e99999a',
    ts: T0 + 1,
    quality: 'good',
  },
  // A scaled reading (978 × 0.1): 17 characters as text, more digits than 2^53 holds.
  {
    deviceId: '7001',
    point: 'scaled',
    slave: 1,
    address: 3,
    value: 97.80000000000001,
    text: null,
    raw: '03d2',
    ts: T0 + 2,
    quality: 'good',
  },
  {
    deviceId: '7001',
    point: 'offset',
    slave: 1,
    address: 4,
    value: -40.5,
    text: null,
    raw: 'c2220000',
    ts: T0 + 3,
    quality: 'good',
  },
  {
    deviceId: '7001',
    point: 'min_int16',
    slave: 1,
    address: 6,
    value: -32768,
    text: null,
    raw: '8000',
    ts: T0 + 4,
    quality: 'good',
  },
  {
    deviceId: '7001',
    point: 'zero',
    slave: 1,
    address: 7,
    value: 0,
    text: null,
    raw: '0000',
    ts: T0 + 5,
    quality: 'good',
  },
  {
    deviceId: '7001',
    point: 'serial',
    slave: 247,
    address: 65535,
    value: null,
    text: 'AB-12 ✓ 温度',
    raw: '41422d3132',
    ts: T0 + 6,
    quality: 'good',
  },
  {
    deviceId: '7001',
    point: 'label',
    slave: 2,
    address: 10,
    value: null,
    text: '',
    raw: '',
    ts: T0 + 7,
    quality: 'good',
  },
  {
    deviceId: '7001',
    point: 'energy',
    slave: 3,
    address: 20,
    value: 9007199254740991,
    text: null,
    raw: '001fffffffffffff',
    ts: T0 + 8,
    quality: 'good',
  },
  {
    deviceId: '7001',
    point: 'largest',
    slave: 3,
    address: 24,
    value: 1.7976931348623157e308,
    text: null,
    raw: '7fefffffffffffff',
    ts: T0 + 9,
    quality: 'good',
  },
  {
    deviceId: '7001',
    point: 'tiny',
    slave: 3,
    address: 28,
    value: -5e-324,
    text: null,
    raw: '8000000000000001',
    ts: T0 + 10,
    quality: 'good',
  },
  {
    deviceId: '7001',
    point: 'far_future',
    slave: 4,
    address: 1,
    value: 1,
    text: null,
    raw: '0001',
    ts: Date.UTC(2200, 0, 1),
    quality: 'good',
  },
  {
    deviceId: '7001',
    point: 'last_date',
    slave: 4,
    address: 2,
    value: 2,
    text: null,
    raw: '0002',
    ts: LAST_DATE_MS,
    quality: 'good',
  },
];

const POINTS = ['temperature', 'humidity', 'pressure'] as const;

/** `instant:point` of each row, instants counted in seconds from T0. */
const keys = (rows: readonly DataRow[]): string[] => rows.map((r) => `${(r.ts - T0) / 1000}:${r.point}`);

/** Every page of a data query, following the `after` cursor until a page comes back empty. */
async function allPages(store: HistoryStore, query: DataQuery): Promise<{ rows: DataRow[]; pages: number }> {
  const rows: DataRow[] = [];
  let pages = 0;
  let page = await store.reader.data(query);
  while (page.length > 0) {
    pages += 1;
    rows.push(...page);
    const last = page.at(-1)!;
    page = await store.reader.data({ ...query, after: { ts: last.ts, point: last.point } });
  }
  return { rows, pages };
}

export function declareQueryContract(ctx: ContractContext): void {
  it('stores samples of every value shape and reads them back exactly', async () => {
    const store = await ctx.open();
    store.writer.deviceOnline(online('7001', T0));
    store.writer.samples(VALUE_SHAPES);
    await store.writer.flush();

    expect(await ctx.storedSamples()).toEqual(VALUE_SHAPES);
    expect(await store.reader.data({ registrationId: '7001', order: 'asc' })).toEqual(VALUE_SHAPES);
  });

  it('reads back raw values that are not register hex exactly, as channels store them', async () => {
    const store = await ctx.open();
    // JSON text as an MQTT or HTTP channel stores it, odd-length and uppercase hex, characters
    // LOAD DATA escapes, and the longest raw a channel keeps (1,024 UTF-16 units) in 3- and 4-byte UTF-8.
    const raws = [
      '"21.5 °C"',
      'true',
      '-1.5',
      '2',
      '25',
      '',
      '00FF',
      'a\tb\nc\\d\0',
      '中'.repeat(1024),
      '😀'.repeat(512),
    ];
    const written = raws.map((raw, i) => sample('C', 'json', i, { raw, value: null, text: `t${i}` }));
    store.writer.samples(written);
    await store.writer.flush();

    expect(await store.reader.data({ registrationId: 'C', order: 'asc' })).toEqual(written);
    expect(await ctx.storedSamples()).toEqual(written);
  });

  it('reads every sample of a series with the slave and address the series had last', async () => {
    const store = await ctx.open();
    store.writer.samples([sample('D', 'p', 0, { slave: 1, address: 10 }), sample('D', 'q', 0)]);
    await store.writer.flush();
    store.writer.samples([sample('D', 'p', 1, { slave: 2, address: 20 })]);
    await store.writer.flush();

    const rows = await store.reader.data({ registrationId: 'D', point: 'p', order: 'asc' });
    expect(rows.map((r) => [r.ts - T0, r.slave, r.address])).toEqual([
      [0, 2, 20],
      [1, 2, 20],
    ]);
    expect(await store.reader.data({ registrationId: 'D', point: 'q' })).toEqual([sample('D', 'q', 0)]);
  });

  it('answers data queries by point, time window (from inclusive, to exclusive), limit and order', async () => {
    const store = await ctx.open();
    for (let i = 0; i < 10; i++) store.writer.samples([sample('A', 'temperature', i), sample('A', 'humidity', i)]);
    store.writer.samples([sample('B', 'temperature', 5, { value: 99 })]);
    await store.writer.flush();
    const read = (query: Omit<DataQuery, 'registrationId'>, registrationId = 'A') =>
      store.reader.data({ registrationId, ...query });

    expect(await read({ point: 'temperature', from: T0 + 3, to: T0 + 7 })).toEqual(
      [6, 5, 4, 3].map((i) => sample('A', 'temperature', i)),
    );
    expect(await read({ point: 'humidity', from: T0 + 8, order: 'asc' })).toEqual(
      [8, 9].map((i) => sample('A', 'humidity', i)),
    );
    expect(await read({ point: 'humidity', to: T0 + 2, order: 'asc' })).toEqual(
      [0, 1].map((i) => sample('A', 'humidity', i)),
    );
    expect(await read({ point: 'humidity', order: 'asc', limit: 2 })).toEqual(
      [0, 1].map((i) => sample('A', 'humidity', i)),
    );
    // Newest first by default; points of one instant in the order their names were first stored, reversed.
    expect(await read({ limit: 3 })).toEqual([
      sample('A', 'humidity', 9),
      sample('A', 'temperature', 9),
      sample('A', 'humidity', 8),
    ]);
    expect(await read({ from: T0 + 5, to: T0 + 6 })).toEqual([
      sample('A', 'humidity', 5),
      sample('A', 'temperature', 5),
    ]);
    expect(await read({}, 'B')).toEqual([sample('B', 'temperature', 5, { value: 99 })]);
    expect(await read({ from: T0 + 5, to: T0 + 5 })).toEqual([]);
    expect(await read({ point: 'no-such-point' })).toEqual([]);
    expect(await read({}, 'no-such-device')).toEqual([]);
  });

  it('pages with the after cursor through several pages in both orders without a gap or a repeat', async () => {
    const store = await ctx.open();
    // Three points share each instant, so most pages end in the middle of an instant.
    for (let i = 0; i < 10; i++) store.writer.samples(POINTS.map((p) => sample('A', p, i, { ts: T0 + i * 1000 })));
    store.writer.samples([sample('B', 'temperature', 99, { ts: T0 + 5000 })]);
    await store.writer.flush();

    const instants = [2, 3, 4, 5, 6, 7, 8];
    const ascending = instants.flatMap((s) => POINTS.map((p) => `${s}:${p}`));
    const window = { registrationId: 'A', from: T0 + 2000, to: T0 + 9000, limit: 4 };
    const asc = await allPages(store, { ...window, order: 'asc' });
    expect(keys(asc.rows)).toEqual(ascending);
    expect(asc.pages).toBe(6);
    const desc = await allPages(store, window);
    expect(keys(desc.rows)).toEqual([...ascending].reverse());
    expect(desc.pages).toBe(6);

    // Paged or in one go, the rows are the same, values included.
    const everything = await store.reader.data({ registrationId: 'A', order: 'asc' });
    expect(everything).toHaveLength(30);
    expect((await allPages(store, { registrationId: 'A', order: 'asc', limit: 7 })).rows).toEqual(everything);
    expect((await allPages(store, { registrationId: 'A', limit: 7 })).rows).toEqual([...everything].reverse());
    // One point, paged from a cursor on that point.
    const humidity = await store.reader.data({
      registrationId: 'A',
      point: 'humidity',
      limit: 2,
      after: { ts: T0 + 5000, point: 'humidity' },
    });
    expect(keys(humidity)).toEqual(['4:humidity', '3:humidity']);
  });

  it('upserts devices on registration, marks them offline and moves last_seen forward with heartbeats and data', async () => {
    const store = await ctx.open();
    const w = store.writer;
    w.deviceOnline(online('7001', T0));
    w.deviceOnline(online('7002', T0 + 5, { name: null }));
    await w.flush();
    const first = await store.reader.device('7001');
    expect(first).toEqual({
      id: expect.any(Number),
      registrationId: '7001',
      profile: 'th-sensor',
      name: 'Sensor 7001',
      firstSeen: T0,
      lastSeen: T0,
      lastIp: '198.51.100.7',
      lastPort: 40123,
      status: 'online',
      listener: 'main',
    });

    // Registering again replaces the details but keeps the row, its id, first_seen and the
    // name (the registry's from then on: migration 009).
    w.deviceOnline({
      registrationId: '7001',
      profile: 'meter',
      name: 'Meter 1',
      ip: '203.0.113.1',
      port: 5000,
      listener: 'backup',
      at: T0 + 10_000,
    });
    w.heartbeat({ registrationId: '7001', at: T0 + 20_000, ip: '203.0.113.1', port: 5000 });
    await w.flush();
    expect((await store.reader.device('7001'))?.lastSeen).toBe(T0 + 20_000);
    w.samples([sample('7001', 'temperature', 0, { ts: T0 + 30_000 })]);
    await w.flush();
    expect((await store.reader.device('7001'))?.lastSeen).toBe(T0 + 30_000);
    // A late heartbeat older than last_seen does not move it back.
    w.heartbeat({ registrationId: '7001', at: T0 + 25_000, ip: '203.0.113.1', port: 5000 });
    w.deviceOffline('7002', T0 + 40_000);
    w.deviceOffline('never-registered', T0 + 40_000);
    await w.flush();

    expect(await store.reader.device('7001')).toEqual({
      id: first!.id,
      registrationId: '7001',
      profile: 'meter',
      name: 'Sensor 7001',
      firstSeen: T0,
      lastSeen: T0 + 30_000,
      lastIp: '203.0.113.1',
      lastPort: 5000,
      status: 'online',
      listener: 'backup',
    });
    expect(await store.reader.device('7002')).toMatchObject({
      name: null,
      firstSeen: T0 + 5,
      lastSeen: T0 + 40_000,
      status: 'offline',
    });
    expect(await store.reader.device('never-registered')).toBeNull();

    // Offline, then back online.
    w.deviceOffline('7001', T0 + 50_000);
    await w.flush();
    expect(await store.reader.device('7001')).toMatchObject({ status: 'offline', lastSeen: T0 + 50_000 });
    w.deviceOnline(online('7001', T0 + 60_000));
    await w.flush();
    expect(await store.reader.device('7001')).toMatchObject({
      id: first!.id,
      status: 'online',
      firstSeen: T0,
      lastSeen: T0 + 60_000,
      profile: 'th-sensor',
    });
    expect((await store.reader.devices()).map((d) => [d.registrationId, d.status])).toEqual([
      ['7001', 'online'],
      ['7002', 'offline'],
    ]);
  });

  it('keeps data and heartbeats of a device that never registered under a bare device row', async () => {
    const store = await ctx.open();
    store.writer.heartbeat({ registrationId: 'hb-only', at: T0 + 7, ip: '198.51.100.8', port: 40124 });
    store.writer.samples([sample('data-only', 'temperature', 3), sample('data-only', 'temperature', 4)]);
    await store.writer.flush();

    const bare = { profile: '', name: null, lastIp: '', lastPort: 0, status: 'online', listener: '' };
    expect(withoutIds(await store.reader.devices())).toEqual([
      { registrationId: 'data-only', ...bare, firstSeen: T0 + 3, lastSeen: T0 + 4 },
      { registrationId: 'hb-only', ...bare, firstSeen: T0 + 7, lastSeen: T0 + 7 },
    ]);
    expect(await store.reader.data({ registrationId: 'data-only', order: 'asc' })).toEqual(
      [3, 4].map((i) => sample('data-only', 'temperature', i)),
    );
  });

  it('records connection history in order, including peers that never registered, and filters it by device and time', async () => {
    const store = await ctx.open();
    const base = { ip: '198.51.100.7', port: 40123, listener: 'main' };
    const events: ConnectionRecord[] = [
      { ...base, registrationId: '7001', event: 'connect', details: null, at: T0 },
      { ...base, registrationId: '7001', event: 'heartbeat_timeout', details: '3 heartbeats missed', at: T0 + 90_000 },
      {
        ip: '203.0.113.9',
        port: 5000,
        listener: 'backup',
        registrationId: null,
        event: 'rejected',
        details: 'registration timeout',
        at: T0 + 95_000,
      },
      { ...base, registrationId: '7001', event: 'connect', details: null, at: T0 + 100_000 },
      { ...base, registrationId: '7001', event: 'replaced', details: '{"by":"203.0.113.9:5000"}', at: T0 + 100_000 },
      { ...base, registrationId: '7002', event: 'disconnect', details: 'peer closed', at: T0 + 120_000 },
    ];
    for (const event of events) store.writer.connection(event);
    await store.writer.flush();

    const all = await store.reader.connections({ order: 'asc' });
    expect(withoutIds(all)).toEqual(events);
    expect(all.map((c) => c.id)).toEqual([...all.map((c) => c.id)].sort((a, b) => a - b));
    expect(withoutIds(await store.reader.connections())).toEqual([...events].reverse());
    expect(withoutIds(await store.reader.connections({ registrationId: '7001', from: T0 + 1, limit: 2 }))).toEqual([
      events[4],
      events[3],
    ]);
    expect(withoutIds(await store.reader.connections({ from: T0 + 90_000, to: T0 + 100_000, order: 'asc' }))).toEqual([
      events[1],
      events[2],
    ]);
    expect(withoutIds(await store.reader.connections({ registrationId: '7002' }))).toEqual([events[5]]);
    expect(await store.reader.connections({ registrationId: 'nobody' })).toEqual([]);
  });

  it('records heartbeats per device and filters them by time', async () => {
    const store = await ctx.open();
    const mine = [1, 2, 3].map((i) => beat('7001', T0 + i * 30_000));
    const other = beat('7002', T0 + 45_000, 40124);
    store.writer.deviceOnline(online('7001', T0));
    for (const b of [...mine, other]) store.writer.heartbeat(b);
    await store.writer.flush();

    expect(withoutIds(await store.reader.heartbeats({ registrationId: '7001', order: 'asc' }))).toEqual(mine);
    expect(withoutIds(await store.reader.heartbeats())).toEqual([mine[2], mine[1], other, mine[0]]);
    expect(withoutIds(await store.reader.heartbeats({ from: T0 + 45_000, to: T0 + 90_000 }))).toEqual([mine[1], other]);
    expect(withoutIds(await store.reader.heartbeats({ registrationId: '7001', limit: 1 }))).toEqual([mine[2]]);
    expect(await store.reader.heartbeats({ registrationId: 'nobody' })).toEqual([]);
  });

  it('records raw packets as lowercase hex with direction, kind and note, and filters them', async () => {
    const store = await ctx.open();
    const request = Buffer.from('010307D0006444A8', 'hex');
    const packets: RawPacketRecord[] = [
      {
        registrationId: null,
        direction: 'in',
        kind: 'garbage',
        bytes: Buffer.from('\u0000\u0001junk'),
        at: T0,
        ip: '203.0.113.5',
        port: 5555,
        note: 'no registration',
      },
      {
        registrationId: '7001',
        direction: 'out',
        kind: 'request',
        bytes: request,
        at: T0 + 1,
        ip: '198.51.100.7',
        port: 40123,
        note: null,
      },
      {
        registrationId: '7001',
        direction: 'in',
        kind: 'response',
        bytes: Uint8Array.from({ length: 300 }, (_, i) => i & 0xff),
        at: T0 + 2,
        ip: '198.51.100.7',
        port: 40123,
        note: null,
      },
      {
        registrationId: '7001',
        direction: 'in',
        kind: 'heartbeat',
        bytes: new Uint8Array(0),
        at: T0 + 3,
        ip: '198.51.100.7',
        port: 40123,
        note: 'empty',
      },
    ];
    const hex = ['00016a756e6b', '010307d0006444a8', Buffer.from(packets[2]!.bytes).toString('hex'), ''];
    for (const packet of packets) store.writer.rawPacket(packet);
    request.fill(0xee); // the caller may reuse its buffer as soon as the call returns
    await store.writer.flush();

    const expected = packets.map(({ bytes: _bytes, ...rest }, i) => ({ ...rest, hex: hex[i] }));
    expect(withoutIds(await store.reader.rawPackets({ order: 'asc' }))).toEqual(expected);
    expect(withoutIds(await store.reader.rawPackets({ kind: 'garbage' }))).toEqual([expected[0]]);
    expect(withoutIds(await store.reader.rawPackets({ registrationId: '7001', kind: 'request' }))).toEqual([
      expected[1],
    ]);
    expect(withoutIds(await store.reader.rawPackets({ registrationId: '7001', from: T0 + 2 }))).toEqual([
      expected[3],
      expected[2],
    ]);
    expect(withoutIds(await store.reader.rawPackets({ to: T0 + 2, limit: 1 }))).toEqual([expected[1]]);
    expect(await ctx.rawQuery('SELECT hex FROM raw_packets ORDER BY id')).toEqual(hex.map((h) => ({ hex: h })));
  });

  it('counts the rows of every table', async () => {
    const store = await ctx.open();
    const w = store.writer;
    w.deviceOnline(online('7001', T0));
    w.deviceOnline(online('7002', T0));
    w.samples([sample('7001', 'temperature', 1), sample('7001', 'humidity', 1), sample('7002', 'temperature', 1)]);
    w.connection({
      registrationId: '7001',
      event: 'connect',
      ip: '198.51.100.7',
      port: 40123,
      listener: 'main',
      details: null,
      at: T0,
    });
    for (let i = 0; i < 4; i++) w.heartbeat(beat('7002', T0 + i));
    for (let i = 0; i < 5; i++) {
      w.rawPacket({
        registrationId: '7001',
        direction: 'in',
        kind: 'response',
        bytes: Uint8Array.of(i),
        at: T0 + i,
        ip: '198.51.100.7',
        port: 1,
        note: null,
      });
    }
    expect(await store.reader.counts()).toEqual({
      devices: 0,
      deviceData: 0,
      connectionHistory: 0,
      heartbeatLog: 0,
      rawPackets: 0,
    });
    await w.flush();
    expect(await store.reader.counts()).toEqual({
      devices: 2,
      deviceData: 3,
      connectionHistory: 1,
      heartbeatLog: 4,
      rawPackets: 5,
    });
  });
}
