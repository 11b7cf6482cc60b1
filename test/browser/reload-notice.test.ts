// A rejected config reload is shown on every page, with each problem's file and line, in
// English and 简体中文, until a reload succeeds.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { gatewayTests } from '../helpers/app-harness.js';
import { logIn, openPage, POLL, sharedBrowser } from '../helpers/browser.js';

const { boot } = gatewayTests();
const chromium = sharedBrowser();

describe('the config reload notice', () => {
  it('shows a rejected reload on every page until a good one, in both languages', async () => {
    const h = await boot();
    const points = join(h.dir, 'points.yml');
    const good = readFileSync(points, 'utf8');
    writeFileSync(points, 'version: 1\nlinks:\n  transparent: [oops\n');
    const rejected = await h.app.configReload.reload('ui', 'admin');
    if (rejected.ok) throw new Error('the broken file was accepted');

    const { page, context } = await openPage(await chromium());
    await logIn(page, h);
    const notice = page.getByRole('alert').filter({ hasText: 'was rejected' });
    await notice.waitFor(POLL);
    await notice.getByText(`${points}:${rejected.issues[0]!.line}`).waitFor(POLL);
    await page.getByRole('link', { name: 'Events' }).click();
    await notice.waitFor(POLL);

    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('alert').filter({ hasText: '未被采用' }).waitFor(POLL);

    writeFileSync(points, good);
    await h.app.configReload.reload('ui', 'admin');
    // The page asks for the outcome every few seconds: the notice goes without a reload.
    await page
      .getByRole('alert')
      .filter({ hasText: '未被采用' })
      .waitFor({ state: 'detached', ...POLL });
    await context.close();
  });
});
