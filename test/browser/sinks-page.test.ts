// The Sinks page in chromium: two InfluxDB sinks fed by a polled DTU, one writing to a local
// receiver (ok, rows sent) and one whose receiver is down (spilling to disk, with its error
// and rows on disk). An admin stops and starts the first; the page reads in 简体中文; a viewer
// sees the table without the controls.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { gatewayTests, removeDir, waitFor } from '../helpers/app-harness.js';
import { logIn, openPage, sharedBrowser, POLL } from '../helpers/browser.js';
import { InfluxReceiver } from '../helpers/influx-receiver.js';
import { caller } from '../helpers/web.js';
import { WEB_PROFILE, webProfile } from '../helpers/web-profile.js';

const { boot, dtu } = gatewayTests();
const chromium = sharedBrowser();
const spillRoot = mkdtempSync(join(tmpdir(), 'dtuhub-sinks-page-'));
const receivers: InfluxReceiver[] = [];

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.down()));
});
afterAll(() => removeDir(spillRoot));

async function receiver(): Promise<InfluxReceiver> {
  const r = new InfluxReceiver();
  receivers.push(r);
  await r.start();
  return r;
}

function influxSink(name: string, url: string) {
  return {
    name,
    type: 'influxdb',
    queue: { maxRows: 50, flushInterval: '100ms' },
    spill: { dir: join(spillRoot, name), writeTimeout: '1s', retryMin: '100ms', retryMax: '300ms' },
    influxdb: { url, org: 'plant', bucket: 'dtu', token: 'page-secret', timeout: '1s' },
  };
}

describe('the Sinks page', () => {
  it('shows each sink with its state, rows and error, and lets an admin stop and start one', async () => {
    const up = await receiver();
    const gone = await receiver();
    await gone.down();
    const h = await boot(
      webProfile((doc) => {
        doc.sinks = [influxSink('historian', up.url), influxSink('backup', gone.url)];
      }),
    );
    const sim = dtu(h, 'dtu', { id: 'SINK-DTU-1' }, WEB_PROFILE);
    sim.setRegisters(1, 3, 0, [0, 42]);
    await sim.start();
    await waitFor(() => up.lines.length > 0, 10_000, 'lines at the receiver');
    await waitFor(
      () => h.app.sinks.list().find((s) => s.name === 'backup')?.state === 'spilling',
      10_000,
      'backup spilling',
    );

    // Stopping asks first: say yes.
    const { page, context, errors, dialogs } = await openPage(await chromium(), { acceptDialogs: true });
    await logIn(page, h);
    await page.getByRole('link', { name: 'Sinks' }).click();
    await page.getByRole('heading', { name: 'Sinks (northbound)' }).waitFor();

    const historian = page.locator('tr[data-sink=historian]');
    const backup = page.locator('tr[data-sink=backup]');
    await expect.poll(() => historian.getAttribute('data-state'), POLL).toBe('ok');
    await historian.locator('.badge', { hasText: 'ok' }).waitFor();
    expect(await historian.locator('.channel-type').textContent()).toBe('InfluxDB');
    expect(await historian.locator('td.target').textContent()).toBe(`${up.url} (v2 plant/dtu)`);
    // The rows sent grow with the polls; the page shows the API's counter, never ahead of it
    // (rows of every kind: the device's registration and heartbeats too, which InfluxDB does
    // not get, so the receiver's lines are no measure of it), and the receiver has the value.
    await expect
      .poll(async () => Number((await historian.locator('[data-counter=sent]').textContent())?.split(' ')[1]), POLL)
      .toBeGreaterThan(3);
    const sentOnPage = Number((await historian.locator('[data-counter=sent]').textContent())!.split(' ')[1]);
    const sentByApi = h.app.sinks.list().find((s) => s.name === 'historian')!.counters.sent;
    expect(sentByApi).toBeGreaterThanOrEqual(sentOnPage);
    expect(up.lines.filter((l) => Number(l.fields['energy']) === 42).length).toBeGreaterThan(3);

    await expect.poll(() => backup.getAttribute('data-state'), POLL).toBe('spilling');
    await backup.locator('.badge', { hasText: 'spilling to disk' }).waitFor();
    await expect.poll(() => backup.locator('td.last-error').textContent(), POLL).toMatch(/ECONNREFUSED|refused/i);
    await expect.poll(async () => (await backup.locator('td.backlog').textContent()) ?? '', POLL).toMatch(/ \/ [1-9]/);
    expect(await page.content()).not.toContain('page-secret');

    // Stop asks first, then the API and the page agree; Start brings it back.
    await historian.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect.poll(() => historian.getAttribute('data-state'), POLL).toBe('stopped');
    expect(dialogs).toEqual(['confirm: Stop sink historian? Samples polled while it is stopped are not forwarded.']);
    expect(h.app.sinks.list().find((s) => s.name === 'historian')?.state).toBe('stopped');
    expect(await historian.getByRole('button', { name: 'Stop', exact: true }).isDisabled()).toBe(true);
    const linesWhileStopped = up.lines.length;
    await historian.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => historian.getAttribute('data-state'), POLL).toBe('ok');
    await waitFor(() => up.lines.length > linesWhileStopped, 10_000, 'lines again after the start');

    // 简体中文.
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: '北向转发' }).waitFor();
    await historian.locator('.badge', { hasText: '正常' }).waitFor();
    await backup.locator('.badge', { hasText: '暂存到磁盘' }).waitFor();
    await page.getByRole('columnheader', { name: '积压（内存 / 磁盘）' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await context.close();

    // A viewer sees the sinks but not the controls.
    const viewer = await caller(h, 'viewer');
    const seen = await openPage(await chromium());
    await logIn(seen.page, h, viewer.username, viewer.password);
    await seen.page.goto(h.webUrl() + '/sinks');
    await seen.page.locator('tr[data-sink=historian]').waitFor();
    await seen.page.getByText('Only admins can start, stop or restart sinks.').waitFor();
    expect(await seen.page.getByRole('button', { name: 'Stop', exact: true }).count()).toBe(0);

    expect(errors).toEqual([]);
    expect(seen.errors).toEqual([]);
    await seen.context.close();
  }, 90_000);
});
