// The MQTT north sink's group writes (the journal's replay hands over many batches at once),
// against a private Mosquitto: more messages than one publish window arrive, all of them and
// in order; and the connect log line carries the broker's URL without its password.
import type { MqttClient } from 'mqtt';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { MqttSink } from '../../../src/sinks/mqtt/mqtt-sink.js';
import { WriteBatchBuilder, type WriteBatch } from '../../../src/storage/write-batch.js';
import { waitFor } from '../../helpers/app-harness.js';
import { startPrivateBroker, type PrivateBroker } from '../../helpers/mosquitto.js';
import { sinkConfig, subscriber } from './mqtt-north-helpers.js';

let broker: PrivateBroker | null = null;
let sink: MqttSink | null = null;
const clients: MqttClient[] = [];

afterEach(async () => {
  await sink?.close();
  sink = null;
  await Promise.all(clients.splice(0).map((c) => c.endAsync()));
  await broker?.dispose();
  broker = null;
});

const directory = () => ({ name: null, profile: 'p', unit: () => null });

/** `devices` devices of one point each, `seq` counting up across the batches. */
function batches(count: number, devices: number): WriteBatch[] {
  const out: WriteBatch[] = [];
  let seq = 0;
  for (let b = 0; b < count; b++) {
    const builder = new WriteBatchBuilder();
    for (let d = 0; d < devices; d++) {
      const deviceId = `D${d}`;
      builder.sample({
        deviceId,
        point: 'seq',
        slave: 1,
        address: 0,
        value: seq++,
        text: null,
        raw: '0000',
        ts: 1_000 + b,
        quality: 'good',
      });
    }
    out.push(builder.finish());
  }
  return out;
}

describe('MQTT north sink group writes', () => {
  it('publishes a group larger than the publish window completely and in order', async () => {
    broker = await startPrivateBroker();
    const data = await subscriber(broker.url, 'north/+/data');
    clients.push(data.client);
    sink = new MqttSink(sinkConfig(broker.url), { log: createLogger({ level: 'silent', pretty: false }), directory });
    sink.start();
    await waitFor(() => sink!.status().connected, 10_000, 'sink connected');

    // 5 batches × 1,000 devices: 5,000 JSON messages, two and a half windows of 2,000.
    const result = await sink.writeGroup(batches(5, 1000));
    expect(result).toMatchObject({ ok: true });
    expect(sink.status()).toMatchObject({ messagesPublished: 5000, batchesPublished: 5 });
    await waitFor(() => data.messages.length >= 5000, 20_000, '5,000 messages at the subscriber');
    const seqs = data.messages.map((m) => (JSON.parse(m.payload) as { points: { seq: number } }).points.seq);
    expect(seqs).toEqual([...Array(5000).keys()]);
  }, 60_000);

  it('logs the broker it connected to without the password in its URL', async () => {
    broker = await startPrivateBroker();
    const lines: string[] = [];
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const log = createLogger({ level: 'info', pretty: false }, out);
    const withPassword = broker.url.replace('mqtt://', 'mqtt://gateway:s3cret-pass@');
    sink = new MqttSink(sinkConfig(withPassword), { log, directory });
    sink.start();
    await waitFor(() => sink!.status().connected, 10_000, 'sink connected');
    await waitFor(() => lines.some((l) => l.includes('MQTT sink connected')), 5000, 'the connect line');
    const connected = JSON.parse(lines.find((l) => l.includes('MQTT sink connected'))!) as { url: string };
    expect(connected.url).toBe(broker.url);
    expect(lines.join('\n')).not.toContain('s3cret-pass');
  }, 60_000);
});
