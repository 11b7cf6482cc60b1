// Exports over real HTTP: CSV parsed back, XLSX opened with exceljs, rows across several
// database pages in order without gaps or repeats, and formula-looking text neutralised.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import { removeDir, startApp, type Harness } from '../../helpers/app-harness.js';
import { dataExportHeader, parseCsv } from '../../helpers/csv.js';
import { caller, type Caller } from '../../helpers/web.js';

const DEVICE = '=HYPERLINK("x")';
const T0 = Date.UTC(2026, 0, 1);
/** More than two export pages (10,000 rows each). */
const ROUNDS = 12_500;

let h: Harness;
let viewer: Caller;

function sample(point: string, ts: number, value: number | null, text: string | null = null): Sample {
  return {
    deviceId: DEVICE,
    point,
    slave: 1,
    address: point === 'temperature' ? 2000 : 2040,
    value,
    text,
    raw: '00ff',
    ts,
    quality: 'good',
  };
}

beforeAll(async () => {
  h = await startApp();
  viewer = await caller(h, 'viewer');
  const w = h.app.writer;
  w.deviceOnline({
    registrationId: DEVICE,
    profile: 'th-station',
    name: null,
    ip: '198.51.100.1',
    port: 4000,
    listener: 'dtu',
    at: T0,
  });
  for (let i = 0; i < ROUNDS; i++) {
    w.samples([
      sample('temperature', T0 + i * 1000, i / 10),
      sample('status', T0 + i * 1000, null, i === 5 ? '-2+3' : '温度正常'),
    ]);
    if (i % 2000 === 0) await w.flush();
  }
  w.connection({
    registrationId: DEVICE,
    event: 'connect',
    ip: '198.51.100.1',
    port: 4000,
    listener: 'dtu',
    details: '@SUM(1,2)',
    at: T0,
  });
  w.rawPacket({
    registrationId: DEVICE,
    direction: 'in',
    kind: 'garbage',
    bytes: Uint8Array.from([0x3d, 0x31]),
    at: T0 + 5,
    ip: '198.51.100.1',
    port: 4000,
    note: '+cmd|calc',
  });
  await w.flush();
}, 60_000);

afterAll(async () => {
  await h?.stop();
  if (h) removeDir(h.dir);
});

async function download(path: string): Promise<Response> {
  return fetch(h.webUrl() + path, { headers: { cookie: viewer.cookie } });
}

const q = encodeURIComponent(DEVICE);

describe('exports', () => {
  it('stream device data as CSV with a BOM, every row once, oldest first, formulas neutralised', async () => {
    const res = await download(`/api/export/data?format=csv&device=${q}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="dtuhub-data-_HYPERLINK_x_-\d{8}T\d{6}\.csv"$/,
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual(dataExportHeader());
    const body = rows.slice(1);
    expect(body).toHaveLength(ROUNDS * 2);
    const keys = new Set(body.map((r) => `${r[0]}|${r[2]}`));
    expect(keys.size).toBe(ROUNDS * 2);
    const times = body.map((r) => Date.parse(r[0]!));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(
      body
        .slice(0, 2)
        .map((r) => r[2])
        .sort(),
    ).toEqual(['status', 'temperature']);
    expect(body.find((r) => r[2] === 'status')).toEqual([
      '2026-01-01T00:00:00.000Z',
      `'${DEVICE}`,
      'status',
      '1',
      '2040',
      '',
      '温度正常',
      '00ff',
      '',
      'Status word',
    ]);
    const temp = body.find((r) => r[2] === 'temperature' && r[0] === '2026-01-01T00:00:07.000Z')!;
    expect(temp.slice(5, 10)).toEqual(['0.7', '', '00ff', '°C', 'Temperature']);
    expect(body.find((r) => r[6] === `'-2+3`)).toBeDefined();
  });

  it('describe the points in the language the UI asks for', async () => {
    const res = await download(`/api/export/data?format=csv&device=${q}&point=temperature&lang=zh`);
    const rows = parseCsv(
      Buffer.from(await res.arrayBuffer())
        .subarray(3)
        .toString('utf8'),
    );
    expect(rows[1]!.slice(8, 10)).toEqual(['°C', '温度']);
  });

  it('write a real XLSX with date cells, numbers, and formula-looking text as text', async () => {
    const res = await download(`/api/export/data?format=xlsx&device=${q}&point=temperature&from=${T0}&to=${T0 + 3000}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    const sheet = book.worksheets[0]!;
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getRow(1).getCell(3).value).toBe('point');
    expect(sheet.getRow(1).font?.bold).toBe(true);
    const second = sheet.getRow(3);
    expect(second.getCell(1).value).toEqual(new Date(T0 + 1000));
    expect(second.getCell(2).value).toBe(`'${DEVICE}`);
    expect(second.getCell(6).value).toBe(0.1);
    expect(second.getCell(9).value).toBe('°C');
    for (let r = 1; r <= sheet.rowCount; r++) sheet.getRow(r).eachCell((cell) => expect(cell.formula).toBeUndefined());
  });

  it('export connection history and raw packets with their filters in both formats', async () => {
    const csv = await (await download(`/api/export/connections?format=csv&device=${q}`)).text();
    const rows = parseCsv(csv.slice(1));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual([
      '2026-01-01T00:00:00.000Z',
      `'${DEVICE}`,
      'connect',
      '198.51.100.1',
      '4000',
      'dtu',
      `'@SUM(1,2)`,
    ]);

    const res = await download(`/api/export/packets?format=xlsx&kind=garbage&device=${q}`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    const sheet = book.worksheets[0]!;
    expect(sheet.rowCount).toBe(2);
    expect(sheet.getRow(2).values).toEqual([
      undefined,
      new Date(T0 + 5),
      `'${DEVICE}`,
      'in',
      'garbage',
      '3d31',
      '198.51.100.1',
      4000,
      `'+cmd|calc`,
    ]);
    const none = parseCsv((await (await download(`/api/export/packets?format=csv&kind=exception`)).text()).slice(1));
    expect(none).toHaveLength(1);
  });

  it('refuse bad filters with a JSON error before any file byte', async () => {
    const missing = await download('/api/export/data?format=csv');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/^choose the devices of a data export/) },
    });
    expect((await download('/api/export/data?format=pdf&device=x')).status).toBe(400);
    const unknown = await download('/api/export/data?format=csv&device=NOBODY');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'DEVICE_NOT_FOUND' } });
  });
});

describe('history queries', () => {
  it('page device data with the cursor, without gaps or repeats', async () => {
    const seen: string[] = [];
    let next: { afterTs: number; afterPoint: string } | null = null;
    let pages = 0;
    do {
      const cursor: string = next ? `&afterTs=${next.afterTs}&afterPoint=${next.afterPoint}` : '';
      const res = await download(`/api/devices/${q}/data?limit=7&from=${T0}&to=${T0 + 10_000}&order=asc${cursor}`);
      const body = (await res.json()) as { items: Sample[]; next: { afterTs: number; afterPoint: string } | null };
      seen.push(...body.items.map((s) => `${s.ts}|${s.point}`));
      next = body.next;
      pages++;
    } while (next);
    expect(seen).toHaveLength(20);
    expect(new Set(seen).size).toBe(20);
    expect(pages).toBe(3);
  });

  it('reduce a point to min/max/avg buckets for a chart, from the finest tier that fits', async () => {
    type Series = {
      tier: string;
      bucketMs: number;
      rowsScanned: number;
      series: {
        point: string;
        unit: string;
        buckets: { t: number; count: number; min: number; max: number; avg: number }[];
      }[];
    };
    const chart = async (buckets: number) =>
      (await (
        await download(`/api/devices/${q}/series?points=temperature&from=${T0}&to=${T0 + 100_000}&buckets=${buckets}`)
      ).json()) as Series;
    // 100 samples, more than 10 buckets: the first minute from its rollup row, the 40 s after it raw.
    const coarse = await chart(10);
    expect(coarse).toMatchObject({ tier: 'minute', bucketMs: 60_000, rowsScanned: 41 });
    expect(coarse.series[0]!.unit).toBe('°C');
    expect(coarse.series[0]!.buckets).toEqual([
      { t: T0, count: 60, min: 0, max: 5.9, avg: expect.closeTo(2.95, 9) },
      { t: T0 + 60_000, count: 40, min: 6, max: 9.9, avg: expect.closeTo(7.95, 9) },
    ]);
    // No more samples than buckets: every sample.
    const fine = await chart(100);
    expect(fine.tier).toBe('raw');
    expect(fine.series[0]!.buckets.reduce((n, b) => n + b.count, 0)).toBe(100);
    expect(fine.series[0]!.buckets[0]!.min).toBe(0);
  });

  it('list connection history, raw packets and the device with the API shapes', async () => {
    const conns = (await (await download(`/api/connections?device=${q}`)).json()) as {
      items: Record<string, unknown>[];
      next: unknown;
    };
    expect(conns.items[0]).toMatchObject({
      registrationId: DEVICE,
      event: 'connect',
      ip: '198.51.100.1',
      port: 4000,
      listener: 'dtu',
      at: T0,
    });
    expect(conns.next).toBeNull();
    const packets = (await (await download(`/api/packets?kind=garbage`)).json()) as {
      items: Record<string, unknown>[];
    };
    expect(packets.items[0]).toMatchObject({ hex: '3d31', direction: 'in', note: '+cmd|calc' });
    const list = (await (await download('/api/devices?search=hyperlink&status=offline')).json()) as {
      total: number;
      items: Record<string, unknown>[];
    };
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({
      registrationId: DEVICE,
      status: 'offline',
      ip: '198.51.100.1',
      firstSeen: T0,
    });
  });
});
