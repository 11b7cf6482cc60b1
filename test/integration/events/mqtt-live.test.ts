// rules.yml `mqtt:` brokers applied live (issue 18), against the real Mosquitto on
// 127.0.0.1:1883 and a private one on another port: a broker pointed elsewhere by a reload
// gets a new client and the next publish goes there; a rule whose broker did not change
// keeps its client (connected once, never closed). No broker means this test fails.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayTests, waitFor } from '../../helpers/app-harness.js';
import { startPrivateBroker, type PrivateBroker } from '../../helpers/mosquitto.js';

const { boot, dtu } = gatewayTests();
const SHARED = 'mqtt://127.0.0.1:1883';
const subscribers: MqttClient[] = [];
let broker: PrivateBroker | null = null;

afterEach(async () => {
  await Promise.all(subscribers.splice(0).map((s) => s.endAsync()));
  await broker?.dispose();
  broker = null;
});

/** Every topic published under `prefix` on the broker at `url`, in arrival order. */
async function listen(url: string, prefix: string): Promise<string[]> {
  const client = await connectAsync(url, { connectTimeout: 5000, reconnectPeriod: 0 });
  subscribers.push(client);
  const topics: string[] = [];
  client.on('message', (topic) => topics.push(topic));
  await client.subscribeAsync(`${prefix}/#`, { qos: 1 });
  return topics;
}

function rulesFile(prefix: string, brokers: Record<string, { url: string; clientId?: string }>) {
  return {
    version: 1,
    mqtt: brokers,
    rules: Object.keys(brokers).map((name) => ({
      name: `to-${name}`,
      on: 'device.online',
      actions: [{ mqtt: name, topic: `${prefix}/${name}/{{deviceId}}`, qos: 1 }],
    })),
  };
}

describe('MQTT brokers applied live', () => {
  it('moves a changed broker to a new client and keeps the client of an unchanged one', async () => {
    const prefix = `dtuhub-test/${randomBytes(6).toString('hex')}`;
    broker = await startPrivateBroker();
    const shared = await listen(SHARED, prefix);
    const moved = await listen(broker.url, prefix);
    const lines: { msg: string; broker?: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const logged = (msg: string, name: string) => lines.filter((l) => l.msg === msg && l.broker === name).length;
    const other = { url: SHARED, clientId: `dtuhub-other-${randomBytes(4).toString('hex')}` };

    const h = await boot({ rules: rulesFile(prefix, { alerts: { url: SHARED }, other }), log });
    await dtu(h, 'dtu', { id: 'MQTT-1' }).start();
    await waitFor(() => shared.length >= 2, 10_000, 'both rules published to the shared broker');
    expect(shared.sort()).toEqual([`${prefix}/alerts/MQTT-1`, `${prefix}/other/MQTT-1`]);

    writeFileSync(
      join(h.dir, 'rules.yml'),
      JSON.stringify(rulesFile(prefix, { alerts: { url: broker.url }, other }), null, 2),
    );
    const outcome = await h.app.configReload.reload('api', 'tester');
    expect(outcome).toMatchObject({
      ok: true,
      changes: [{ scope: 'mqtt', name: 'alerts', action: 'changed' }],
      needsRestart: [],
    });

    await dtu(h, 'dtu', { id: 'MQTT-2' }).start();
    await waitFor(() => moved.length >= 1, 10_000, 'the moved broker published to the private broker');
    await waitFor(() => shared.length >= 3, 10_000, 'the unchanged broker published to the shared broker');
    expect(moved).toEqual([`${prefix}/alerts/MQTT-2`]);
    expect(shared.slice(2)).toEqual([`${prefix}/other/MQTT-2`]);
    expect(logged('MQTT client closed: broker changed or no longer used', 'alerts')).toBe(1);
    expect(logged('MQTT connected', 'alerts')).toBe(2);
    expect(logged('MQTT connected', 'other')).toBe(1);
    expect(logged('MQTT client closed: broker changed or no longer used', 'other')).toBe(0);

    // A removed broker (and the rule that used it) closes its client; the other stays.
    writeFileSync(join(h.dir, 'rules.yml'), JSON.stringify(rulesFile(prefix, { other }), null, 2));
    const removed = await h.app.configReload.reload('api', 'tester');
    expect(removed).toMatchObject({
      ok: true,
      changes: [
        { scope: 'mqtt', name: 'alerts', action: 'removed' },
        { scope: 'rule', name: 'to-alerts', action: 'removed' },
      ],
    });
    expect(logged('MQTT client closed: broker changed or no longer used', 'alerts')).toBe(2);
    expect(logged('MQTT connected', 'other')).toBe(1);
  });
});
