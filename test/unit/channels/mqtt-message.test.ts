// One MQTT message → device and samples: the first matching subscription decides, device
// IDs from a topic level or a payload field, and what is rejected (too big, not JSON, no
// usable device ID) before anything is stored.
import { describe, expect, it } from 'vitest';
import { parseJsonPath } from '../../../src/plan/json-path.js';
import { MqttMessageMapper } from '../../../src/channels/mqtt/mqtt-message.js';
import type { DeviceSource, MqttSubscription } from '../../../src/domain/channels.js';

const sub = (
  topic: string,
  device: DeviceSource,
  points: string[],
  timestamp: string | null = null,
): MqttSubscription => ({
  topic,
  device,
  timestamp: timestamp === null ? null : { path: parseJsonPath(timestamp), pathText: timestamp },
  points: points.map((p) => ({ name: p, path: parseJsonPath(p), pathText: p, scale: 1, offset: 0 })),
});
const json = (doc: unknown) => Buffer.from(JSON.stringify(doc));
const AT = 1_700_000_000_000;

const mapper = new MqttMessageMapper(
  [
    sub('plant/+/telemetry', { kind: 'topic-level', level: 1 }, ['t', 'h']),
    sub('plant/#', { kind: 'fixed', id: 'PLANT' }, ['t']),
    sub('meters/#', { kind: 'json', path: ['meta', 'id'], pathText: 'meta.id' }, ['kwh'], 'ts'),
  ],
  64,
);

describe('MQTT message mapping', () => {
  it('maps with the first subscription whose filter matches, device from the topic level', () => {
    const r = mapper.map('plant/PUMP-1/telemetry', json({ t: 21.5, h: 40 }), AT);
    expect(r).toMatchObject({ kind: 'mapped', deviceId: 'PUMP-1', at: AT, problem: null });
    if (r.kind !== 'mapped') throw new Error(r.kind);
    expect(r.samples.map((s) => [s.deviceId, s.point, s.value])).toEqual([
      ['PUMP-1', 't', 21.5],
      ['PUMP-1', 'h', 40],
    ]);
    // Only the second subscription matches here.
    expect(mapper.map('plant/hall/other', json({ t: 1 }), AT)).toMatchObject({ kind: 'mapped', deviceId: 'PLANT' });
  });

  it('reads the device ID and the time from the payload', () => {
    const r = mapper.map('meters/x', json({ meta: { id: 42 }, ts: 1_700_000_123, kwh: '12.5' }), AT);
    expect(r).toMatchObject({ kind: 'mapped', deviceId: '42', at: 1_700_000_123_000 });
  });

  it('names the points a payload lacks but keeps the rest', () => {
    const r = mapper.map('plant/P/telemetry', json({ t: 1, h: { nested: true } }), AT);
    expect(r).toMatchObject({ kind: 'mapped', problem: 'not a value: h' });
    if (r.kind === 'mapped') expect(r.samples.map((s) => s.point)).toEqual(['t']);
  });

  it('rejects payloads that are too big, not JSON, or without a usable device ID', () => {
    expect(mapper.map('plant/P/telemetry', Buffer.alloc(65, 0x20), AT)).toEqual({
      kind: 'rejected',
      problem: 'message on plant/P/telemetry: 65 bytes, more than maxPayload (64)',
    });
    expect(mapper.map('plant/P/telemetry', Buffer.from('t=1'), AT)).toEqual({
      kind: 'rejected',
      problem: 'message on plant/P/telemetry: not JSON (3 bytes)',
    });
    expect(mapper.map('meters/x', json({ kwh: 1 }), AT)).toEqual({
      kind: 'rejected',
      problem: 'message on meters/x: no device ID at meta.id',
    });
    expect(mapper.map('meters/x', json({ meta: { id: [1] }, kwh: 1 }), AT)).toMatchObject({
      problem: 'message on meters/x: device ID at meta.id is not text or a number',
    });
    expect(mapper.map('meters/x', json({ meta: { id: 'a\nb' } }), AT)).toMatchObject({
      problem: 'message on meters/x: device ID with control characters',
    });
    expect(mapper.map('plant//telemetry', json({ t: 1 }), AT)).toMatchObject({
      kind: 'rejected',
      problem: 'message on plant//telemetry: empty device ID',
    });
  });

  it('ignores topics no subscription maps', () => {
    expect(mapper.map('elsewhere/x', json({}), AT)).toEqual({ kind: 'unmatched' });
  });
});
