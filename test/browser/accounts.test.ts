// Logging in and out, the lockout message, and the admin's users and tokens page, in chromium.
import { describe, expect, it } from 'vitest';
import { gatewayTests } from '../helpers/app-harness.js';
import { logIn, openPage, sharedBrowser } from '../helpers/browser.js';

const { boot } = gatewayTests();
const chromium = sharedBrowser();

describe('accounts in the browser', () => {
  it('says when a password is wrong, then when the login is locked out', async () => {
    const h = await boot({ server: (s) => (s.web.lockout = { maxFailures: 2, duration: '10m' }) });
    const { page, context } = await openPage(await chromium());
    await page.goto(h.webUrl() + '/');
    const attempt = async () => {
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password', { exact: true }).fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    await attempt();
    await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
    await attempt();
    await attempt();
    await page
      .getByRole('alert')
      .getByText(/^Too many failed attempts\. Try again in \d+ s\.$/)
      .waitFor();
    await context.close();
  });

  it('lets an admin create an operator, who then logs in with that role; tokens show their secret once', async () => {
    const h = await boot();
    const { page, context } = await openPage(await chromium());
    await logIn(page, h);
    await page.getByRole('link', { name: 'Users & tokens' }).click();
    await page.getByRole('heading', { name: 'Users and API tokens' }).waitFor();
    const userForm = page.getByRole('form', { name: 'New user' });
    await userForm.getByLabel('Username').fill('alice');
    await userForm.getByLabel('Password (8 characters or more)').fill('alice-password-1');
    await userForm.getByLabel('Role').selectOption('operator');
    await userForm.getByRole('button', { name: 'Create' }).click();
    await page.locator('#users tbody').getByRole('rowheader', { name: 'alice' }).waitFor();
    expect(await h.app.web!.ctx.accounts.user('alice')).toMatchObject({ username: 'alice', role: 'operator' });

    const tokenForm = page.getByRole('form', { name: 'New token' });
    await tokenForm.getByLabel('Name').fill('grafana');
    await tokenForm.getByRole('button', { name: 'Create' }).click();
    const secret = await page.locator('code.secret').textContent();
    expect(secret).toMatch(/^dth_/);
    await page.locator('#tokens tbody').getByRole('rowheader', { name: 'grafana' }).waitFor();
    const me = await page.evaluate(
      async (bearer) =>
        (await fetch('/api/me', { headers: { authorization: `Bearer ${bearer}` }, credentials: 'omit' })).json(),
      secret!,
    );
    expect(me).toMatchObject({ role: 'viewer', via: 'token' });

    const audit = page.locator('#audit');
    await audit.getByRole('button', { name: 'Refresh' }).click();
    // Actions in words; the stored action name stays in the cell's title.
    await audit
      .locator('tr', { has: page.locator('td[title="user.create"]') })
      .getByText('alice')
      .waitFor();
    await audit.locator('tr', { hasText: 'User created' }).first().waitFor();
    await audit.locator('td[title="token.create"]').waitFor();

    await page.getByRole('button', { name: 'Log out' }).click();
    await logIn(page, h, 'alice', 'alice-password-1');
    await page.getByText('Signed in as alice (operator)').waitFor();
    expect(await page.getByRole('link', { name: 'Users & tokens' }).count()).toBe(0);
    await context.close();
  });
});
