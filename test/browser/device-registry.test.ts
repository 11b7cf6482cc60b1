// The device registry in chromium: a name given on the device page shows in the list, the
// page title and its charts; a 1,000-device CSV with two bad rows is refused with both line
// numbers and changes nothing, and once fixed imports whole.
import { describe, expect, it } from 'vitest';
import { gatewayTests, waitFor } from '../helpers/app-harness.js';
import { logIn, openPage, sharedBrowser, POLL } from '../helpers/browser.js';
import { WEB_PROFILE, webProfile } from '../helpers/web-profile.js';

const { boot, dtu } = gatewayTests();
const chromium = sharedBrowser();

/** `count` devices IMP-0001…; rows given in `bad` (1-based row index) get the broken cells. */
function deviceCsv(count: number, bad: Record<number, { latitude?: string; enabled?: string }> = {}): string {
  const lines = ['registrationId,name,group,latitude,longitude,enabled,tags'];
  for (let i = 1; i <= count; i++) {
    const id = `IMP-${String(i).padStart(4, '0')}`;
    const row = bad[i] ?? {};
    lines.push(
      [
        id,
        `Meter ${i} / 电表 ${i}`,
        `group-${i % 7}`,
        row.latitude ?? '31.2',
        '121.5',
        row.enabled ?? 'true',
        '"a, b"',
      ].join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

describe('device registry pages', () => {
  it('shows a name given on the device page in the list, the title and the charts', async () => {
    const h = await boot(webProfile());
    await dtu(h, 'dtu', { id: 'PUMP-01' }, WEB_PROFILE).start();
    await waitFor(() => h.app.gateway.registry.online === 1, 5000, 'PUMP-01 online');

    const { page, context, errors } = await openPage(await chromium());
    await logIn(page, h);
    await page.goto(h.webUrl() + '/devices/PUMP-01');
    const registry = page.locator('#registry');
    await registry.getByLabel('Name').fill('Boiler room pump');
    await registry.getByLabel('Group').fill('heating');
    await registry.getByRole('button', { name: 'Save' }).click();
    await registry.getByText('Saved.').waitFor();
    await expect.poll(() => page.locator('h1 .device-name').textContent(), POLL).toBe('Boiler room pump');
    await expect.poll(() => page.locator('#charts-heading').textContent(), POLL).toContain('Boiler room pump');
    expect(h.app.fleetRegistry.entry('PUMP-01')).toMatchObject({ name: 'Boiler room pump', group: 'heating' });

    await page.goto(h.webUrl() + '/devices');
    const row = page.locator('table.devices tbody tr', { hasText: 'PUMP-01' });
    await expect.poll(() => row.locator('td.device-name').textContent(), POLL).toBe('Boiler room pump');
    await page.getByLabel('Search ID or name').fill('boiler');
    await expect
      .poll(() => page.locator('table.devices tbody tr td:first-child').allTextContents(), POLL)
      .toEqual(['PUMP-01']);
    await page.goto(h.webUrl() + '/');
    await page.locator('#online-devices').getByText('Boiler room pump').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses a 1,000-device list with two bad rows by line, then imports it fixed', async () => {
    const h = await boot(webProfile());
    const { page, context } = await openPage(await chromium());
    await logIn(page, h);
    await page.goto(h.webUrl() + '/devices');
    await page.getByRole('button', { name: 'Import device list' }).click();
    const panel = page.locator('#import-devices');

    const broken = deviceCsv(1000, { 100: { latitude: '123' }, 501: { enabled: 'maybe' } });
    await panel.getByLabel('CSV or XLSX file').setInputFiles({
      name: 'devices.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(broken, 'utf8'),
    });
    await panel.getByRole('button', { name: 'Import' }).click();
    const alert = panel.getByRole('alert');
    await alert.getByText('Nothing was imported: 2 rows are invalid.').waitFor();
    expect(await alert.locator('li').allTextContents()).toEqual([
      'line 101: latitude 123 is not a number from -90 to 90',
      'line 502: enabled maybe is not true or false',
    ]);
    expect(h.app.fleetRegistry.size).toBe(0);
    expect(await h.app.reader.devices()).toEqual([]);

    await panel.getByLabel('CSV or XLSX file').setInputFiles({
      name: 'devices.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(deviceCsv(1000), 'utf8'),
    });
    await panel.getByRole('button', { name: 'Import' }).click();
    await panel.getByText('Imported: 1000 added, 0 updated.').waitFor();
    await expect.poll(() => page.locator('p[aria-live=polite]').textContent(), POLL).toContain('50 of 1000 devices');
    expect((await h.app.reader.devices()).length).toBe(1000);
    expect(h.app.fleetRegistry.entry('IMP-0777')).toMatchObject({
      name: 'Meter 777 / 电表 777',
      group: 'group-0',
      latitude: 31.2,
      tags: ['a', 'b'],
      enabled: true,
    });
    await expect
      .poll(() => page.locator('table.devices tbody tr td.device-name').first().textContent(), POLL)
      .toBe('Meter 1 / 电表 1');
    await context.close();
  });
});
