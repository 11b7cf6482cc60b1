// Points in the operator's language with their units, and charts an operator reads: the zh
// device page shows 温度 and °C in the live values and chart titles; points of two units on
// one chart get two y axes; a status word is drawn as steps; a range ending now refreshes
// itself; date/time inputs read 24-hour on the Chinese page of an en-US browser.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { gatewayTests, waitFor, type Harness } from '../helpers/app-harness.js';
import { logIn, openPage, sharedBrowser, POLL } from '../helpers/browser.js';

const { boot, dtu } = gatewayTests();
const chromium = sharedBrowser();
const PROFILE = 'station';
const LONG = { timeout: 45_000 } as const;

/** The uPlot instance chart.tsx leaves on its canvas holder. */
interface Plotted {
  uplot: { axes: { scale?: string; label?: string; side?: number }[] };
}

/** Temperature (0.1 °C), humidity (%RH) and a status word at registers 0..2, read every second. */
const bootStation = () =>
  boot({
    points: (p) => {
      p.profiles[PROFILE] = {
        timing: { responseTimeout: '150ms', retries: 0, interRequestDelay: '0ms', quietAfterTimeout: '20ms' },
        slaves: [{ id: 1 }],
        pollOnConnect: true,
        tasks: [{ name: 'all', address: 0, quantity: 3, every: '1s' }],
        points: [
          {
            name: 'temperature',
            description: { zh: '温度', en: 'Temperature' },
            address: 0,
            type: 'int16',
            scale: 0.1,
            unit: '°C',
          },
          { name: 'humidity', description: { zh: '湿度', en: 'Humidity' }, address: 1, type: 'uint16', unit: '%RH' },
          { name: 'status', description: { zh: '状态字', en: 'Status word' }, address: 2, type: 'uint16' },
        ],
      };
      p.devices = [{ default: PROFILE }];
    },
  });

async function onlineStation(h: Harness, id: string) {
  const sim = dtu(h, 'dtu', { id }, PROFILE);
  sim.setRegisters(1, 3, 0, [235, 41, 1]);
  await sim.start();
  await waitFor(() => h.app.latest.get(id, 'status'), 5000, `a first value from ${id}`);
  return sim;
}

async function openDevice(page: Page, h: Harness, id: string) {
  await logIn(page, h);
  await page.goto(`${h.webUrl()}/devices/${id}`);
  await page.locator('#live-values').waitFor();
}

/** Refreshes the charts until the chart of `point` has data. */
async function chartWithData(page: Page, point: string) {
  const chart = page.locator(`figure.chart[data-point="${point}"]`);
  await expect
    .poll(async () => {
      await page
        .locator('#charts')
        .getByRole('button', { name: /^(Refresh|刷新)$/ })
        .click();
      await page.waitForTimeout(300);
      return Number((await chart.getAttribute('data-points')) ?? 0);
    }, POLL)
    .toBeGreaterThan(0);
  await chart.locator('canvas').first().waitFor();
  return chart;
}

describe('charts and units in the operator language', () => {
  it('shows 温度 with °C in the live values and chart titles on the Chinese page', async () => {
    const h = await bootStation();
    await onlineStation(h, 'DTU-ZH-1');
    const { page, errors, context } = await openPage(await chromium());
    await openDevice(page, h, 'DTU-ZH-1');
    await page.getByRole('button', { name: '中文' }).click();

    const row = page.locator('table.live-values tr[data-point=temperature]');
    await expect.poll(() => row.locator('th').textContent(), POLL).toBe('温度 temperature');
    await expect.poll(() => row.locator('[data-testid=value-temperature]').textContent(), POLL).toBe('23.5 °C');
    expect(await page.locator('[data-testid=value-humidity]').textContent()).toBe('41 %RH');

    const chart = await chartWithData(page, 'temperature');
    expect(await chart.locator('figcaption').textContent()).toBe('温度 (°C)');
    expect(await page.locator('figure.chart[data-point=humidity] figcaption').textContent()).toBe('湿度 (%RH)');
    expect(await chart.locator('.u-legend').textContent()).toContain('温度 (°C)');
    // Words an operator reads; the tiers and rows only in the tooltip.
    const words = page.locator('#charts .chart-words');
    expect(await words.textContent()).toMatch(/^最近 24 小时，每 1 分钟一个值/);
    expect(await words.getAttribute('title')).toMatch(/读取 \d+ 行/);
    expect(await chart.locator('summary').textContent()).toMatch(/^数值（\d+ 个）$/);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('draws two units on two y axes, and the status word as steps', async () => {
    const h = await bootStation();
    await onlineStation(h, 'DTU-AXES-1');
    const { page, errors, context } = await openPage(await chromium());
    await openDevice(page, h, 'DTU-AXES-1');
    await chartWithData(page, 'status');

    await page.locator('#charts details.chart-pick summary').click();
    await page.getByLabel('Temperature · temperature (°C)').check();
    await page.getByLabel('Humidity · humidity (%RH)').check();
    const together = page.locator('figure.chart-combined');
    await together.locator('canvas').waitFor(POLL);
    expect(await together.getAttribute('data-point')).toBe('temperature,humidity');
    expect(await together.getAttribute('data-axes')).toBe('2');
    // uPlot's own axes: time, then °C on the left and %RH on the right.
    expect(await together.locator('.u-axis').count()).toBe(3);
    const axes = await together
      .locator('.chart-canvas')
      .evaluate((e) =>
        (e as unknown as Plotted).uplot.axes.filter((a) => a.scale !== 'x').map((a) => `${a.label} side ${a.side}`),
      );
    expect(axes).toEqual(['°C side 3', '%RH side 1']);
    expect(await together.locator('figcaption').textContent()).toBe('Temperature (°C) · Humidity (%RH)');

    // The status word is a state; temperature stays a line.
    expect(await page.locator('figure.chart[data-point=status]').getAttribute('data-steps')).toBe('status');
    expect(await page.locator('figure.chart[data-point=temperature]').getAttribute('data-steps')).toBe('');
    // No line of dashes in a legend: it shows the latest value until the cursor points elsewhere.
    expect(await page.locator('figure.chart[data-point=temperature] .u-legend').textContent()).toContain('23.5 °C');
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('refreshes a range ending now by itself, without reloading the page', async () => {
    const h = await bootStation();
    const sim = await onlineStation(h, 'DTU-AUTO-1');
    const { page, errors, context } = await openPage(await chromium());
    await openDevice(page, h, 'DTU-AUTO-1');
    await page.locator('#chart-range').selectOption('15m');
    const chart = await chartWithData(page, 'temperature');
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 7));
    expect(await page.locator('#charts .chart-words').textContent()).toBe(
      'last 15 min, 1 value per 5 s (states: the highest in each) · refreshes every 5 s',
    );

    sim.setRegisters(1, 3, 0, [612]);
    // No click from here on: the chart asks again by itself and the new value arrives.
    await expect
      .poll(async () => {
        await chart.locator('summary').click();
        await chart.locator('.chart-table tbody tr').first().waitFor();
        const cells = await chart.locator('.chart-table tbody tr td:nth-child(4)').allTextContents();
        await chart.locator('summary').click();
        return cells.includes('61.2');
      }, LONG)
      .toBe(true);
    expect(await page.evaluate(() => (globalThis as unknown as { marker: number }).marker)).toBe(7);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('takes 24-hour times on the Chinese page of an en-US browser', async () => {
    const h = await bootStation();
    await onlineStation(h, 'DTU-TIME-1');
    const { page, errors, context } = await openPage(await chromium(), { locale: 'en-US' });
    await openDevice(page, h, 'DTU-TIME-1');
    await page.getByRole('button', { name: '中文' }).click();
    await page.locator('#chart-range').selectOption('custom');
    const from = page.locator('#chart-from');
    expect(await from.getAttribute('type')).toBe('text');
    expect(await from.inputValue()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    await from.fill('2026-12-07 18:30');
    await from.press('Enter');
    await from.blur();
    await expect.poll(() => page.locator('#chart-from').inputValue(), POLL).toBe('2026-12-07 18:30');
    await page.locator('#chart-to').fill('2026-12-07 21:45');
    await page.locator('#chart-to').blur();
    await expect
      .poll(() => page.locator('#charts .chart-words').textContent(), POLL)
      .toMatch(/^2026-12-07 18:30 – 2026-12-07 21:45，每 /);
    // A 12-hour time is refused in place, the range stays as it was.
    await page.locator('#chart-to').fill('2026-12-07 9:45 PM');
    await page.locator('#chart-to').blur();
    expect(
      await page
        .locator('#chart-to')
        .evaluate((e) => (e as unknown as { validationMessage: string }).validationMessage),
    ).toContain('YYYY-MM-DD HH:mm');

    // The data browser's inputs are the same 24-hour text.
    await page.goto(`${h.webUrl()}/data?device=DTU-TIME-1`);
    const dataFrom = page.locator('#data-from');
    await dataFrom.waitFor();
    expect(await dataFrom.getAttribute('type')).toBe('text');
    expect(await dataFrom.inputValue()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
