// Screenshots of the main pages for the README: the example configuration with a few
// simulated DTUs, two hours of made-up history for charts, in English and 简体中文.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, it } from 'vitest';
import type { Sample } from '../../src/domain/point.js';
import { SimulatedDtu } from '../../src/simulator/index.js';
import { removeDir, startApp, waitFor, type Harness } from '../helpers/app-harness.js';
import { launchChromium, logIn, openPage } from '../helpers/browser.js';
import { startJsonServer, type JsonServer } from '../helpers/json-server.js';
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const OUT = new URL('../../docs/screenshots/', import.meta.url);
const HOUR = 3_600_000;
const DEVICES = ['DTU01001', 'DTU01002', 'DTU01003', 'DTU01004'];
let h: Harness | null = null;
let receiver: WebhookReceiver | null = null;
let weatherApi: JsonServer | null = null;
const sims: SimulatedDtu[] = [];

afterAll(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  await h?.stop();
  if (h) removeDir(h.dir);
  await receiver?.close();
  await weatherApi?.stop();
});

/** The example rules.yml with its webhook enabled and pointing at a local receiver. */
function exampleRules(url: string): string {
  return readFileSync(new URL('../../config/rules.yml', import.meta.url), 'utf8')
    .replace('http://127.0.0.1:9000/dtuhub/webhook', url)
    .replace(/^(\s+)enabled: false$/m, '$1enabled: true');
}

function float32Registers(value: number): number[] {
  const b = Buffer.alloc(4);
  b.writeFloatBE(value);
  return [b.readUInt16BE(0), b.readUInt16BE(2)];
}

/** Plausible register values for the example th-station profile. */
function setPlant(sim: SimulatedDtu, n: number): void {
  sim.setRegisters(1, 3, 2000, [231 + n * 7]);
  sim.setRegisters(1, 3, 2010, float32Registers(52.5 + n));
  sim.setRegisters(1, 3, 2020, [101 + n]);
  sim.setRegisters(1, 3, 2030, float32Registers(12.75 + n));
  sim.setRegisters(1, 3, 2040, [n === 3 ? 1 : 2]); // bit 0, the example's alarm bit, on the fourth DTU only
  sim.setRegisters(1, 3, 2200, [2203 + n * 4, 0, 1250 + n * 30]);
  sim.setRegisters(1, 3, 2300, [1480 + n * 10]);
  sim.setRegisters(1, 3, 2400, [500]);
}

function history(now: number): Sample[][] {
  const rounds: Sample[][] = [];
  for (let ts = now - 2 * HOUR; ts < now - 60_000; ts += 30_000) {
    const phase = (ts / HOUR) * Math.PI;
    const s = (point: string, address: number, value: number): Sample => ({
      deviceId: 'DTU01001',
      point,
      slave: 1,
      address,
      value,
      text: null,
      raw: '0000',
      ts,
      quality: 'good',
    });
    rounds.push([
      s('temperature', 2000, Math.round((23 + 2 * Math.sin(phase) + Math.random() * 0.4) * 10) / 10),
      s('humidity', 2010, 52 + 6 * Math.cos(phase / 2) + Math.random()),
      s('voltage', 2200, Math.round((220 + 3 * Math.sin(phase * 3) + Math.random()) * 10) / 10),
      s('current', 2202, Math.round((12.5 + 2 * Math.sin(phase * 2)) * 100) / 100),
      s('rpm', 2300, Math.round(1480 + 30 * Math.sin(phase * 4))),
      s('frequency', 2400, 50 + Math.round(Math.sin(phase) * 2) / 10),
    ]);
  }
  return rounds;
}

async function shoot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.waitForTimeout(400);
  await page.screenshot({ path: new URL(`${name}.png`, OUT).pathname, fullPage });
}

/** Without a CJK font chromium draws the Chinese pages as empty boxes: refuse to take them. */
function requireCjkFont(): void {
  const families = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim();
  if (families === '')
    throw new Error('no CJK font installed: apt-get install fonts-noto-cjk (or fonts-wqy-microhei), then run again');
}

it('takes screenshots of the main pages', async () => {
  requireCjkFont();
  mkdirSync(OUT, { recursive: true });
  // One device's webhooks are refused, so the delivery log shows retries as well.
  receiver = await startReceiver((_n, request) => (request.body.includes('DTU01004') ? 503 : 200));
  // Outbound channels: a weather station's HTTP API that answers, and a Modbus TCP meter that is away.
  weatherApi = await startJsonServer();
  weatherApi.answer = { kind: 'json', doc: { temperature: 18.4, humidity: 61 } };
  const away = await startJsonServer();
  await away.stop();
  h = await startApp({
    rules: exampleRules(receiver.url),
    server: (doc) => {
      doc.channels = [
        {
          name: 'weather-api',
          type: 'http',
          url: weatherApi!.url('/api/v1/current'),
          every: '10s',
          device: 'WS-ROOF',
          points: [
            { name: 'temperature', path: 'temperature', unit: '°C' },
            { name: 'humidity', path: 'humidity', unit: '%' },
          ],
        },
        {
          name: 'plc-line2',
          type: 'modbus-tcp',
          host: '127.0.0.1',
          port: away.port,
          device: 'PLC-LINE2',
          profile: 'th-station',
          backoff: { initial: '30s', max: '5m' },
        },
      ];
    },
    points: (p) => {
      p.devices = [
        { id: 'DTU01001', profile: 'th-station', name: 'Pump house 1 / 1 号泵房' },
        { id: 'DTU01002', profile: 'th-station', name: 'Boiler room / 锅炉房' },
        { default: 'th-station' },
      ];
    },
  });
  const now = Date.now();
  const w = h.app.writer;
  w.deviceOnline({
    registrationId: 'DTU09001',
    profile: 'th-station',
    name: null,
    ip: '10.20.0.9',
    port: 40211,
    listener: 'dtu',
    at: now - 3 * HOUR,
  });
  w.connection({
    registrationId: 'DTU09001',
    event: 'connect',
    ip: '10.20.0.9',
    port: 40211,
    listener: 'dtu',
    details: null,
    at: now - 3 * HOUR,
  });
  w.connection({
    registrationId: 'DTU09001',
    event: 'heartbeat_timeout',
    ip: '10.20.0.9',
    port: 40211,
    listener: 'dtu',
    details: '3 heartbeats missed',
    at: now - HOUR,
  });
  for (const round of history(now)) w.samples(round);
  await w.flush();

  const target = { host: '127.0.0.1', port: h.port('dtu') };
  for (const [n, id] of DEVICES.entries()) {
    const sim = new SimulatedDtu({
      target,
      link: h.config.points.links.get('transparent')!,
      profile: h.config.points.profiles.get('th-station')!,
      id,
      heartbeatIntervalMs: 5000,
    });
    setPlant(sim, n);
    if (id === 'DTU01003') sim.setRegisters(1, 3, 2000, [314]); // above the example's 30 °C limit
    sims.push(sim);
    await sim.start();
  }
  await waitFor(() => DEVICES.every((id) => h!.app.latest.get(id, 'temperature')), 10_000, 'first values');
  // Names from the device registry (points.yml names the first two), as an operator sets them on the device page.
  const registry: [string, string, string][] = [
    ['DTU01001', 'north-site', 'Pump house, north gate / 北门泵房'],
    ['DTU01002', 'north-site', 'Boiler room, building 2 / 2 号楼锅炉房'],
    ['DTU01003', 'south-site', 'Cold store 3 / 3 号冷库'],
    ['DTU01004', 'south-site', 'Chiller plant / 冷水机房'],
  ];
  for (const [id, group, location] of registry) await h.app.fleetRegistry.update(id, { group, location }, now);
  await h.app.fleetRegistry.update('DTU01003', { name: 'Cold store 3 / 3 号冷库' }, now);
  await h.app.fleetRegistry.update('DTU01004', { name: 'Chiller plant / 冷水机房' }, now);
  await h.app.writer.flush();

  const browser = await launchChromium();
  try {
    const { page } = await openPage(browser, { width: 1280, height: 860 });
    await page.goto(h.webUrl() + '/');
    await page.getByLabel('Username').waitFor();
    await shoot(page, 'login');
    await logIn(page, h);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goto(h.webUrl() + '/devices');
    await page.getByRole('link', { name: 'DTU01001' }).waitFor();
    await shoot(page, 'devices');
    await page.goto(h.webUrl() + '/devices/DTU01001');
    await page.locator('figure.chart[data-point=temperature] canvas').waitFor();
    await shoot(page, 'device', true);
    await page.goto(h.webUrl() + '/data?device=DTU01001');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('table.data-rows tbody tr').first().waitFor();
    await shoot(page, 'data-browser');
    await page.goto(h.webUrl() + '/channels');
    await page.locator('tr[data-listener=dtu]').waitFor();
    await page.locator('tr[data-channel=weather-api][data-state=connected]').waitFor();
    await page.locator('tr[data-channel=plc-line2][data-state=backing-off]').waitFor();
    await shoot(page, 'channels');
    await page.goto(h.webUrl() + '/connections');
    await page.locator('table tbody tr').first().waitFor();
    await shoot(page, 'connections');
    // The temperature rule holds 10 s, so it fires at DTU01003's second poll (every 30 s);
    // the events page shows what was there when it loaded.
    const fired = page.locator('tr[data-event-type="rule.fired"]').first();
    for (let tries = 0; tries < 15; tries++) {
      await page.goto(h.webUrl() + '/events');
      await page.locator('table.events-table tbody tr').first().waitFor();
      if (await fired.isVisible()) break;
      await page.waitForTimeout(5000);
    }
    await fired.waitFor();
    await shoot(page, 'events');
    await page.goto(h.webUrl() + '/alarms');
    await page.locator('table.alarms-table tr[data-alarm-id]').first().waitFor();
    await shoot(page, 'alarms');
    await page.goto(h.webUrl() + '/');
    await page.locator('tr.in-alarm').first().waitFor();
    await page.waitForTimeout(5500); // one fleet status frame
    await shoot(page, 'dashboard');
    await page.goto(h.webUrl() + '/fleet');
    await page.locator('table.fleet-table tr[data-device=DTU01004]').waitFor();
    await shoot(page, 'fleet');
    await page.goto(h.webUrl() + '/rules');
    await page.locator('pre.yaml').waitFor();
    await shoot(page, 'rules', true);
    await page.goto(h.webUrl() + '/webhooks');
    await page.locator('#deliveries tr[data-status=delivered]').first().waitFor();
    await shoot(page, 'webhooks', true);
    await page.goto(h.webUrl() + '/config');
    await page.locator('.config-table').first().waitFor();
    await shoot(page, 'config', true);
    await page.goto(h.webUrl() + '/');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: '概览' }).waitFor();
    await page.waitForTimeout(5500);
    await shoot(page, 'dashboard-zh');
    await page.goto(h.webUrl() + '/devices/DTU01001');
    await page.locator('figure.chart[data-point=temperature] canvas').waitFor();
    await shoot(page, 'device-zh', true);

    const phone = await openPage(browser, { width: 390, height: 844 });
    await logIn(phone.page, h);
    await phone.page.goto(h.webUrl() + '/devices/DTU01001');
    await phone.page.locator('figure.chart[data-point=temperature] canvas').waitFor();
    await shoot(phone.page, 'device-phone');
  } finally {
    await browser.close();
  }
});
