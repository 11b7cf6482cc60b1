// Event text and notifiers in chromium: on the zh events page a device coming online reads
// as a Chinese sentence with a translated type (the JSON only behind 详情), and the webhooks
// page lists a DingTalk notifier that delivered a signed message, with no token shown.
import { describe, expect, it } from 'vitest';
import { gatewayTests, waitFor } from '../helpers/app-harness.js';
import { logIn, openPage, sharedBrowser, POLL } from '../helpers/browser.js';
import { caller } from '../helpers/web.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

const { boot, dtu } = gatewayTests();
const chromium = sharedBrowser();

describe('event text and notifiers in the UI', () => {
  it('shows events as zh sentences and the notifier with what it sent', async () => {
    const robot = await startReceiver(() => 200, '/robot/send?access_token=tok-secret-123');
    try {
      const h = await boot({
        rules: {
          version: 1,
          notifiers: { ding: { type: 'dingtalk', url: robot.url, secret: 'SEC-browser-test', language: 'zh' } },
          rules: [{ name: 'online', on: 'device.online', actions: [{ notify: 'ding' }] }],
        },
      });
      await dtu(h, 'dtu', { id: 'UI-NOTE-1' }).start();
      await waitFor(() => robot.ok().length === 1, 10_000, 'a DingTalk message');
      expect(robot.ok()[0]!.json.markdown.text).toContain('DTU UI-NOTE-1 上线');
      await h.app.writer.flush();

      const viewer = await caller(h, 'viewer');
      const { page, context, errors } = await openPage(await chromium(), { locale: 'zh-CN' });
      await logIn(page, h, viewer.username, viewer.password);
      await page.goto(h.webUrl() + '/events');
      const row = page.locator('tr[data-event-type="device.online"]');
      await row.locator('td.event-text').waitFor(POLL);
      expect(await row.locator('td').nth(1).textContent()).toBe('设备上线');
      expect(await row.locator('td.event-text').textContent()).toMatch(
        /^DTU UI-NOTE-1 上线（来自 127\.0\.0\.1:\d+）详情/,
      );
      expect(await row.locator('details code').isVisible()).toBe(false);

      await page.goto(h.webUrl() + '/webhooks');
      const notifier = page.locator('tr[data-notifier=ding]');
      await notifier.waitFor(POLL);
      const text = await notifier.textContent();
      expect(text).toContain('钉钉机器人');
      expect(text).toContain('已发送 1，失败 0');
      expect(await page.locator('#notifiers').textContent()).not.toContain('tok-secret-123');
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await robot.close();
    }
  }, 90_000);
});
