import { describe, it, expect } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import { RAW_PACKET_KINDS, WriteBatchBuilder, transferables } from '../../../src/storage/write-batch.js';

function sample(i: number, overrides: Partial<Sample> = {}): Sample {
  return {
    deviceId: 'DTU1',
    point: 'temperature',
    slave: 1,
    address: 2000,
    value: i,
    text: null,
    raw: '00ff',
    ts: 1000 + i,
    quality: 'good',
    ...overrides,
  };
}

describe('WriteBatchBuilder', () => {
  it('stores samples column by column with repeated strings interned once', () => {
    const builder = new WriteBatchBuilder();
    for (let i = 0; i < 1000; i++) builder.sample(sample(i, { deviceId: i % 2 === 0 ? 'A' : 'B' }));
    const batch = builder.finish();

    expect(batch.rows).toBe(1000);
    expect(batch.samples.count).toBe(1000);
    expect(batch.strings.length).toBe(5); // A, temperature, 00ff, good, B
    expect(batch.strings[batch.samples.device[1]!]).toBe('B');
    expect(batch.samples.value[999]).toBe(999);
    expect(batch.samples.ts[999]).toBe(1999);
  });

  it('keeps null values apart from NaN and numbers, and text values for strings', () => {
    const builder = new WriteBatchBuilder();
    builder.sample(sample(0, { value: null, text: 'SN-0042' }));
    builder.sample(sample(1, { value: Number.NaN }));
    builder.sample(sample(2, { value: -0.5 }));
    const { samples, strings } = builder.finish();

    expect(samples.hasValue[0]).toBe(0);
    expect(strings[samples.text[0]!]).toBe('SN-0042');
    expect(samples.hasValue[1]).toBe(1);
    expect(samples.value[1]).toBeNaN();
    expect(samples.text[1]).toBe(-1);
    expect(samples.value[2]).toBe(-0.5);
  });

  it('grows past its initial capacity without losing rows', () => {
    const builder = new WriteBatchBuilder();
    for (let i = 0; i < 5000; i++) builder.sample(sample(i, { address: i }));
    const { samples } = builder.finish();
    expect(samples.count).toBe(5000);
    expect(samples.address[0]).toBe(0);
    expect(samples.address[4999]).toBe(4999);
  });

  it('copies raw packet bytes so the caller may reuse its buffer', () => {
    const builder = new WriteBatchBuilder();
    const slab = Buffer.from('aa01030400ff0001bb', 'hex');
    const frame = slab.subarray(1, 8);
    builder.rawPacket({
      registrationId: 'DTU1',
      direction: 'in',
      kind: 'response',
      bytes: frame,
      at: 5,
      ip: '10.0.0.2',
      port: 4001,
      note: null,
    });
    builder.rawPacket({
      registrationId: null,
      direction: 'out',
      kind: 'garbage',
      bytes: Buffer.from([0xde, 0xad]),
      at: 6,
      ip: '10.0.0.3',
      port: 4002,
      note: 'before registration',
    });
    frame.fill(0);
    const { rawPackets: p, strings } = builder.finish();

    expect(p.count).toBe(2);
    expect(Buffer.from(p.bytes.subarray(0, p.byteEnd[0])).toString('hex')).toBe('01030400ff0001');
    expect(Buffer.from(p.bytes.subarray(p.byteEnd[0], p.byteEnd[1])).toString('hex')).toBe('dead');
    expect(p.device[1]).toBe(-1);
    expect(strings[p.note[1]!]).toBe('before registration');
    expect(RAW_PACKET_KINDS[p.kind[0]!]).toBe('response');
    expect(p.direction[1]).toBe(1);
  });

  it('counts device, connection and heartbeat records as rows, in order', () => {
    const builder = new WriteBatchBuilder();
    builder.deviceOnline({
      registrationId: 'A',
      profile: 'p',
      name: null,
      ip: '1.1.1.1',
      port: 1,
      listener: 'main',
      at: 1,
    });
    builder.deviceOffline('A', 2);
    builder.connection({
      registrationId: 'A',
      event: 'connect',
      ip: '1.1.1.1',
      port: 1,
      listener: 'main',
      details: null,
      at: 1,
    });
    builder.heartbeat({ registrationId: 'A', at: 3, ip: '1.1.1.1', port: 1 });
    const batch = builder.finish();
    expect(batch.rows).toBe(4);
    expect(batch.devices.map((d) => d.op)).toEqual(['online', 'offline']);
  });

  it('lists one distinct buffer per column for transfer', () => {
    const builder = new WriteBatchBuilder();
    builder.sample(sample(1));
    const buffers = transferables(builder.finish());
    expect(new Set(buffers).size).toBe(buffers.length);
    expect(buffers.length).toBe(20);
  });
});
