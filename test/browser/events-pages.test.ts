// The events and webhooks pages in chromium against a real receiver on 127.0.0.1: an
// operator sends a test call and sees it delivered; a viewer gets no Send test or Retry
// buttons; the events page lists a simulated DTU coming online; the rules page counts it and
// shows each rule's severity (coloured), whether it raises an alarm and whom it notifies.
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
          // Disabled: it only has to exist for the rules page to name it.
          notifiers: {
            'ops-ding': {
              type: 'dingtalk',
              url: 'https://oapi.dingtalk.com/robot/send?access_token=x',
              enabled: false,
            },
          },
          rules: [
            { name: 'online', on: 'device.online', actions: [{ webhook: 'broken' }] },
            {
              name: 'offline',
              on: 'device.offline',
              severity: 'critical',
              alarm: true,
              actions: [{ notify: 'ops-ding' }],
            },
          ],
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
      await expect.poll(() => page.locator('tr[data-rule=online] td').nth(5).textContent(), POLL).toBe('1');
      const cell = (rule: string, col: string) => page.locator(`tr[data-rule=${rule}] td[data-col=${col}]`);
      expect(await cell('online', 'severity').textContent()).toBe('Warning');
      expect(await cell('online', 'alarm').textContent()).toBe('Event only');
      expect(await cell('online', 'notify').textContent()).toBe('No notifier');
      expect(await cell('offline', 'severity').textContent()).toBe('Critical');
      expect(await cell('offline', 'alarm').textContent()).toBe('Raises an alarm');
      expect(await cell('offline', 'notify').textContent()).toBe('ops-ding');
      // The alarm colours: --sev-critical (#a4161a) and --sev-warning (#6c5500) of styles.css.
      const colour = (rule: string) =>
        cell(rule, 'severity')
          .locator('.badge')
          .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).color);
      expect(await colour('offline')).toBe('rgb(164, 22, 26)');
      expect(await colour('online')).toBe('rgb(108, 85, 0)');
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
      await asViewer.page.goto(h.webUrl() + '/rules');
      const offline = asViewer.page.locator('tr[data-rule=offline]');
      await offline.locator('td[data-col=severity]').getByText('紧急').waitFor(POLL);
      expect(await offline.locator('td[data-col=alarm]').textContent()).toBe('产生报警');
      expect(await asViewer.page.locator('tr[data-rule=online] td[data-col=notify]').textContent()).toBe('不通知');
      await asViewer.context.close();
    } finally {
      await receiver.close();
    }
  });
});
