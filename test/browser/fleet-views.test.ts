// Fleet views in chromium against the real app and simulated DTUs: an offline device on the
// dashboard with its offline duration counting up; the fleet table with the latest values of
// several DTUs, sorted by a value and exported; a 3-device wide export downloaded as CSV and
// Excel and checked row by row against the database.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/domain/point.js';
import { gatewayTests, waitFor, type Harness } from '../helpers/app-harness.js';
import { logIn, openPage, sharedBrowser, POLL } from '../helpers/browser.js';
import { parseCsv } from '../helpers/csv.js';
import { WEB_PROFILE, webProfile } from '../helpers/web-profile.js';

const { boot, dtu } = gatewayTests();
const chromium = sharedBrowser();

/** The fast web profile with a second point read in the same block: one poll, one time, two values. */
const twoPoints = () => {
  const options = webProfile();
  const base = options.points!;
  return {
    ...options,
    points: (p: Record<string, any>) => {
      base(p);
      const profile = p.profiles[WEB_PROFILE];
      profile.tasks[0].quantity = 3;
      profile.points.push({ name: 'power', slave: 1, address: 2, type: 'uint16', unit: 'W' });
    },
  };
};

async function startDtu(h: Harness, id: string, energy: number, power: number) {
  const sim = dtu(h, 'dtu', { id }, WEB_PROFILE);
  sim.setRegisters(1, 3, 0, [0, energy, power]);
  await sim.start();
  await waitFor(() => h.app.latest.get(id, 'power'), 5000, `a first value from ${id}`);
  return sim;
}

describe('fleet views', () => {
  // A boot, two DTUs and a page: more than the default 30 s on a busy machine.
  it(
    'shows an offline device on the dashboard, coloured, with an offline duration that counts up',
    { timeout: 90_000 },
    async () => {
      const h = await boot(twoPoints());
      const sim = await startDtu(h, 'GONE-01', 5, 1);
      await sim.stop();
      await waitFor(() => !h.app.gateway.registry.get('GONE-01'), 5000, 'GONE-01 offline');
      await h.app.writer.flush();
      const offlineAt = (await h.app.reader.device('GONE-01'))!.lastSeen;

      const { page, context, errors } = await openPage(await chromium());
      await logIn(page, h);
      const row = page.locator('#fleet-devices tr', { has: page.getByRole('link', { name: 'GONE-01' }) });
      await row.waitFor(POLL);
      const badge = row.locator('.badge-offline');
      expect(await badge.textContent()).toBe('offline');
      // Clearly coloured, not the grey of a stopped listener.
      expect(await badge.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).color)).toBe(
        'rgb(194, 65, 12)',
      );
      const since = row.getByTestId('since');
      const first = (await since.textContent())!;
      expect(first).toMatch(/^offline for (\d+s|\d+ ms|1m \d+s)$/);
      // The time shown is when it went offline, in the browser's zone (Asia/Shanghai).
      const shown = await row.locator('time').getAttribute('datetime');
      expect(Date.parse(shown!)).toBe(offlineAt);
      // The duration moves on its own, without a reload.
      await expect.poll(() => since.textContent(), POLL).not.toBe(first);
      // Online devices are one choice away, sorted with the longest-silent first.
      await startDtu(h, 'LIVE-01', 1, 1);
      await page.locator('#fleet-devices').getByLabel('Status', { exact: true }).selectOption('');
      await expect
        .poll(() => page.locator('#fleet-devices tbody tr td:first-child').allTextContents(), POLL)
        .toEqual(['GONE-01', 'LIVE-01']);
      expect(errors).toEqual([]);
      await context.close();
    },
  );

  it(
    'lists the latest values of several DTUs in the fleet table, sorted by a value, and exports them',
    { timeout: 90_000 },
    async () => {
      const h = await boot(twoPoints());
      await startDtu(h, 'FT-01', 110, 7);
      await startDtu(h, 'FT-02', 330, 8);
      await startDtu(h, 'FT-03', 220, 9);
      const { page, context, errors } = await openPage(await chromium());
      await logIn(page, h);
      await page.getByRole('link', { name: 'Fleet', exact: true }).click();
      await page.getByRole('heading', { name: 'Fleet table' }).waitFor();
      await page.getByLabel('Profile').selectOption(WEB_PROFILE);
      const table = page.getByTestId('fleet-table');
      await table.getByRole('button', { name: 'energy (kWh)' }).waitFor(POLL);
      await table.getByRole('button', { name: 'power (W)' }).waitFor();
      const column = (point: string) => table.locator(`tbody td[data-point=${point}]`).allTextContents();
      await expect.poll(() => column('energy'), POLL).toEqual(['110', '330', '220']);
      expect(await column('power')).toEqual(['7', '8', '9']);
      // Sorted by energy, then the other way round.
      await table.getByRole('button', { name: 'energy (kWh)' }).click();
      await expect.poll(() => column('energy'), POLL).toEqual(['110', '220', '330']);
      await table.getByRole('button', { name: 'energy (kWh)' }).click();
      await expect.poll(() => column('energy'), POLL).toEqual(['330', '220', '110']);
      expect(await table.locator('tbody td:first-child').allTextContents()).toEqual(['FT-02', 'FT-03', 'FT-01']);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('fleet-export-csv').click(),
      ]);
      const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
      expect(rows[0]).toEqual([
        'device',
        'name',
        'group',
        'status',
        'last seen (Asia/Shanghai)',
        'updated (Asia/Shanghai)',
        'energy (kWh)',
        'power (W)',
      ]);
      expect(rows.slice(1).map((r) => [r[0], r[3], r[6], r[7]])).toEqual([
        ['FT-02', 'online', '330', '8'],
        ['FT-03', 'online', '220', '9'],
        ['FT-01', 'online', '110', '7'],
      ]);
      expect(rows[1]![5]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
      expect(errors).toEqual([]);
      await context.close();
    },
  );

  it(
    'downloads a wide export of three devices in local time, as CSV and Excel, matching the database',
    { timeout: 90_000 },
    async () => {
      const h = await boot(twoPoints());
      const ids = ['WIDE-01', 'WIDE-02', 'WIDE-03'];
      const sims = [];
      for (const [i, id] of ids.entries()) sims.push(await startDtu(h, id, 100 + i, 10 + i));
      // A few polls each, then quiet, so the database holds still while we compare.
      await waitFor(
        async () =>
          (await Promise.all(ids.map((id) => h.app.reader.data({ registrationId: id, limit: 20 })))).every(
            (r) => r.length >= 10,
          ),
        10_000,
        'five polls of each device stored',
      );
      for (const sim of sims) await sim.stop();
      await waitFor(() => h.app.gateway.registry.online === 0, 5000, 'all offline');
      await h.app.writer.flush();
      const stored = new Map<string, Sample[]>();
      for (const id of ids)
        stored.set(id, await h.app.reader.data({ registrationId: id, order: 'asc', limit: 100_000 }));

      const { page, context, errors } = await openPage(await chromium());
      await logIn(page, h);
      await page.goto(h.webUrl() + '/data');
      await page.getByLabel('Devices', { exact: true }).selectOption('list');
      await page.getByLabel('Registration IDs (comma separated)').fill(ids.join(', '));
      await page.getByLabel('Layout').selectOption('wide');
      const [csvDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Export CSV' }).click(),
      ]);
      expect(csvDownload.suggestedFilename()).toMatch(/^dtuhub-data-many-\d{8}T\d{6}\.csv$/);
      const rows = parseCsv(readFileSync((await csvDownload.path())!, 'utf8'));
      expect(rows[0]).toEqual(['time (Asia/Shanghai)', 'device', 'energy (kWh)', 'power (W)']);

      // Expected from the database: one row per device and receive time, both points of a poll in it.
      const expected: string[][] = [];
      for (const id of ids) {
        const byTs = new Map<number, Sample[]>();
        for (const s of stored.get(id)!) byTs.set(s.ts, [...(byTs.get(s.ts) ?? []), s]);
        for (const [ts, samples] of byTs) {
          const cell = (point: string) => String(samples.find((s) => s.point === point)?.value ?? '');
          const local = new Date(ts + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
          expected.push([local, id, cell('energy'), cell('power')]);
        }
      }
      expect(rows.slice(1)).toEqual(expected);
      expect(new Set(rows.slice(1).map((r) => r[1]))).toEqual(new Set(ids));
      expect(rows.slice(1).every((r) => r[2] !== '' && r[3] !== '')).toBe(true);

      const [xlsxDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Export Excel' }).click(),
      ]);
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile((await xlsxDownload.path())!);
      const sheet = book.worksheets[0]!;
      expect(sheet.getRow(1).values).toEqual([
        undefined,
        'time (Asia/Shanghai)',
        'device',
        'energy (kWh)',
        'power (W)',
      ]);
      expect(sheet.rowCount).toBe(expected.length + 1);
      for (let r = 0; r < expected.length; r++) {
        const [local, id, energy, power] = expected[r]!;
        // Date cells hold Shanghai's wall time (spreadsheet dates have no zone).
        expect(sheet.getRow(r + 2).values).toEqual([
          undefined,
          new Date(local!.replace('+08:00', 'Z')),
          id,
          Number(energy),
          Number(power),
        ]);
      }
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
