// The browser UI end to end: Debian chromium (playwright-core) against the real app with
// simulated DTUs — log in, watch a DTU come online, live values, charts, exports, language,
// roles, and untrusted registration IDs rendered as text.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { gatewayTests, waitFor, type Harness } from '../helpers/app-harness.js';
import { logIn, openPage, sharedBrowser, POLL } from '../helpers/browser.js';
import { dataExportHeader, parseCsv } from '../helpers/csv.js';
import { WEB_PROFILE, webProfile } from '../helpers/web-profile.js';
import { caller } from '../helpers/web.js';

const { boot, dtu } = gatewayTests();
const chromium = sharedBrowser();

/** The fast profile (energy, uint32 kWh at register 0, polled every 100 ms) with every raw packet kept. */
const bootFast = () => boot(webProfile((s) => (s.retention = { ...s.retention, recordRawPackets: 'all' })));

async function onlineDtu(h: Harness, id: string, energy: number) {
  const sim = dtu(h, 'dtu', { id }, WEB_PROFILE);
  sim.setRegisters(1, 3, 0, [0, energy]);
  await sim.start();
  await waitFor(() => h.app.latest.get(id, 'energy'), 5000, `a first value from ${id}`);
  return sim;
}

/** The columns of a data export; times in the browser's zone (the test context runs in Asia/Shanghai). */
const DATA_COLUMNS = dataExportHeader('Asia/Shanghai');

async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}

describe('browser UI', () => {
  it('logs in and sees a simulated DTU come online on the dashboard', async () => {
    const h = await bootFast();
    const { page, errors, context } = await openPage(await chromium());
    await page.goto(h.webUrl() + '/');
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to dtuhub' }).isVisible(), POLL).toBe(true);
    await logIn(page, h);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await expect.poll(() => textOf(page, '[data-testid=online-count]'), POLL).toBe('0');

    const sim = await onlineDtu(h, 'DTU-DASH-1', 7);
    await expect.poll(() => textOf(page, '[data-testid=online-count]'), POLL).toBe('1');
    await page.locator('#online-devices').getByRole('link', { name: 'DTU-DASH-1' }).waitFor();
    await page.locator('#events li', { hasText: 'DTU-DASH-1' }).getByText('online').waitFor();

    await sim.stop();
    await expect.poll(() => textOf(page, '[data-testid=online-count]'), POLL).toBe('0');
    await page.locator('#events li', { hasText: 'DTU-DASH-1' }).getByText('offline').waitFor();
    await expect.poll(() => textOf(page, '[data-testid=offline-count]'), POLL).toBe('1');
    expect(await page.locator('#online-devices').getByRole('link', { name: 'DTU-DASH-1' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lists the devices online before it opened, and what changed while another page was shown', async () => {
    const h = await bootFast();
    await onlineDtu(h, 'DTU-SNAP-A', 1);
    const b = await onlineDtu(h, 'DTU-SNAP-B', 2);
    const { page, errors, context } = await openPage(await chromium());
    await logIn(page, h);
    const onlineList = page.locator('#online-devices');
    // From the fleet snapshot.
    await onlineList.getByRole('link', { name: 'DTU-SNAP-A' }).waitFor(POLL);
    await onlineList.getByRole('link', { name: 'DTU-SNAP-B' }).waitFor(POLL);
    // Away from the dashboard the fleet is unsubscribed; back on it, a delta brings the list up to date.
    await page.getByRole('link', { name: 'Devices', exact: true }).click();
    await page.getByRole('heading', { name: 'Devices' }).waitFor();
    await b.stop();
    await waitFor(() => !h.app.gateway.registry.get('DTU-SNAP-B'), 5000, 'DTU-SNAP-B offline');
    await onlineDtu(h, 'DTU-SNAP-C', 3);
    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    await onlineList.getByRole('link', { name: 'DTU-SNAP-C' }).waitFor(POLL);
    await onlineList.getByRole('link', { name: 'DTU-SNAP-A' }).waitFor(POLL);
    expect(await onlineList.getByRole('link', { name: 'DTU-SNAP-B' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows live values that follow the simulator, with units, and draws a chart of the history', async () => {
    const h = await bootFast();
    const sim = await onlineDtu(h, 'DTU-LIVE-1', 42);
    const { page, errors, context } = await openPage(await chromium());
    await logIn(page, h);
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('link', { name: 'DTU-LIVE-1' }).click();
    await page.getByRole('heading', { name: /DTU-LIVE-1/ }).waitFor();
    await expect.poll(() => textOf(page, '[data-testid=value-energy]'), POLL).toBe('42 kWh');

    sim.setRegisters(1, 3, 0, [0, 43]);
    await expect.poll(() => textOf(page, '[data-testid=value-energy]'), POLL).toBe('43 kWh');

    // The chart reads stored history: refresh until the writer has committed some rows.
    const chart = page.locator('figure.chart[data-point=energy]');
    await expect
      .poll(async () => {
        await page.locator('#charts').getByRole('button', { name: 'Refresh' }).click();
        await page.waitForTimeout(200);
        return Number((await chart.getAttribute('data-points')) ?? 0);
      }, POLL)
      .toBeGreaterThan(0);
    await chart.locator('canvas').first().waitFor();
    expect(await textOf(page, 'figure.chart[data-point=energy] figcaption')).toBe('energy (kWh)');
    await chart.locator('summary').click();
    // The table is built when opened.
    await chart.locator('.chart-table tbody tr').first().waitFor();
    const cells = await chart.locator('.chart-table tbody tr td:nth-child(2)').allTextContents();
    expect(cells.length).toBeGreaterThan(0);
    expect(
      cells.map(Number).every((v) => v >= 42 && v <= 43),
      cells.join(' '),
    ).toBe(true);

    // Raw packets are stored ("all") and shown with a hex dump.
    await expect
      .poll(async () => {
        await page.locator('#packets').getByRole('button', { name: 'Refresh' }).click();
        await page.waitForTimeout(200);
        return page.locator('#packets details.hex').count();
      }, POLL)
      .toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('marks a device unreachable when its slave stops answering', async () => {
    const h = await bootFast();
    const sim = dtu(h, 'dtu', { id: 'DTU-MUTE-1', silentSlaves: [1] }, WEB_PROFILE);
    const { page, context } = await openPage(await chromium());
    await logIn(page, h);
    await sim.start();
    await waitFor(() => h.app.gateway.registry.online === 1, 5000, 'the DTU online');
    await page.goto(h.webUrl() + '/devices/DTU-MUTE-1');
    await page.locator('h1').getByText('unreachable').waitFor(POLL);
    await page
      .locator('#slaves tbody tr td:nth-child(4)')
      .filter({ hasText: /^[1-9]\d*$/ })
      .waitFor();
    await context.close();
  });

  it('exports the data browser query as CSV and XLSX with the stored values', async () => {
    const h = await bootFast();
    await onlineDtu(h, 'DTU-EXP-1', 1234);
    // An hour of older rows as well, so the browser has more than one page.
    const start = Date.now() - 3_600_000;
    for (let i = 0; i < 120; i++)
      h.app.writer.samples([
        {
          deviceId: 'DTU-EXP-1',
          point: 'energy',
          slave: 1,
          address: 0,
          value: 1234,
          text: null,
          raw: '000004d2',
          ts: start + i * 1000,
          quality: 'good',
        },
      ]);
    await h.app.writer.flush();
    const { page, context } = await openPage(await chromium());
    await logIn(page, h);
    await page.goto(h.webUrl() + '/data?device=DTU-EXP-1');
    await page.getByLabel('Rows per page').selectOption('50');
    await page.getByRole('button', { name: 'Show' }).click();
    const shown = () => page.locator('table.data-rows tbody tr').count();
    await expect.poll(shown, POLL).toBe(50);
    expect(await textOf(page, 'table.data-rows tbody td.value')).toBe('1234 kWh');
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(shown, POLL).toBe(100);
    await page.getByText('100 rows shown').waitFor();

    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    expect(csvDownload.suggestedFilename()).toMatch(/^dtuhub-data-DTU-EXP-1-\d{8}T\d{6}\.csv$/);
    const rows = parseCsv(readFileSync((await csvDownload.path())!, 'utf8'));
    expect(rows[0]).toEqual(DATA_COLUMNS);
    expect(rows.length).toBeGreaterThan(121);
    for (const row of rows.slice(1))
      expect(row.slice(1, 6).concat(row[8]!)).toEqual(['DTU-EXP-1', 'energy', '1', '0', '1234', 'kWh']);

    const [xlsxDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export Excel' }).click(),
    ]);
    expect(xlsxDownload.suggestedFilename()).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await xlsxDownload.path())!);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, ...DATA_COLUMNS]);
    expect(sheet.rowCount).toBeGreaterThan(121);
    const second = sheet.getRow(2);
    expect(second.getCell(1).value).toBeInstanceOf(Date);
    expect([
      second.getCell(2).value,
      second.getCell(3).value,
      second.getCell(6).value,
      second.getCell(9).value,
    ]).toEqual(['DTU-EXP-1', 'energy', 1234, 'kWh']);
    await context.close();
  });

  it('switches to Chinese, and remembers the choice after a reload', async () => {
    const h = await bootFast();
    const { page, context } = await openPage(await chromium());
    await logIn(page, h);
    // Keyboard users first meet a link that skips the navigation.
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.locator(':focus').getAttribute('id')).toBe('main');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: '概览' }).waitFor();
    await page.getByRole('link', { name: '设备', exact: true }).waitFor();
    expect(await page.getByText('在线设备').count()).toBeGreaterThan(0);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.reload();
    await page.getByRole('heading', { name: '概览' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await context.close();
  });

  it('hides the write form from a viewer and the API refuses the write; an operator writes to the slave', async () => {
    const h = await bootFast();
    const sim = await onlineDtu(h, 'DTU-WRITE-1', 5);
    const viewer = await caller(h, 'viewer');
    const operator = await caller(h, 'operator');

    const asViewer = await openPage(await chromium());
    await logIn(asViewer.page, h, viewer.username, viewer.password);
    await asViewer.page.goto(h.webUrl() + '/devices/DTU-WRITE-1');
    await asViewer.page.getByTestId('write-refused').waitFor();
    expect(await asViewer.page.locator('#write-values').count()).toBe(0);
    const status = await asViewer.page.evaluate(async () => {
      const response = await fetch('/api/devices/DTU-WRITE-1/write', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ slave: 1, fn: 6, address: 1, value: 99 }),
      });
      return { status: response.status, body: (await response.json()) as { error: { code: string } } };
    });
    expect(status).toEqual({ status: 403, body: { error: expect.objectContaining({ code: 'FORBIDDEN' }) } });
    expect(sim.registers(1, 3, 1, 1)).toEqual([5]);
    await asViewer.context.close();

    const asOperator = await openPage(await chromium());
    await logIn(asOperator.page, h, operator.username, operator.password);
    await asOperator.page.goto(h.webUrl() + '/devices/DTU-WRITE-1');
    await asOperator.page.getByLabel('Address').fill('1');
    await asOperator.page.getByLabel('Value', { exact: true }).fill('99');
    await asOperator.page.getByRole('button', { name: 'Write', exact: true }).click();
    await asOperator.page.getByText(/^Written at /).waitFor();
    expect(sim.registers(1, 3, 0, 2)).toEqual([0, 99]);
    await expect.poll(() => textOf(asOperator.page, '[data-testid=value-energy]'), POLL).toBe('99 kWh');
    await asOperator.context.close();
  });

  it('renders a registration ID containing HTML as text everywhere, without running it', async () => {
    const h = await bootFast();
    // No spaces: a registration ID is printable ASCII without them.
    const id = '<svg/onload=alert(1)>';
    const { page, dialogs, context } = await openPage(await chromium());
    await logIn(page, h);
    await onlineDtu(h, id, 1);
    await page.locator('#online-devices').getByRole('link', { name: id }).waitFor(POLL);
    await page.getByRole('link', { name: 'Devices', exact: true }).click();
    await page.getByRole('link', { name: id }).click();
    await page.locator('h1 .device-id').getByText(id, { exact: true }).waitFor();
    await expect.poll(() => textOf(page, '[data-testid=value-energy]'), POLL).toBe('1 kWh');
    await page.goto(h.webUrl() + '/connections');
    await page.locator('table').getByRole('link', { name: id }).first().waitFor();
    expect(await page.locator('svg[onload]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
