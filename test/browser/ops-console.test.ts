// Issue 19 (ops) in chromium against the real app and a simulated DTU: a write of 55.5 °C by
// point name stores register 555 on the slave and shows the read-back; own password change;
// a generated password forced to change at the first login; the last admin protected; and
// every page at a 390 px phone width without sideways scrolling, events as compact cards.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  gatewayTests,
  TEST_ADMIN_PASSWORD,
  waitFor,
  type Harness,
  type HarnessOptions,
} from '../helpers/app-harness.js';
import { logIn, openPage, sharedBrowser, POLL } from '../helpers/browser.js';
import { caller, webOf } from '../helpers/web.js';
import { WEB_PROFILE, webProfile } from '../helpers/web-profile.js';

const { boot, dtu } = gatewayTests();
const chromium = sharedBrowser();

const PROFILE = WEB_PROFILE;

/** The web tests' fast profile plus a setpoint (int16, scale 0.1, °C, at most 80) at register 2. */
function opsProfile(): HarnessOptions {
  const base = webProfile();
  return {
    ...base,
    points: (p) => {
      base.points?.(p);
      const profile = p.profiles[WEB_PROFILE];
      profile.tasks[0].quantity = 3;
      profile.points.push({ name: 'setpoint', slave: 1, address: 2, type: 'int16', scale: 0.1, unit: '°C', max: 80 });
    },
  };
}

async function onlineDtu(h: Harness, id: string) {
  const sim = dtu(h, 'dtu', { id }, PROFILE);
  sim.setRegisters(1, 3, 0, [0, 7, 200]);
  await sim.start();
  await waitFor(() => h.app.latest.get(id, 'setpoint'), 5000, `a first value from ${id}`);
  return sim;
}

async function status(page: Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, code: text ? ((JSON.parse(text) as any).error?.code ?? null) : null };
    },
    { method, path, body },
  );
}

async function login(h: Harness, username: string, password: string): Promise<number> {
  const res = await fetch(`${h.webUrl()}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return res.status;
}

describe('operator console: writes, accounts, phone layout', () => {
  it('writes 55.5 °C by point name as register 555 after a confirm, and shows the read-back', async () => {
    const h = await boot(opsProfile());
    const sim = await onlineDtu(h, 'DTU-OPS-W');
    const operator = await caller(h, 'operator');
    const { page, context, errors, dialogs } = await openPage(await chromium());
    await logIn(page, h, operator.username, operator.password);
    await page.goto(h.webUrl() + '/devices/DTU-OPS-W');

    const form = page.locator('#write-point');
    await form.getByLabel('Point').selectOption('setpoint');
    await form.getByLabel('New value (°C)').fill('80.5');
    await form.getByRole('button', { name: 'Check and write…' }).click();
    await form.getByRole('alert').getByText('80.5 °C is above the maximum 80 °C').waitFor(POLL);

    await form.getByLabel('New value (°C)').fill('55.5');
    await form.getByRole('button', { name: 'Check and write…' }).click();
    const confirm = page.getByTestId('point-write-confirm');
    await confirm.waitFor(POLL);
    const asked = (await confirm.textContent()) ?? '';
    expect(asked).toContain('Write 55.5 °C to setpoint on DTU-OPS-W?');
    expect(asked).toContain('Registers (slave 1, function 06, address 2): 555 (0x022B)');
    // Nothing is sent before the operator confirms.
    expect(sim.registers(1, 3, 2, 1)).toEqual([200]);

    await confirm.getByRole('button', { name: 'Write now' }).click();
    await expect.poll(() => page.getByTestId('point-write-readback').textContent(), POLL).toBe('55.5 °C');
    expect(await page.getByTestId('point-write-written').textContent()).toMatch(/^55\.5 °C/);
    expect(sim.registers(1, 3, 2, 1)).toEqual([555]);
    await expect.poll(() => page.getByTestId('value-setpoint').textContent(), POLL).toBe('55.5 °C');

    const audit = await webOf(h).ctx.accounts.auditLog({ action: 'write' });
    expect(audit.map((a) => [a.actor, a.fn, a.address, a.values, a.result, a.details])).toEqual([
      [operator.username, 6, 2, [555], 'ok', 'setpoint = 55.5 °C; read back 55.5 °C'],
    ]);
    // The raw register write stays for operators.
    await page.locator('#write').getByLabel('Address').fill('2');
    await page.locator('#write').getByLabel('Value', { exact: true }).fill('123');
    await page.locator('#write').getByRole('button', { name: 'Write', exact: true }).click();
    await page.getByText(/^Written at /).waitFor(POLL);
    expect(sim.registers(1, 3, 2, 1)).toEqual([123]);
    expect(dialogs).toEqual([]);
    // The browser logs the refused 80.5 °C (400) as a failed resource; nothing else may fail.
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await context.close();
  });

  it('changes one’s own password: the old one then fails, the new one works', async () => {
    const h = await boot(opsProfile());
    const viewer = await caller(h, 'viewer');
    const { page, context, errors } = await openPage(await chromium());
    await logIn(page, h, viewer.username, viewer.password);
    await page.getByRole('link', { name: /Signed in as viewer-user/ }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await page.getByLabel('Current password').fill('not-the-password');
    await page.getByLabel('New password (8 characters or more)').fill('brand-new-pass-1');
    await page.getByLabel('Repeat the new password').fill('brand-new-pass-1');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').getByText('The current password is wrong.').waitFor(POLL);

    await page.getByLabel('Current password').fill(viewer.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.', { exact: false }).waitFor(POLL);
    expect(await login(h, viewer.username, viewer.password)).toBe(401);
    expect(await login(h, viewer.username, 'brand-new-pass-1')).toBe(200);
    // The session that changed it goes on working.
    expect((await status(page, 'GET', '/api/devices')).status).toBe(200);
    expect(errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
    await context.close();
  });

  it('leads a login with a generated password to the change screen and refuses everything else until then', async () => {
    const h = await boot(opsProfile());
    const { ctx } = webOf(h);
    await ctx.accounts.updateUser('admin', { mustChangePassword: true, at: Date.now() });
    const { page, context } = await openPage(await chromium());
    await page.goto(h.webUrl() + '/');
    await page.getByLabel(/username/i).fill('admin');
    await page.getByLabel(/^password$/i).fill(TEST_ADMIN_PASSWORD);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.getByRole('heading', { name: 'Choose your own password' }).waitFor(POLL);
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(await status(page, 'GET', '/api/devices')).toEqual({ status: 403, code: 'PASSWORD_CHANGE_REQUIRED' });
    expect((await status(page, 'GET', '/api/me')).status).toBe(200);

    await page.getByLabel('Current password').fill(TEST_ADMIN_PASSWORD);
    await page.getByLabel('New password (8 characters or more)').fill('my-own-admin-pw');
    await page.getByLabel('Repeat the new password').fill('my-own-admin-pw');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('navigation').waitFor(POLL);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect((await status(page, 'GET', '/api/devices')).status).toBe(200);
    expect((await ctx.accounts.user('admin'))!.mustChangePassword).toBe(false);
    expect(await login(h, 'admin', 'my-own-admin-pw')).toBe(200);
    await context.close();
  });

  it('neither offers nor allows deleting or demoting the last admin', async () => {
    const h = await boot(opsProfile());
    const { page, context } = await openPage(await chromium());
    await logIn(page, h);
    await page.goto(h.webUrl() + '/users');
    const row = page.locator('#users tbody tr', { hasText: 'admin' });
    await page.getByTestId('last-admin-admin').waitFor(POLL);
    expect(await row.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await page.locator('#role-admin').count()).toBe(0);
    expect(await status(page, 'DELETE', '/api/users/admin')).toEqual({ status: 409, code: 'LAST_ADMIN' });
    expect(await status(page, 'PATCH', '/api/users/admin', { role: 'viewer' })).toEqual({
      status: 409,
      code: 'LAST_ADMIN',
    });

    // With a second admin both may be managed again.
    await caller(h, 'admin', 'second-admin');
    await page.reload();
    await page.locator('#role-admin').waitFor(POLL);
    expect(await page.locator('#users').getByRole('button', { name: 'Delete' }).count()).toBe(2);
    await context.close();
  });

  it('fits every page into a 390 px phone screen and shows events as compact cards', async () => {
    const h = await boot(opsProfile());
    const sim = await onlineDtu(h, 'DTU-OPS-PHONE-LONG-ID-0123456789ABCDEFGH');
    // A few connects and disconnects: events for the events page.
    const active = () => h.app.gateway.registry.get(sim.id)?.state === 'active';
    for (let i = 0; i < 3; i++) {
      await sim.stop();
      await waitFor(() => !active(), 5000, 'the DTU offline');
      await sim.start();
      await waitFor(active, 5000, 'the DTU online again');
    }
    await h.app.writer.flush();
    const { page, context } = await openPage(await chromium(), { width: 390, height: 844 });
    await logIn(page, h);
    const device = '/devices/' + encodeURIComponent('DTU-OPS-PHONE-LONG-ID-0123456789ABCDEFGH');
    // Every page the navigation offers (new pages are covered as they are added), a device and the account page.
    await page.locator('main h1').first().waitFor(POLL);
    const nav = await page.locator('header nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
    expect(nav).toEqual(expect.arrayContaining(['/', '/devices', '/fleet', '/alarms', '/events', '/config', '/users']));
    const paths = [...nav, device, '/account'];
    for (const path of paths) {
      await page.goto(h.webUrl() + path);
      await page.locator('main h1').first().waitFor(POLL);
      await page.waitForLoadState('networkidle');
      // A string: the test's type check has no DOM library.
      const width = await page.evaluate('document.documentElement.scrollWidth');
      expect({ path, width }).toEqual({ path, width: 390 });
    }

    await page.goto(h.webUrl() + '/events');
    const rows = page.locator('.events-table tbody tr');
    await expect.poll(() => rows.count(), POLL).toBeGreaterThanOrEqual(4);
    const heights = await rows.evaluateAll((trs) => trs.map((tr) => tr.getBoundingClientRect().height));
    // A card: time, type and the sentence (it names the device), not the raw payload: rows
    // were 220 px tall before, and this 40-character ID makes the sentence wrap.
    for (const height of heights) expect(height).toBeLessThanOrEqual(150);
    expect(await rows.first().locator('.event-details').isVisible()).toBe(false);
    // Cards: each value carries its column's label.
    expect(await rows.first().locator('td').first().getAttribute('data-label')).toBe('Time');
    await context.close();
  }, 150_000); // fifteen pages, each loaded until the network is idle
});
