// The MQTT action against the real Mosquitto on 127.0.0.1:1883: a rule on device.online
// publishes the event to a templated topic. No broker means this test fails.
import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayTests, waitFor } from '../../helpers/app-harness.js';

const { boot, dtu } = gatewayTests();
const BROKER = 'mqtt://127.0.0.1:1883';
let subscriber: MqttClient | null = null;

afterEach(async () => {
  await subscriber?.endAsync();
  subscriber = null;
});

describe('MQTT action', () => {
  it('publishes the event to the broker on the rule topic, with the templated payload', async () => {
    const prefix = `dtuhub-test/${randomBytes(6).toString('hex')}`;
    subscriber = await connectAsync(BROKER, { connectTimeout: 5000, reconnectPeriod: 0 });
    const received: { topic: string; payload: any }[] = [];
    subscriber.on('message', (topic, payload) =>
      received.push({ topic, payload: JSON.parse(payload.toString('utf8')) }),
    );
    await subscriber.subscribeAsync(`${prefix}/#`, { qos: 1 });

    const rules = {
      version: 1,
      mqtt: { local: { url: BROKER } },
      rules: [
        {
          name: 'to-mqtt',
          on: 'device.online',
          actions: [{ mqtt: 'local', topic: `${prefix}/{{deviceId}}/{{type}}`, qos: 1 }],
        },
        {
          name: 'custom-payload',
          on: 'device.online',
          actions: [
            {
              mqtt: 'local',
              topic: `${prefix}/custom`,
              payload: { device: '{{deviceId}}', at: '{{at}}', note: 'up: {{deviceId}}' },
            },
          ],
        },
      ],
    };
    const h = await boot({ rules });
    await dtu(h, 'dtu', { id: 'MQTT-1' }).start();
    await waitFor(() => received.length >= 2, 10_000, 'two MQTT messages');

    const byTopic = new Map(received.map((m) => [m.topic, m.payload]));
    const event = byTopic.get(`${prefix}/MQTT-1/device.online`);
    expect(event).toMatchObject({
      type: 'device.online',
      deviceId: 'MQTT-1',
      rule: 'to-mqtt',
      payload: { profile: 'th-station' },
    });
    expect(byTopic.get(`${prefix}/custom`)).toEqual({ device: 'MQTT-1', at: event.at, note: 'up: MQTT-1' });
    await h.app.writer.flush();
    expect((await h.app.events.list({ type: 'device.online', registrationId: 'MQTT-1' })).map((e) => e.id)).toEqual([
      event.id,
    ]);
  });
});
