// The MQTT north sink against a real Mosquitto (a private one on its own port, so it can be
// taken away without disturbing the shared broker): samples published as the documented
// JSON schema, device and gateway status retained, and a broker gone for 60 s while samples
// keep coming: the spill journal keeps them and replays them in order, nothing lost.
import { Value } from '@sinclair/typebox/value';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import { SAMPLE_MESSAGE, STATUS_MESSAGE } from '../../../src/sinks/mqtt/message-schema.js';
import { WriteBatchBuilder } from '../../../src/storage/write-batch.js';
import { waitFor } from '../../helpers/app-harness.js';
import { startPrivateBroker, type PrivateBroker } from '../../helpers/mosquitto.js';
import { startTcpProxy } from '../../helpers/tcp-proxy.js';
import { disposeSink, sinkConfig, spooledSink, subscriber, type SpooledSink } from './mqtt-north-helpers.js';

let broker: PrivateBroker | null = null;
let north: SpooledSink | null = null;
const clients: MqttClient[] = [];

afterEach(async () => {
  north = await disposeSink(north);
  await Promise.all(clients.splice(0).map((c) => c.endAsync()));
  await broker?.dispose();
  broker = null;
});

const UNITS: Record<string, string> = { temperature: '°C' };
const directory = (id: string) => ({
  name: `Device ${id}`,
  profile: 'th-station',
  unit: (p: string) => UNITS[p] ?? null,
});

function sample(deviceId: string, point: string, value: number, ts: number): Sample {
  return { deviceId, point, slave: 1, address: 2000, value, text: null, raw: '0000', ts, quality: 'good' };
}

describe('MQTT north sink', () => {
  it('publishes samples in the documented schema and retains device and gateway status', async () => {
    broker = await startPrivateBroker();
    const data = await subscriber(broker.url, 'north/+/data');
    clients.push(data.client);
    north = await spooledSink(sinkConfig(broker.url), directory);
    await waitFor(() => north!.sink.status().connected, 10_000, 'sink connected');

    const t0 = Date.now();
    const b = new WriteBatchBuilder();
    b.deviceOnline({
      registrationId: 'DTU-1',
      profile: 'th-station',
      name: 'Boiler',
      ip: '10.0.0.1',
      port: 1,
      listener: 'main',
      at: t0,
    });
    b.sample(sample('DTU-1', 'temperature', 23.5, t0));
    b.sample(sample('DTU-1', 'humidity', 41.25, t0));
    b.sample(sample('DTU-2', 'temperature', 19, t0 + 1));
    const result = await north.spool.write(b.finish());
    expect(result).toMatchObject({ ok: true });
    expect(result.spilled).toBeUndefined();

    await waitFor(() => data.messages.length >= 2, 10_000, 'two data messages');
    const bodies = data.messages.map((m) => JSON.parse(m.payload) as unknown);
    for (const body of bodies) expect(Value.Errors(SAMPLE_MESSAGE, body).First()).toBeUndefined();
    expect(data.messages.map((m) => m.topic)).toEqual(['north/DTU-1/data', 'north/DTU-2/data']);
    expect(bodies[0]).toMatchObject({
      device: 'DTU-1',
      name: 'Boiler',
      profile: 'th-station',
      ts: t0,
      time: new Date(t0).toISOString(),
      points: { temperature: 23.5, humidity: 41.25 },
      units: { temperature: '°C' },
      quality: 'good',
    });

    // A late subscriber gets the retained status of the device and of the gateway.
    const late = await subscriber(broker.url, 'north/#');
    clients.push(late.client);
    await waitFor(() => late.messages.length >= 2, 10_000, 'retained status');
    const retained = new Map(late.messages.filter((m) => m.retain).map((m) => [m.topic, m.payload]));
    expect(retained.get('north/gateway/status')).toBe('online');
    const status = JSON.parse(retained.get('north/status/DTU-1')!) as unknown;
    expect(Value.Check(STATUS_MESSAGE, status)).toBe(true);
    expect(status).toMatchObject({ device: 'DTU-1', status: 'online', name: 'Boiler' });

    // A clean stop says offline itself (the last will covers a gateway that vanishes).
    north = await disposeSink(north);
    await waitFor(
      () => late.messages.some((m) => m.topic === 'north/gateway/status' && m.payload === 'offline'),
      10_000,
      'offline',
    );
  });

  it('leaves its last will, a retained offline, when the gateway vanishes without a goodbye', async () => {
    broker = await startPrivateBroker();
    // The sink reaches the broker through a proxy that can reset the connection, as a crash would.
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: broker.port });
    try {
      north = await spooledSink(sinkConfig(`mqtt://127.0.0.1:${proxy.port}`, { reconnectMs: 60_000 }), directory);
      await waitFor(() => north!.sink.status().connected, 10_000, 'sink connected');
      const watcher = await subscriber(broker.url, 'north/gateway/status');
      clients.push(watcher.client);
      await waitFor(() => watcher.messages.some((m) => m.payload === 'online'), 10_000, 'online');
      proxy.refuse();
      await waitFor(() => watcher.messages.some((m) => m.payload === 'offline'), 30_000, 'the last will');
      expect(watcher.messages.map((m) => m.payload)).toEqual(['online', 'offline']);
      const late = await subscriber(broker.url, 'north/gateway/status');
      clients.push(late.client);
      await waitFor(() => late.messages.length > 0, 10_000, 'the retained status');
      expect(late.messages[0]).toMatchObject({ payload: 'offline', retain: true });
    } finally {
      await proxy.close();
    }
  });

  it('keeps every sample through a 60 s broker outage and delivers them in order', async () => {
    broker = await startPrivateBroker({ persistent: true });
    // A persistent session: the broker keeps what arrives for the subscriber while it reconnects.
    const data = await subscriber(broker.url, 'north/+/data', {
      clientId: `north-outage-${process.pid}`,
      clean: false,
    });
    clients.push(data.client);
    north = await spooledSink(sinkConfig(broker.url), directory);
    await waitFor(() => north!.sink.status().connected, 10_000, 'sink connected');

    const t0 = Date.now();
    let seq = 0;
    const writes: Promise<unknown>[] = [];
    const produce = () => {
      const b = new WriteBatchBuilder();
      // Five polls of one device per batch: five messages.
      for (let i = 0; i < 5; i++) {
        seq += 1;
        b.sample(sample('DTU-SEQ', 'seq', seq, t0 + seq));
      }
      writes.push(north!.spool.write(b.finish()));
    };
    const timer = setInterval(produce, 100);
    try {
      await waitFor(() => seq >= 100, 10_000, 'samples before the outage');
      await broker.stop();
      const stoppedAt = seq;
      await new Promise((r) => setTimeout(r, 60_000));
      expect(seq - stoppedAt).toBeGreaterThan(500);
      expect(north.spool.health().state).toBe('spilling');
      expect(north.spool.health().rowsOnDisk).toBeGreaterThan(0);
      await broker.restart();
      const restartedAt = seq;
      await waitFor(() => seq >= restartedAt + 100, 10_000, 'samples after the outage');
    } finally {
      clearInterval(timer);
    }
    const results = (await Promise.all(writes)) as { ok: boolean }[];
    expect(results.every((r) => r.ok)).toBe(true);
    await north.spool.drained();
    const last = seq;
    const seqs = () => data.messages.map((m) => (JSON.parse(m.payload) as { points: { seq: number } }).points.seq);
    await waitFor(() => new Set(seqs()).size === last, 60_000, `all ${last} samples at the subscriber`);

    // At least once: a batch cut off by the outage is published again, whole. The first
    // time each sample arrives is still in order, and none is missing.
    const first: number[] = [];
    const seen = new Set<number>();
    for (const s of seqs()) {
      if (seen.has(s)) continue;
      seen.add(s);
      first.push(s);
    }
    expect(first).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    for (const m of data.messages) expect(Value.Check(SAMPLE_MESSAGE, JSON.parse(m.payload))).toBe(true);
    const health = north.spool.health();
    expect(health.state).toBe('ok');
    expect(health.rowsReplayed).toBe(health.rowsSpilled);
    console.log(
      `mqtt north outage: ${last} samples, ${health.rowsSpilled} spilled and replayed, ${seqs().length - last} published twice`,
    );
  }, 150_000);
});
