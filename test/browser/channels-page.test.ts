// The Channels page's outbound channels in chromium: an HTTP channel against a local JSON
// server (connected) and a Modbus TCP channel against a closed port (backing off with its
// error); an admin stops and starts the first, the device page says how the device is fed
// and shows its points with units and a chart, and the page reads in 简体中文. An operator
// writes to a Modbus TCP channel's device from its page.
import { afterEach, describe, expect, it } from 'vitest';
import { startModbusTcpServer, type ModbusTcpServer } from '../../src/simulator/index.js';
import { gatewayTests, waitFor } from '../helpers/app-harness.js';
import { logIn, openPage, sharedBrowser, POLL } from '../helpers/browser.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { caller } from '../helpers/web.js';
import { WEB_PROFILE, webProfile } from '../helpers/web-profile.js';

const { boot } = gatewayTests();
const chromium = sharedBrowser();
let peer: JsonServer | null = null;
let plc: ModbusTcpServer | null = null;

afterEach(async () => {
  await peer?.stop().catch(() => undefined);
  peer = null;
  await plc?.close();
  plc = null;
});

/** A port nothing listens on: a server's, once it has stopped. */
async function closedPort(): Promise<number> {
  const gone = await startJsonServer();
  await gone.stop();
  return gone.port;
}

describe('outbound channels in the web UI', () => {
  it('shows states, errors and devices, lets an admin stop and start a channel, and links the device to it', async () => {
    peer = await startJsonServer();
    peer.answer = { kind: 'json', doc: { t: 21.5 } };
    const port = await closedPort();
    const h = await boot(
      webProfile((doc) => {
        doc.channels = [
          {
            name: 'weather',
            type: 'http',
            url: peer!.url(),
            every: '200ms',
            timeout: '1s',
            device: 'WX-01',
            points: [{ name: 'temperature', path: 't', unit: '°C' }],
          },
          // A long first delay keeps it backing off (with a countdown) while the test looks.
          {
            name: 'meter',
            type: 'modbus-tcp',
            host: '127.0.0.1',
            port,
            device: 'METER-01',
            profile: WEB_PROFILE,
            backoff: { initial: '60s', max: '5m' },
          },
        ];
      }),
    );
    await waitFor(
      () => h.app.channels.get('weather').state === 'connected' && h.app.channels.get('meter').state === 'backing-off',
      10_000,
      'channel states',
    );

    // Stopping asks first: say yes.
    const { page, context, errors, dialogs } = await openPage(await chromium(), { acceptDialogs: true });
    await logIn(page, h);
    // The dashboard counts the channel's device as online and names the channel.
    await expect.poll(() => page.getByTestId('online-count').textContent(), POLL).toBe('1');
    const onlineRow = page.locator('#online-devices tr', { has: page.getByRole('link', { name: 'WX-01' }) });
    await expect.poll(() => onlineRow.locator('.via').textContent(), POLL).toBe('weather HTTP channel');
    await page.getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('heading', { name: 'Outbound channels' }).waitFor();

    const weather = page.locator('tr[data-channel=weather]');
    const meter = page.locator('tr[data-channel=meter]');
    await expect.poll(() => weather.getAttribute('data-state'), POLL).toBe('connected');
    await weather.locator('.badge', { hasText: 'connected' }).waitFor();
    expect(await weather.locator('.channel-type').textContent()).toBe('HTTP');
    expect(await weather.locator('td.target').textContent()).toBe(peer.url());
    await weather.getByRole('link', { name: 'WX-01' }).waitFor();

    await expect.poll(() => meter.getAttribute('data-state'), POLL).toBe('backing-off');
    await meter.locator('.badge', { hasText: 'backing off' }).waitFor();
    expect(await meter.locator('.channel-type').textContent()).toBe('Modbus TCP');
    expect(await meter.locator('td.target').textContent()).toBe(`127.0.0.1:${port}`);
    expect(await meter.locator('td.counters [data-counter=errors]').textContent()).toMatch(/^errors [1-9]/);
    await expect.poll(() => meter.locator('td.last-error').textContent(), POLL).toMatch(/ECONNREFUSED/);
    await expect.poll(() => meter.locator('td.next-attempt').textContent(), POLL).toMatch(/^in \d+(s|m)/);
    expect(await meter.locator('td.devices').textContent()).toBe('—');

    // Stop, then start the HTTP channel; the API agrees with the page each time.
    const admin = await caller(h, 'admin');
    const apiState = async (name: string) => {
      const res = await fetch(`${h.webUrl()}/api/channels`, { headers: { cookie: admin.cookie } });
      return ((await res.json()) as { items: { name: string; state: string; devices: string[] }[] }).items.find(
        (c) => c.name === name,
      )!;
    };
    await weather.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect.poll(() => weather.getAttribute('data-state'), POLL).toBe('stopped');
    expect(dialogs).toEqual(['confirm: Stop channel weather? Its 1 devices go offline.']);
    expect(await apiState('weather')).toMatchObject({ state: 'stopped', devices: [] });
    expect(await weather.getByRole('button', { name: 'Start', exact: true }).isDisabled()).toBe(false);
    expect(await weather.getByRole('button', { name: 'Stop', exact: true }).isDisabled()).toBe(true);

    await weather.getByRole('button', { name: 'Start', exact: true }).click();
    await waitFor(async () => (await apiState('weather')).state === 'connected', 10_000, 'weather connected again');
    // The page catches up with the next status frame (every 5 s).
    await expect.poll(() => weather.getAttribute('data-state'), { timeout: 20_000 }).toBe('connected');
    await weather.getByRole('link', { name: 'WX-01' }).waitFor({ timeout: 20_000 });

    // The device page and the devices list say how the device is fed.
    await weather.getByRole('link', { name: 'WX-01' }).click();
    await page.locator('.device-id', { hasText: 'WX-01' }).waitFor();
    const via = page.locator('dl.facts div', { has: page.locator('dt', { hasText: 'Connected via' }) });
    await expect.poll(() => via.locator('dd').textContent(), POLL).toBe('weather HTTP channel');
    await via.getByRole('link', { name: 'weather' }).waitFor();
    await page.locator('#write .note', { hasText: 'fed by the outbound channel weather' }).waitFor();
    // The channel's points, with their units from the channel config, in the values and a chart.
    await expect
      .poll(() => page.locator('[data-testid=value-temperature]').first().textContent(), POLL)
      .toBe('21.5 °C');
    const chart = page.locator('figure.chart[data-point=temperature]');
    await expect
      .poll(async () => {
        await page.locator('#charts').getByRole('button', { name: 'Refresh' }).click();
        await page.waitForTimeout(200);
        return Number((await chart.getAttribute('data-points')) ?? 0);
      }, POLL)
      .toBeGreaterThan(0);
    expect(await chart.locator('figcaption').textContent()).toBe('temperature (°C)');
    await page
      .locator('#slaves', { hasText: 'the state of channel weather is on the Listeners & channels page' })
      .waitFor();
    await page.goto(h.webUrl() + '/devices');
    const row = page.locator('table.devices tbody tr', { has: page.getByRole('link', { name: 'WX-01' }) });
    await expect.poll(() => row.locator('.via').textContent(), POLL).toBe('weather HTTP channel');

    // The channel's stop is in the event log, under its own type in the filter.
    await h.app.storeDrained();
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByLabel('Event type').selectOption('channel.stopped');
    await page.getByRole('button', { name: 'Apply' }).click();
    const stopped = page.locator('tr[data-event-type="channel.stopped"]');
    await expect.poll(() => stopped.count(), POLL).toBe(1);
    expect(await stopped.locator('code').textContent()).toContain('"channel":"weather"');

    // 简体中文.
    await page.getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: '外发通道' }).waitFor();
    await meter.locator('.badge', { hasText: '等待重连' }).waitFor();
    await page.getByRole('columnheader', { name: '下次重试' }).waitFor();
    await page.getByRole('link', { name: '设备' }).first().click();
    await expect.poll(() => row.locator('.via').textContent(), POLL).toBe('weather HTTP 通道');

    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('lets an operator write to a device fed by a Modbus TCP channel from its page', async () => {
    plc = await startModbusTcpServer({ id: 'PLC-01' });
    plc.model.setRegisters(1, 3, 0, [0, 7]);
    const h = await boot(
      webProfile((doc) => {
        doc.channels = [
          {
            name: 'plc',
            type: 'modbus-tcp',
            host: '127.0.0.1',
            port: plc!.port,
            device: 'PLC-01',
            profile: WEB_PROFILE,
          },
        ];
      }),
    );
    await waitFor(() => h.app.latest.get('PLC-01', 'energy'), 10_000, 'a first value from PLC-01');
    const operator = await caller(h, 'operator');
    const { page, errors, context } = await openPage(await chromium());
    await logIn(page, h, operator.username, operator.password);
    await page.goto(h.webUrl() + '/devices/PLC-01');
    const via = page.locator('dl.facts div', { has: page.locator('dt', { hasText: 'Connected via' }) });
    await expect.poll(() => via.locator('dd').textContent(), POLL).toBe('plc Modbus TCP channel');
    expect(await page.locator('#write .note-warn').count()).toBe(0);
    await page.getByLabel('Address').fill('1');
    await page.getByLabel('Value', { exact: true }).fill('99');
    await page.getByRole('button', { name: 'Write', exact: true }).click();
    await page.getByText(/^Written at /).waitFor();
    expect(plc.model.registers(1, 3, 0, 2)).toEqual([0, 99]);
    // The next poll reads the new value back through the channel.
    await expect.poll(() => page.locator('[data-testid=value-energy]').first().textContent(), POLL).toBe('99 kWh');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
