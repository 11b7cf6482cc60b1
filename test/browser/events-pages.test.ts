// The events and webhooks pages in chromium against a real receiver on 127.0.0.1: an
// operator sends a test call and sees it delivered; a viewer gets no Send test or Retry
// buttons; the events page lists a simulated DTU coming online; the rules page counts it.
import { describe, expect, it } from 'vitest';
import { gatewayTests, waitFor } from '../helpers/app-harness.js';
import { logIn, openPage, sharedBrowser, POLL } from '../helpers/browser.js';
import { caller } from '../helpers/web.js';
import { startReceiver } from '../helpers/webhook-receiver.js';
import { endpoint, SECRET } from '../integration/events/rules-fixture.js';

const { boot, dtu } = gatewayTests();
const chromium = sharedBrowser();

describe('events and webhooks pages', () => {
  it('lets an operator send a test call that the receiver gets, lists a device going online, and shows a viewer no buttons', async () => {
    const receiver = await startReceiver(() => 200);
    try {
      // The offline rule's endpoint never answers with a 2xx: its delivery becomes a dead letter.
      const failing = await startReceiver(() => 500);
      const h = await boot({
        rules: {
          version: 1,
          webhooks: { ops: endpoint(receiver.url), broken: endpoint(failing.url, { retry: { maxAttempts: 1 } }) },
          rules: [{ name: 'online', on: 'device.online', actions: [{ webhook: 'broken' }] }],
        },
      });
      await dtu(h, 'dtu', { id: 'DTU-<b>UI</b>' }).start();
      await waitFor(async () => (await h.app.webhooks.deadLetters()).length === 1, 10_000, 'a dead letter');
      await failing.close();
      await h.app.writer.flush();

      const operator = await caller(h, 'operator');
      const { page, context, dialogs, errors } = await openPage(await chromium());
      await logIn(page, h, operator.username, operator.password);
      await page.getByRole('link', { name: 'Events' }).click();
      const online = page.locator('tr[data-event-type="device.online"]');
      await online.getByRole('link', { name: 'DTU-<b>UI</b>' }).waitFor(POLL);

      await page.getByRole('link', { name: 'Rules' }).click();
      await expect.poll(() => page.locator('tr[data-rule=online] td').nth(2).textContent(), POLL).toBe('1');
      const yaml = await page.locator('pre.yaml').textContent();
      expect(yaml).toContain('***');
      expect(yaml).not.toContain(SECRET);

      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.locator('tr[data-endpoint=ops]').getByRole('button', { name: 'Send test' }).click();
      await page.getByText(/Test delivered to ops: HTTP 200/).waitFor(POLL);
      expect(receiver.ok().map((r) => r.json.type)).toEqual(['webhook.test']);
      await page.locator('#dead-letters tr[data-status=dead]').getByRole('button', { name: 'Retry' }).waitFor(POLL);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();

      const viewer = await caller(h, 'viewer');
      const asViewer = await openPage(await chromium(), { locale: 'zh-CN' });
      await logIn(asViewer.page, h, viewer.username, viewer.password);
      await asViewer.page.goto(h.webUrl() + '/webhooks');
      await asViewer.page.getByText('只有操作员和管理员可以查看投递记录、重试死信和发送测试。').waitFor(POLL);
      await asViewer.page.locator('tr[data-endpoint=ops]').waitFor(POLL);
      expect(await asViewer.page.getByRole('button', { name: /发送测试|Send test|重试|Retry/ }).count()).toBe(0);
      await asViewer.context.close();
    } finally {
      await receiver.close();
    }
  });
});
