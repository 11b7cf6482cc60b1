// Exports of many devices at once and the wide layout, over real HTTP against both stores
// (SQLite, and MariaDB on 127.0.0.1:3306, where the export reads history through the MySQL
// reader): selection by list, group, tag, profile and all; one row per device and timestamp
// in the wide layout; times in the viewer's zone; the fleet table of latest values.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import { removeDir, startApp, type Harness } from '../../helpers/app-harness.js';
import { dataExportHeader, parseCsv } from '../../helpers/csv.js';
import { createTempDatabase, mysqlStorage, type TempDatabase } from '../../helpers/mysql.js';
import { caller, type Caller } from '../../helpers/web.js';

const T0 = Date.UTC(2026, 0, 1);
const ROUNDS = 30;
const DEVICES = [
  { id: 'FLEET-A', group: 'north', tags: ['pump'] },
  { id: 'FLEET-B', group: 'north', tags: ['fan'] },
  { id: 'FLEET-C', group: 'south', tags: ['pump'] },
] as const;

function sample(deviceId: string, point: string, ts: number, value: number): Sample {
  return { deviceId, point, slave: 1, address: 2000, value, text: null, raw: '0001', ts, quality: 'good' };
}

/** Per device and round: temperature and humidity from one poll (one time), voltage 400 ms later. */
function samplesOf(device: number, round: number): Sample[][] {
  const id = DEVICES[device]!.id;
  const ts = T0 + round * 1000;
  return [
    [sample(id, 'temperature', ts, device * 100 + round / 10), sample(id, 'humidity', ts, 50 + device)],
    [sample(id, 'voltage', ts + 400, 220 + round)],
  ];
}

describe.each(['sqlite', 'mysql'] as const)('multi-device exports (%s)', (store) => {
  let h: Harness;
  let db: TempDatabase | null = null;
  let spillDir: string | null = null;
  let viewer: Caller;
  const download = (path: string) => fetch(h.webUrl() + path, { headers: { cookie: viewer.cookie } });
  const csv = async (path: string) => {
    const res = await download(path);
    expect(res.status).toBe(200);
    return parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  };

  beforeAll(async () => {
    if (store === 'mysql') {
      db = await createTempDatabase();
      spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-fleet-mysql-'));
    }
    h = await startApp(store === 'mysql' ? { server: (s) => (s.storage = mysqlStorage(db!.name, spillDir!)) } : {});
    viewer = await caller(h, 'viewer');
    const operator = await caller(h, 'operator');
    for (const d of DEVICES) {
      const res = await fetch(`${h.webUrl()}/api/devices`, {
        method: 'POST',
        headers: { cookie: operator.cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ registrationId: d.id, group: d.group, tags: d.tags }),
      });
      expect(res.status).toBe(201);
    }
    const w = h.app.writer;
    for (const [i, d] of DEVICES.entries()) {
      w.deviceOnline({
        registrationId: d.id,
        profile: 'th-station',
        name: null,
        ip: '198.51.100.9',
        port: 4000 + i,
        listener: 'dtu',
        at: T0,
      });
      for (let r = 0; r < ROUNDS; r++) for (const batch of samplesOf(i, r)) w.samples(batch);
      w.deviceOffline(d.id, T0 + ROUNDS * 1000);
    }
    await w.flush();
    // The fleet table reads memory: the latest cache as the gateway would have left it.
    for (const [i] of DEVICES.entries()) h.app.latest.update(samplesOf(i, ROUNDS - 1).flat());
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    if (h) removeDir(h.dir);
    await db?.drop();
    if (spillDir) removeDir(spillDir);
  });

  it('exports the long layout of a list of devices, device after device, every sample once', async () => {
    const rows = await csv('/api/export/data?format=csv&devices=FLEET-C,FLEET-A');
    expect(rows[0]).toEqual(dataExportHeader());
    const body = rows.slice(1);
    expect(body).toHaveLength(2 * ROUNDS * 3);
    expect(body.slice(0, ROUNDS * 3).every((r) => r[1] === 'FLEET-A')).toBe(true);
    expect(body.slice(ROUNDS * 3).every((r) => r[1] === 'FLEET-C')).toBe(true);
    expect(
      body.find((r) => r[1] === 'FLEET-C' && r[2] === 'temperature' && r[0] === '2026-01-01T00:00:02.000Z'),
    ).toEqual([
      '2026-01-01T00:00:02.000Z',
      'FLEET-C',
      'temperature',
      '1',
      '2000',
      '200.2',
      '',
      '0001',
      '°C',
      'Temperature',
    ]);
  });

  it('exports one row per device and timestamp, one column per point, in the wide layout', async () => {
    const detail = (await (await download('/api/devices/FLEET-A')).json()) as {
      device: { points: { name: string; unit: string | null; description: { en: string; zh: string } | null }[] };
    };
    // Headers name the point, after its description where that says more than the name.
    const header = (p: (typeof detail.device.points)[number], lang: 'en' | 'zh') => {
      const text = p.description?.[lang];
      const same = text !== undefined && text.toLowerCase().replace(/\s+/g, '_') === p.name;
      const named = text === undefined || same ? p.name : `${text} ${p.name}`;
      return p.unit ? `${named} (${p.unit})` : named;
    };
    const columns = detail.device.points.map((p) => header(p, 'en'));
    const rows = await csv('/api/export/data?format=csv&group=north&layout=wide');
    expect(rows[0]).toEqual(['time (UTC)', 'device', ...columns]);
    expect(columns).toContain('Status word status');
    const zh = await csv('/api/export/data?format=csv&group=north&layout=wide&lang=zh');
    expect(zh[0]).toEqual(['time (UTC)', 'device', ...detail.device.points.map((p) => header(p, 'zh'))]);
    expect(zh[0]).toContain('温度 temperature (°C)');
    const col = (name: string) => rows[0]!.findIndex((h) => h === name || h.startsWith(`${name} (`));
    const body = rows.slice(1);
    // Two timestamps per round (the poll of temperature + humidity, the voltage poll), two devices.
    expect(body).toHaveLength(2 * ROUNDS * 2);
    expect(new Set(body.map((r) => r[1]))).toEqual(new Set(['FLEET-A', 'FLEET-B']));
    const poll = body.find((r) => r[1] === 'FLEET-B' && r[0] === '2026-01-01T00:00:03.000Z')!;
    expect(poll[col('temperature')]).toBe('100.3');
    expect(poll[col('humidity')]).toBe('51');
    expect(poll[col('voltage')]).toBe('');
    const volts = body.find((r) => r[1] === 'FLEET-B' && r[0] === '2026-01-01T00:00:03.400Z')!;
    expect(volts[col('voltage')]).toBe('223');
    expect(volts[col('temperature')]).toBe('');
    // Every stored sample is in exactly one cell.
    const filled = body.reduce((n, r) => n + r.slice(2).filter((c) => c !== '').length, 0);
    expect(filled).toBe(2 * ROUNDS * 3);
  });

  it('writes times in the viewer zone when asked, naming it in the header (CSV and XLSX)', async () => {
    const rows = await csv('/api/export/data?format=csv&tag=pump&layout=wide&tz=Asia/Shanghai');
    expect(rows[0]![0]).toBe('time (Asia/Shanghai)');
    expect(rows[1]!.slice(0, 2)).toEqual(['2026-01-01T08:00:00.000+08:00', 'FLEET-A']);
    expect(new Set(rows.slice(1).map((r) => r[1]))).toEqual(new Set(['FLEET-A', 'FLEET-C']));

    const res = await download('/api/export/data?format=xlsx&all=true&layout=wide&tz=America/New_York&point=voltage');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'time (America/New_York)', 'device', 'voltage (V)']);
    expect(sheet.rowCount).toBe(1 + 3 * ROUNDS);
    // Spreadsheet dates have no zone: the cell holds New York's wall time (UTC−5 in January).
    expect(sheet.getRow(2).values).toEqual([undefined, new Date(T0 + 400 - 5 * 3_600_000), 'FLEET-A', 220]);
  });

  it('refuses a data export with nothing chosen, and an unknown zone', async () => {
    const none = await download('/api/export/data?format=csv');
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/^choose the devices/) },
    });
    expect((await download('/api/export/data?format=csv&all=true&tz=Mars/Olympus')).status).toBe(400);
    expect((await download('/api/export/connections?format=csv&group=north')).status).toBe(400);
    const empty = await csv('/api/export/data?format=csv&group=nowhere&layout=wide');
    expect(empty).toHaveLength(1);
  });

  it('serves the fleet table of latest values from memory, filtered and sorted, and exports it', async () => {
    const res = await download('/api/fleet/latest?profile=th-station&tag=pump&sort=point:temperature&order=desc');
    expect(res.status).toBe(200);
    const table = (await res.json()) as {
      columns: { name: string; unit: string | null }[];
      total: number;
      rows: { registrationId: string; status: string; lastSeen: number; values: (number | null)[] }[];
    };
    expect(table.total).toBe(2);
    const t = table.columns.findIndex((c) => c.name === 'temperature');
    expect(table.columns[t]!.unit).toBe('°C');
    expect(table.rows.map((r) => [r.registrationId, r.status, r.lastSeen, r.values[t]])).toEqual([
      ['FLEET-C', 'offline', T0 + ROUNDS * 1000, 202.9],
      ['FLEET-A', 'offline', T0 + ROUNDS * 1000, 2.9],
    ]);
    const file = await csv('/api/fleet/export?format=csv&profile=th-station&group=north&tz=Asia/Shanghai');
    expect(file[0]!.slice(0, 6)).toEqual([
      'device',
      'name',
      'group',
      'status',
      'last seen (Asia/Shanghai)',
      'updated (Asia/Shanghai)',
    ]);
    expect(file.slice(1).map((r) => [r[0], r[4], r[file[0]!.indexOf('voltage (V)')]])).toEqual([
      ['FLEET-A', '2026-01-01T08:00:30.000+08:00', '249'],
      ['FLEET-B', '2026-01-01T08:00:30.000+08:00', '249'],
    ]);
    const devices = (await (
      await download('/api/devices?status=offline&group=north&sort=lastSeen&order=desc')
    ).json()) as {
      items: { registrationId: string }[];
    };
    expect(devices.items.map((d) => d.registrationId)).toEqual(['FLEET-A', 'FLEET-B']);
  });
});
