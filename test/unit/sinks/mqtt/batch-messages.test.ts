import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../../src/domain/point.js';
import { batchMessages, type MessageOptions } from '../../../../src/sinks/mqtt/batch-messages.js';
import { POINT_MESSAGE, SAMPLE_MESSAGE, STATUS_MESSAGE } from '../../../../src/sinks/mqtt/message-schema.js';
import { WriteBatchBuilder } from '../../../../src/storage/write-batch.js';

const T0 = Date.UTC(2026, 11, 7, 8, 0, 0, 123);

const JSON_OPTIONS: MessageOptions = {
  prefix: 'plant/dtuhub',
  format: 'json',
  topics: { data: '{prefix}/{device}/data', status: '{prefix}/status/{device}', gateway: '{prefix}/gateway' },
  retainStatus: true,
  units: true,
};
const POINT_OPTIONS: MessageOptions = {
  ...JSON_OPTIONS,
  format: 'point',
  topics: { ...JSON_OPTIONS.topics, data: '{prefix}/{device}/{point}' },
};

const UNITS: Record<string, string> = { temperature: '°C', humidity: '%' };
const directory = (id: string) =>
  id === 'dtu-1' ? { name: 'Boiler', profile: 'boiler', unit: (p: string) => UNITS[p] ?? null } : null;

function sample(deviceId: string, point: string, value: number | null, ts = T0, text: string | null = null): Sample {
  return { deviceId, point, slave: 1, address: 2000, value, text, raw: '00e7', ts, quality: 'good' };
}

function batchOf(fill: (b: WriteBatchBuilder) => void) {
  const b = new WriteBatchBuilder();
  fill(b);
  return b.finish('batch-1');
}

describe('batch → MQTT messages (format json)', () => {
  it('puts the points of one device read at one moment into one message that fits the schema', () => {
    const batch = batchOf((b) => {
      b.sample(sample('dtu-1', 'temperature', 23.1));
      b.sample(sample('dtu-1', 'humidity', 45.5));
      b.sample(sample('dtu-2', 'rpm', 1450));
      b.sample(sample('dtu-1', 'temperature', 23.2, T0 + 30_000));
    });
    const messages = batchMessages(batch, JSON_OPTIONS, directory);
    expect(messages.map((m) => m.topic)).toEqual([
      'plant/dtuhub/dtu-1/data',
      'plant/dtuhub/dtu-2/data',
      'plant/dtuhub/dtu-1/data',
    ]);
    const bodies = messages.map((m) => JSON.parse(m.payload) as unknown);
    for (const body of bodies) expect(Value.Check(SAMPLE_MESSAGE, body)).toBe(true);
    expect(bodies[0]).toEqual({
      device: 'dtu-1',
      name: 'Boiler',
      profile: 'boiler',
      ts: T0,
      time: '2026-12-07T08:00:00.123Z',
      points: { temperature: 23.1, humidity: 45.5 },
      units: { temperature: '°C', humidity: '%' },
      quality: 'good',
      batch: 'batch-1',
    });
    expect(bodies[1]).toMatchObject({ device: 'dtu-2', name: null, profile: null, points: { rpm: 1450 } });
    expect(bodies[1]).not.toHaveProperty('units');
    expect(messages.every((m) => !m.retain)).toBe(true);
  });

  it('sends string points as text and marks a point without a value partial', () => {
    const batch = batchOf((b) => {
      b.sample(sample('dtu-1', 'serial', null, T0, 'SN-0042'));
      b.sample(sample('dtu-1', 'flow_rate', null));
      b.sample(sample('dtu-1', 'pressure', Number.NaN));
    });
    const [message] = batchMessages(batch, { ...JSON_OPTIONS, units: false }, directory);
    const body = JSON.parse(message!.payload) as Record<string, unknown>;
    expect(Value.Check(SAMPLE_MESSAGE, body)).toBe(true);
    expect(body['points']).toEqual({ serial: 'SN-0042', flow_rate: null, pressure: null });
    expect(body['quality']).toBe('partial');
    expect(body['errors']).toEqual([
      { point: 'flow_rate', quality: 'no value' },
      { point: 'pressure', quality: 'no value' },
    ]);
    expect(body).not.toHaveProperty('units');
  });

  it('publishes online before the data and offline after it, retained, with names from the batch', () => {
    const batch = batchOf((b) => {
      b.deviceOffline('dtu-1', T0 + 5);
      b.sample(sample('dtu-1', 'temperature', 20));
      b.deviceOnline({
        registrationId: 'dtu-9',
        profile: 'pump',
        name: 'Pump 9',
        ip: '10.0.0.9',
        port: 5000,
        listener: 'main',
        at: T0,
      });
    });
    const messages = batchMessages(batch, JSON_OPTIONS, directory);
    expect(messages.map((m) => [m.topic, m.retain])).toEqual([
      ['plant/dtuhub/status/dtu-9', true],
      ['plant/dtuhub/dtu-1/data', false],
      ['plant/dtuhub/status/dtu-1', true],
    ]);
    const online = JSON.parse(messages[0]!.payload) as unknown;
    const offline = JSON.parse(messages[2]!.payload) as unknown;
    expect(Value.Check(STATUS_MESSAGE, online) && Value.Check(STATUS_MESSAGE, offline)).toBe(true);
    expect(online).toMatchObject({ device: 'dtu-9', status: 'online', name: 'Pump 9', profile: 'pump' });
    expect(offline).toEqual({ device: 'dtu-1', status: 'offline', ts: T0 + 5, time: new Date(T0 + 5).toISOString() });
  });

  it('keeps untrusted IDs and point names to one topic level each', () => {
    const batch = batchOf((b) => b.sample(sample('a/b+#', 'x/y', 1)));
    const per = batchMessages(batch, POINT_OPTIONS, directory);
    expect(per[0]!.topic).toBe('plant/dtuhub/a_b__/x_y');
  });
});

describe('batch → MQTT messages (format point)', () => {
  it('sends one message per point on its own topic with its unit', () => {
    const batch = batchOf((b) => {
      b.sample(sample('dtu-1', 'temperature', 23.1));
      b.sample(sample('dtu-1', 'status', 3));
    });
    const messages = batchMessages(batch, POINT_OPTIONS, directory);
    expect(messages.map((m) => m.topic)).toEqual(['plant/dtuhub/dtu-1/temperature', 'plant/dtuhub/dtu-1/status']);
    const bodies = messages.map((m) => JSON.parse(m.payload) as unknown);
    for (const body of bodies) expect(Value.Check(POINT_MESSAGE, body)).toBe(true);
    expect(bodies[0]).toEqual({
      value: 23.1,
      ts: T0,
      time: '2026-12-07T08:00:00.123Z',
      unit: '°C',
      quality: 'good',
      batch: 'batch-1',
    });
    expect(bodies[1]).not.toHaveProperty('unit');
  });

  it('maps the same batch to the same messages every time (a replay repeats them)', () => {
    const batch = batchOf((b) => b.sample(sample('dtu-1', 'temperature', 1)));
    expect(batchMessages(batch, POINT_OPTIONS, directory)).toEqual(batchMessages(batch, POINT_OPTIONS, directory));
  });
});
