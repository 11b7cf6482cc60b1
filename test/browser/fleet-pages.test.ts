// The devices list filters and the channels page in chromium: search and status filters
// against simulated DTUs, and listener stop/start for admins only.
import { describe, expect, it } from 'vitest';
import { gatewayTests, waitFor } from '../helpers/app-harness.js';
import { logIn, openPage, sharedBrowser, POLL } from '../helpers/browser.js';
import { caller } from '../helpers/web.js';
import { WEB_PROFILE, webProfile } from '../helpers/web-profile.js';

const { boot, dtu } = gatewayTests();
const chromium = sharedBrowser();

describe('fleet pages', () => {
  it('filters the devices list by search text and by status', async () => {
    const h = await boot(webProfile());
    for (const id of ['PUMP-01', 'PUMP-02', 'FAN-01']) await dtu(h, 'dtu', { id }, WEB_PROFILE).start();
    await waitFor(() => h.app.gateway.registry.online === 3, 5000, 'three online');
    const gone = dtu(h, 'dtu', { id: 'PUMP-03' }, WEB_PROFILE);
    await gone.start();
    await waitFor(() => h.app.gateway.registry.online === 4, 5000, 'four online');
    await gone.stop();
    await waitFor(() => h.app.gateway.registry.online === 3, 5000, 'PUMP-03 offline');
    await h.app.writer.flush();

    const { page, context } = await openPage(await chromium());
    await logIn(page, h);
    await page.goto(h.webUrl() + '/devices');
    const ids = () => page.locator('table.devices tbody tr td:first-child').allTextContents();
    await expect.poll(ids, POLL).toEqual(['FAN-01', 'PUMP-01', 'PUMP-02', 'PUMP-03']);
    await page.getByLabel('Search ID or name').fill('pump');
    await expect.poll(ids, POLL).toEqual(['PUMP-01', 'PUMP-02', 'PUMP-03']);
    expect(new URL(page.url()).search).toBe('?search=pump');
    await page.getByLabel('Status').selectOption('offline');
    await expect.poll(ids, POLL).toEqual(['PUMP-03']);
    await page.reload();
    await expect.poll(ids, POLL).toEqual(['PUMP-03']);
    await context.close();
  });

  it('lets an admin stop and start a listener, and shows a viewer no controls', async () => {
    const h = await boot(webProfile());
    const { page, context } = await openPage(await chromium());
    await logIn(page, h);
    await page.getByRole('link', { name: 'Channels' }).click();
    const row = page.locator('tr[data-listener=typed]');
    await row.getByText('running').waitFor();
    await row.getByRole('button', { name: 'Stop', exact: true }).click();
    await row.getByText('stopped').waitFor();
    expect(h.app.gateway.listenerStates().find((l) => l.name === 'typed')?.state).toBe('stopped');
    await row.getByRole('button', { name: 'Start', exact: true }).click();
    await row.getByText('running').waitFor();
    const restarts = () => row.locator('td').nth(6).textContent();
    await expect.poll(restarts, POLL).toBe('1');
    await row.getByRole('button', { name: 'Restart' }).click();
    await expect.poll(restarts, POLL).toBe('2');
    await context.close();

    const viewer = await caller(h, 'viewer');
    const asViewer = await openPage(await chromium());
    await logIn(asViewer.page, h, viewer.username, viewer.password);
    await asViewer.page.goto(h.webUrl() + '/channels');
    await asViewer.page.getByText('Only admins can start, stop or restart listeners and channels.').waitFor();
    await asViewer.page.locator('tr[data-listener=typed]').waitFor();
    expect(await asViewer.page.getByRole('button', { name: 'Stop', exact: true }).count()).toBe(0);
    expect(await asViewer.page.getByRole('link', { name: 'Users & tokens' }).count()).toBe(0);
    await asViewer.context.close();
  });
});
