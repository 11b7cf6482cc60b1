// The alarm workflow in chromium against a simulated DTU whose temperature the test sets:
// 55.5 °C crosses the 30 °C limit, the alarm shows on the dashboard's counts, colours the
// device row and the live value, and is listed on the alarm page; an operator acknowledges
// it with a comment (shown on the page, stored in the row); the temperature falling back
// clears it (the alarm page hears it from the live feed and does not poll meanwhile) and the
// colour goes.
import { describe, expect, it } from 'vitest';
import { gatewayTests, waitFor } from '../helpers/app-harness.js';
import { logIn, openPage, sharedBrowser, POLL } from '../helpers/browser.js';
import { caller } from '../helpers/web.js';
import { alarmRows } from '../helpers/alarm-rows.js';

type Patch = (doc: Record<string, any>) => void;

const { boot, dtu } = gatewayTests();
const chromium = sharedBrowser();
const DEVICE = 'DTU-HOT-1';

/** One int16 `temperature` in 0.1 °C (slave 1, register 0), read every 100 ms. */
const hotProfile: Patch = (p) => {
  p.profiles['hot'] = {
    timing: { responseTimeout: '1s', retries: 0, interRequestDelay: '0ms' },
    slaves: [{ id: 1, name: 'main' }],
    pollOnConnect: true,
    tasks: [{ name: 'temperature', slave: 1, address: 0, quantity: 1, every: '100ms' }],
    points: [{ name: 'temperature', slave: 1, address: 0, type: 'int16', scale: 0.1, unit: '°C' }],
  };
  p.devices = [{ default: 'hot' }];
};

const RULES = {
  version: 1,
  rules: [
    {
      name: 'high-temperature',
      description: 'Temperature above 30 °C',
      point: 'temperature',
      when: { '>': 30 },
      hysteresis: 0.5,
      severity: 'critical',
      actions: [{ log: 'info' }],
    },
  ],
};

describe('alarms in the UI', () => {
  it('colours a device and its value while an alarm is active, lists it, takes an acknowledgement and clears', async () => {
    const h = await boot({ points: hotProfile, rules: RULES });
    const sim = dtu(h, 'dtu', { id: DEVICE }, 'hot');
    sim.setRegisters(1, 3, 0, [215]); // 21.5 °C
    await sim.start();
    const operator = await caller(h, 'operator');
    const { page, context, errors } = await openPage(await chromium());
    // Fake timers in the page (time still flows), so that the test can move the page's clock on.
    await page.clock.install();
    await logIn(page, h, operator.username, operator.password);

    // The dashboard lists the device uncoloured, with no alarm.
    const row = page.locator('#online-devices tr', { hasText: DEVICE });
    await row.waitFor(POLL);
    await page.getByText('No open alarms.').waitFor(POLL);
    expect(await row.getAttribute('class')).toBe('');

    sim.setRegisters(1, 3, 0, [555]); // 55.5 °C: over the limit
    await expect.poll(() => page.getByTestId('alarms-active-critical').textContent(), POLL).toBe('1 active');
    await expect.poll(() => row.getAttribute('class'), POLL).toBe('in-alarm sev-critical');

    // The device page colours the value that caused it.
    await row.getByRole('link', { name: DEVICE }).click();
    const value = page.locator('tr[data-point=temperature]');
    await expect.poll(() => page.getByTestId('value-temperature').textContent(), POLL).toContain('55.5');
    await expect.poll(() => value.getAttribute('class'), POLL).toBe('in-alarm sev-critical');
    const colour = await page.evaluate(
      "getComputedStyle(document.querySelector('[data-testid=value-temperature]')).color",
    );
    expect(colour).toBe('rgb(164, 22, 26)'); // --sev-critical

    // The devices list colours the row too.
    await page.getByRole('link', { name: 'Devices', exact: true }).click();
    const listed = page.locator('tr', { has: page.getByRole('link', { name: DEVICE }) });
    await expect.poll(() => listed.getAttribute('class'), POLL).toBe('in-alarm sev-critical');

    // The alarm page lists it; the operator acknowledges it with a comment.
    await page.getByRole('link', { name: 'Alarms' }).click();
    const alarm = page.locator('tr[data-rule=high-temperature]');
    await alarm.waitFor(POLL);
    expect(await alarm.locator('.alarm-state').textContent()).toBe('Active, unacknowledged');
    expect(await alarm.textContent()).toContain('Temperature above 30 °C');
    await alarm.getByRole('checkbox').check();
    await page.getByLabel('Comment').fill('Fan replaced 风扇已更换');
    await page.getByRole('button', { name: 'Acknowledge selected (1)' }).click();
    await page.getByText('1 alarm(s) acknowledged.').waitFor(POLL);
    await expect.poll(() => alarm.locator('.alarm-state').textContent(), POLL).toBe('Active, acknowledged');
    expect(await alarm.locator('.alarm-comment').textContent()).toBe('Fan replaced 风扇已更换');
    expect(alarmRows(h)).toMatchObject([
      {
        rule: 'high-temperature',
        registration_id: DEVICE,
        severity: 'critical',
        value: 55.5,
        acked_by: operator.username,
        ack_comment: 'Fan replaced 风扇已更换',
        cleared_at: null,
      },
    ]);

    // While the live feed brings the alarm frames, the page does not poll: in 60 s of page time
    // the 15 s fallback would ask 4 times; at most one request may still come from the
    // acknowledgement's own `alarms` frame.
    const polls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/alarms/open')) polls.push(r.url());
    });
    await page.clock.runFor(60_000);
    expect(polls.length).toBeLessThanOrEqual(1);
    polls.length = 0;

    // The temperature falls back: cleared, and being acknowledged, closed; the open list loses
    // it through the live feed's `alarms` frame.
    sim.setRegisters(1, 3, 0, [250]);
    await waitFor(() => alarmRows(h)[0]!['cleared_at'] !== null, 10_000, 'the alarm cleared');
    expect(alarmRows(h)[0]).toMatchObject({ clear_value: 25 });
    await alarm.waitFor({ ...POLL, state: 'detached' });
    // Polled: the request event may reach the test after the page has already re-rendered.
    await expect.poll(() => polls.length, POLL).toBeGreaterThanOrEqual(1);
    await page.getByLabel('State').selectOption({ label: 'All' });
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => alarm.locator('.alarm-state').textContent(), POLL).toBe('Closed');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByText('No open alarms.').waitFor(POLL);
    await expect.poll(() => row.getAttribute('class'), POLL).toBe('');
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
