// The S7 channel against Snap7's server (node-snap7): DB, marker, input and output tags of
// every type read together in one request per poll, scaled and stored like DTU data; a tag
// of a DB the PLC does not have reported while the rest is stored; a server that goes away
// and comes back (backoff, recovery); a peer that answers junk or nothing never crashes.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import { freePort } from '../../helpers/channels.js';
import { dataRows, deviceRow } from '../../helpers/db.js';
import { startSnap7, type Snap7TestServer } from '../../helpers/snap7-server.js';
import { caller, channelStatus } from '../../helpers/web.js';

let h: Harness | null = null;
let plc: Snap7TestServer | null = null;
let fake: Server | null = null;

afterEach(async () => {
  await h?.stop();
  if (h) removeDir(h.dir);
  h = null;
  await plc?.stop();
  plc = null;
  await new Promise<void>((resolve) => (fake ? fake.close(() => resolve()) : resolve()));
  fake = null;
});

/** DB1 as a PLC program would lay it out, and marker, input and output bytes. */
function plcAreas() {
  const db1 = Buffer.alloc(64);
  db1[0] = 0b0000_1000; // DBX0.3
  db1[2] = 200; // DBB2
  db1.writeInt16BE(-253, 4); // DBW4 int, ×0.1
  db1.writeFloatBE(21.5, 8); // DBD8 real
  db1.writeInt32BE(-100_000, 12); // DBD12 dint
  db1.writeUInt32BE(4_000_000_000, 16); // DBD16 udint
  db1.writeUInt16BE(0xbeef, 20); // DBW20 word
  db1[22] = 0xfe; // DBB22 sint = -2
  db1[24] = 20; // STRING24.20: max length, then actual length, then characters
  db1[25] = 7;
  db1.write('running', 26, 'latin1');
  const m = Buffer.alloc(32);
  m[10] = 0b10; // M10.1
  m.writeUInt16BE(1234, 20); // MW20
  const i = Buffer.alloc(128);
  i[0] = 1; // I0.0
  i.writeInt16BE(27648, 64); // IW64: an analog input at full scale
  const q = Buffer.alloc(8);
  q[1] = 0b100; // Q1.2
  return { db: { 1: db1 }, m, i, q };
}

export function s7Channel(port: number, extra: Record<string, unknown> = {}) {
  return {
    name: 'plc',
    type: 's7',
    host: '127.0.0.1',
    port,
    rack: 0,
    slot: 1,
    every: '200ms',
    timeout: '1s',
    connectTimeout: '2s',
    device: 'PLC-01',
    backoff: { initial: '100ms', max: '400ms' },
    tags: [
      { name: 'alarm', address: 'DB1.DBX0.3' },
      { name: 'mode', address: 'DB1.DBB2' },
      {
        name: 'temperature',
        address: 'DB1.DBW4',
        type: 'int',
        scale: 0.1,
        unit: '°C',
        writable: true,
        min: -50,
        max: 150,
      },
      { name: 'flow', address: 'DB1.DBD8', type: 'real', unit: 'm³/h', writable: true },
      { name: 'balance', address: 'DB1.DBD12', type: 'dint' },
      { name: 'energy', address: 'DB1.DBD16', type: 'udint', scale: 0.001, unit: 'kWh' },
      { name: 'status_word', address: 'DB1.DBW20' },
      { name: 'trim', address: 'DB1.DBB22', type: 'sint', writable: true },
      { name: 'state', address: 'DB1.STRING24.20' },
      { name: 'pump_on', address: 'M10.1', writable: true },
      { name: 'counter', address: 'MW20', type: 'int', writable: true },
      { name: 'start_button', address: 'I0.0' },
      { name: 'pressure', address: 'IW64', type: 'int', scale: 10 / 27648, decimals: 2, unit: 'bar' },
      { name: 'valve', address: 'Q1.2', writable: true },
    ],
    ...extra,
  };
}

/** A write by point name to PLC-01 through the API. */
function writePoint(harness: Harness, cookie: string, point: string, body: Record<string, unknown>) {
  return fetch(`${harness.webUrl()}/api/devices/PLC-01/points/${point}/write`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function statusOf(harness: Harness): Promise<Record<string, any>> {
  return channelStatus(harness, await caller(harness, 'admin'), 'plc');
}

describe('S7 channel against the Snap7 server', { timeout: 60_000 }, () => {
  it('reads every area and type in one request per poll and stores them scaled', async () => {
    plc = await startSnap7(plcAreas());
    h = await startApp({ server: (doc) => (doc.channels = [s7Channel(plc!.port)]) });
    const rows = await waitFor(
      () => {
        const r = dataRows(h!, 'PLC-01');
        return new Set(r.map((x) => x.point)).size >= 14 ? r : null;
      },
      10_000,
      'every tag stored',
    );
    const byPoint = Object.fromEntries(rows.map((r) => [r.point, r]));
    expect(byPoint['alarm']).toMatchObject({ value: 1, raw: 'true', slave: 0, address: 0, quality: 'good' });
    expect(byPoint['mode']).toMatchObject({ value: 200, raw: '200' });
    expect(byPoint['temperature']).toMatchObject({ value: -25.3, raw: '-253' });
    expect(byPoint['flow']).toMatchObject({ value: 21.5, raw: '21.5' });
    expect(byPoint['balance']).toMatchObject({ value: -100_000 });
    expect(byPoint['energy']).toMatchObject({ value: 4_000_000, raw: '4000000000' });
    expect(byPoint['status_word']).toMatchObject({ value: 0xbeef });
    expect(byPoint['trim']).toMatchObject({ value: -2, raw: '-2' });
    expect(byPoint['state']).toMatchObject({ value: null, text: 'running', raw: '"running"' });
    expect(byPoint['pump_on']).toMatchObject({ value: 1 });
    expect(byPoint['counter']).toMatchObject({ value: 1234 });
    expect(byPoint['start_button']).toMatchObject({ value: 1 });
    expect(byPoint['pressure']).toMatchObject({ value: 10 });
    expect(byPoint['valve']).toMatchObject({ value: 1 });
    expect(deviceRow(h, 'PLC-01')).toMatchObject({
      profile: 's7',
      status: 'online',
      last_ip: '127.0.0.1',
      last_port: plc.port,
      listener: 'plc',
    });

    // One S7 read request per poll for all 14 tags: count the requests over a few polls.
    const status = await statusOf(h);
    const collects = status.counters.collects as number;
    const reads = plc.reads;
    await waitFor(async () => ((await statusOf(h!)).counters.collects as number) >= collects + 5, 10_000, 'five polls');
    const polls = ((await statusOf(h)).counters.collects as number) - collects;
    // A poll in flight at either end is counted by the PLC when it asks and by the channel when
    // it is answered: one request more or less than polls, never one per tag (14 a poll).
    expect(plc.reads - reads).toBeGreaterThanOrEqual(polls - 1);
    expect(plc.reads - reads).toBeLessThanOrEqual(polls + 1);

    // A change in the PLC is the next poll's value.
    const db1 = plc.area('DB', 1);
    db1.writeFloatBE(-3.25, 8);
    plc.set('DB', db1, 1);
    await waitFor(
      () => dataRows(h!, 'PLC-01').some((r) => r.point === 'flow' && r.value === -3.25),
      5000,
      'changed flow',
    );
    expect(await statusOf(h)).toMatchObject({
      type: 's7',
      state: 'connected',
      target: `127.0.0.1:${plc.port}`,
      devices: ['PLC-01'],
      lastError: null,
    });
  });

  it('reports a tag of a DB the PLC does not have and stores the others', async () => {
    plc = await startSnap7(plcAreas());
    const config = s7Channel(plc.port);
    config.tags = [config.tags[1]!, { name: 'ghost', address: 'DB7.DBW0', type: 'int' }, config.tags[9]!];
    h = await startApp({ server: (doc) => (doc.channels = [config]) });
    const failed = await waitFor(
      async () => {
        const c = await statusOf(h!);
        return c.counters.collectErrors >= 1 ? c : null;
      },
      10_000,
      'tag error',
    );
    expect(failed.lastError).toMatch(/^ghost \(DB7\.DBW0\): the PLC refused the read \(BAD/);
    expect(failed.state).toBe('connected');
    await waitFor(() => new Set(dataRows(h!, 'PLC-01').map((r) => r.point)).size === 2, 5000, 'the other tags');
    expect(new Set(dataRows(h, 'PLC-01').map((r) => r.point))).toEqual(new Set(['mode', 'pump_on']));
  });

  it('backs off while the PLC is down and recovers when it comes back', async () => {
    const port = await freePort();
    h = await startApp({ server: (doc) => (doc.channels = [s7Channel(port)]) });
    const down = await waitFor(
      async () => {
        const c = await statusOf(h!);
        return c.state === 'backing-off' && c.failures >= 2 ? c : null;
      },
      10_000,
      'backing off',
    );
    expect(down.lastError).toMatch(/ECONNREFUSED/);
    plc = await startSnap7(plcAreas(), port);
    await waitFor(() => dataRows(h!, 'PLC-01').length >= 14, 10_000, 'values after recovery');
    expect((await statusOf(h)).state).toBe('connected');

    // The PLC goes away while connected: the device goes offline, the channel backs off.
    await plc.stop();
    plc = null;
    await waitFor(async () => (await statusOf(h!)).state !== 'connected', 10_000, 'lost');
    await waitFor(() => deviceRow(h!, 'PLC-01')?.['status'] === 'offline', 5000, 'device offline');
  });

  it('writes tags by name from the API in engineering units and reads them back', async () => {
    plc = await startSnap7(plcAreas());
    h = await startApp({ server: (doc) => (doc.channels = [s7Channel(plc!.port)]) });
    await waitFor(() => dataRows(h!, 'PLC-01').length >= 14, 10_000, 'first values');
    const op = await caller(h, 'operator');
    const write = (point: string, body: Record<string, unknown>) => writePoint(h!, op.cookie, point, body);

    const points = await fetch(`${h.webUrl()}/api/devices/PLC-01/writable-points`, { headers: { cookie: op.cookie } });
    const items = ((await points.json()) as { items: { name: string; notWritable: string | null }[] }).items;
    expect(items.find((p) => p.name === 'temperature')).toMatchObject({ type: 'int', scale: 0.1, notWritable: null });
    expect(items.find((p) => p.name === 'mode')?.notWritable).toBe('read-only');

    const planned = await write('temperature', { value: 55.5, dryRun: true });
    expect(await planned.json()).toMatchObject({
      result: 'planned',
      stored: 55.5,
      plc: { address: 'DB1.DBW4', type: 'int', value: 555 },
    });
    expect(plc.area('DB', 1).readInt16BE(4)).toBe(-253);

    const written = await write('temperature', { value: 55.5 });
    expect(written.status).toBe(200);
    expect(await written.json()).toMatchObject({ result: 'ok', stored: 55.5, readBack: { value: 55.5, raw: '555' } });
    expect(plc.area('DB', 1).readInt16BE(4)).toBe(555);

    expect((await write('flow', { value: -12.25 })).status).toBe(200);
    expect(plc.area('DB', 1).readFloatBE(8)).toBe(-12.25);
    expect((await write('trim', { value: -5 })).status).toBe(200);
    expect(plc.area('DB', 1)[22]).toBe(0xfb);
    expect((await write('pump_on', { value: false })).status).toBe(200);
    expect(plc.area('M')[10]).toBe(0);
    expect((await write('counter', { value: -7 })).status).toBe(200);
    expect(plc.area('M').readInt16BE(20)).toBe(-7);
    expect((await write('valve', { value: false })).status).toBe(200);
    expect(plc.area('Q')[1]).toBe(0);

    // Limits and the type's range are checked before anything is sent.
    const high = await write('temperature', { value: 150.1 });
    expect(high.status).toBe(400);
    expect(((await high.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'WRITE_REFUSED',
      message: '150.1 °C is above the maximum 150 °C',
    });
    const range = await write('trim', { value: 200 });
    expect(((await range.json()) as { error: { message: string } }).error.message).toMatch(/sint holds -128 to 127/);
    expect((await write('mode', { value: 1 })).status).toBe(400);
    expect(plc.area('DB', 1)[2]).toBe(200);
  });

  it('answers an unanswered write as a timeout, and plans a dry run while the channel is stopped', async () => {
    plc = await startSnap7(plcAreas());
    h = await startApp({ server: (doc) => (doc.channels = [s7Channel(plc!.port)]) });
    await waitFor(() => dataRows(h!, 'PLC-01').length >= 14, 10_000, 'first values');
    const op = await caller(h, 'operator');
    plc.silentWrites = true;
    const silent = await writePoint(h, op.cookie, 'counter', { value: 5 });
    expect(silent.status).toBe(504);
    expect(plc.area('M').readInt16BE(20)).toBe(1234);
    plc.silentWrites = false;

    const admin = await caller(h, 'admin');
    const stop = await fetch(`${h.webUrl()}/api/channels/plc/stop`, {
      method: 'POST',
      headers: { cookie: admin.cookie },
    });
    expect(stop.status).toBe(200);
    const planned = await writePoint(h, op.cookie, 'temperature', { value: 55.5, dryRun: true });
    expect(await planned.json()).toMatchObject({
      result: 'planned',
      registers: [],
      plc: { address: 'DB1.DBW4', type: 'int', value: 555 },
    });
    const refused = await writePoint(h, op.cookie, 'temperature', { value: -60, dryRun: true });
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      '-60 °C is below the minimum -50 °C',
    );
    const offline = await writePoint(h, op.cookie, 'temperature', { value: 55.5 });
    expect(offline.status).toBe(409);
    expect(await offline.json()).toMatchObject({ error: { code: 'DEVICE_NOT_ONLINE' } });
  });

  for (const [what, answer] of [
    ['junk', (chunk: Buffer) => Buffer.from(`HTTP/1.1 400 Bad Request\r\n\r\n${chunk.length}`)],
    ['a TPKT packet too short for its contents', () => Buffer.from('0300000702f080', 'hex')],
    [
      'a connection confirm then junk inside a well-formed packet',
      (chunk: Buffer) =>
        chunk[5] === 0xe0
          ? Buffer.from('0300001611d00001000100c0010ac1020100c2020102', 'hex')
          : Buffer.from('0300000b02f0803201ffff', 'hex'),
    ],
    ['nothing', () => null],
  ] as const) {
    it(`survives a peer that answers ${what}`, async () => {
      fake = createServer((socket) => {
        socket.on('error', () => undefined);
        socket.on('data', (chunk) => {
          const reply = answer(chunk);
          if (reply) socket.write(reply);
        });
      });
      await new Promise<void>((resolve) => fake!.listen(0, '127.0.0.1', resolve));
      const port = (fake.address() as { port: number }).port;
      h = await startApp({ server: (doc) => (doc.channels = [s7Channel(port, { connectTimeout: '300ms' })]) });
      const c = await waitFor(
        async () => {
          const s = await statusOf(h!);
          return s.failures >= 2 ? s : null;
        },
        15_000,
        'failed attempts',
      );
      expect(c.lastError).toBeTruthy();
      expect(dataRows(h, 'PLC-01')).toEqual([]);
    });
  }
});
