import { describe, it, expect } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import { LatestValues } from '../../../src/storage/latest-cache.js';

function sample(deviceId: string, point: string, value: number, ts: number): Sample {
  return { deviceId, point, slave: 1, address: 2000, value, text: null, raw: '0000', ts, quality: 'good' };
}

describe('LatestValues', () => {
  it('keeps the newest sample of each point of each device', () => {
    const latest = new LatestValues();
    latest.update([
      sample('A', 'temperature', 20.1, 1000),
      sample('A', 'humidity', 55, 1000),
      sample('B', 'temperature', 18, 1000),
    ]);
    latest.update([sample('A', 'temperature', 20.4, 2000)]);

    expect(latest.get('A', 'temperature')?.value).toBe(20.4);
    expect(latest.get('A', 'humidity')?.value).toBe(55);
    expect(latest.get('B', 'temperature')?.value).toBe(18);
    expect(latest.device('A').map((s) => [s.point, s.value])).toEqual([
      ['temperature', 20.4],
      ['humidity', 55],
    ]);
    expect(latest.devices()).toEqual(['A', 'B']);
  });

  it('ignores a late sample that is older than the one it holds', () => {
    const latest = new LatestValues();
    latest.update([sample('A', 'temperature', 21, 5000)]);
    latest.update([sample('A', 'temperature', 19, 4000)]);
    expect(latest.get('A', 'temperature')?.value).toBe(21);
  });

  it('takes a sample with the same timestamp as the one it holds', () => {
    const latest = new LatestValues();
    latest.update([sample('A', 'temperature', 21, 5000), sample('A', 'temperature', 22, 5000)]);
    expect(latest.get('A', 'temperature')?.value).toBe(22);
  });

  it('returns nothing for unknown devices and points', () => {
    const latest = new LatestValues();
    latest.update([sample('A', 'temperature', 21, 5000)]);
    expect(latest.get('A', 'pressure')).toBeUndefined();
    expect(latest.get('Z', 'temperature')).toBeUndefined();
    expect(latest.device('Z')).toEqual([]);
  });

  it('forgets a device and reports whether it held any values', () => {
    const latest = new LatestValues();
    latest.update([sample('A', 'temperature', 21, 5000), sample('B', 'temperature', 18, 5000)]);
    expect(latest.forget('A')).toBe(true);
    expect(latest.forget('A')).toBe(false);
    expect(latest.get('A', 'temperature')).toBeUndefined();
    expect(latest.size).toBe(1);
  });
});

function full(deviceId: string, point: string, fields: Partial<Sample>): Sample {
  return {
    deviceId,
    point,
    slave: 1,
    address: 0,
    value: null,
    text: null,
    raw: '',
    ts: 1000,
    quality: 'good',
    ...fields,
  };
}

describe('LatestValues held compactly', () => {
  it('gives back every field of the sample it was given', () => {
    const latest = new LatestValues();
    const given: Sample[] = [
      full('A', 'temperature', { slave: 3, address: 2000, value: -12.5, raw: 'ff83', ts: 1_796_532_458_068 }),
      full('A', 'energy', {
        slave: 3,
        address: 2002,
        value: 2 ** 53 - 1,
        raw: '001fffffffffffff',
        ts: 1_796_532_458_068,
      }),
      full('A', 'serial', { slave: 4, address: 100, text: 'SN-0042', raw: '534e2d30303432', ts: 1_796_532_458_069 }),
      full('A', 'mqtt', { slave: 0, address: 0, value: 23.5, raw: '23.5' }),
      full('A', 'flag', { value: 1, raw: '01' }),
      full('A', 'empty', { value: 0, raw: '' }),
    ];
    latest.update(given);
    expect(latest.device('A')).toEqual(given);
    expect(latest.get('A', 'serial')).toEqual(given[2]);
  });

  it('gives back raw hex of every length exactly, leading zeros included', () => {
    const latest = new LatestValues();
    const digits = '0123456789abcdef';
    for (let length = 0; length <= 40; length++) {
      for (let round = 0; round < 20; round++) {
        const raw = Array.from({ length }, (_, i) =>
          round === 0 ? '0' : round === 1 ? 'f' : digits[(i * 7 + round * 13 + length) % 16],
        ).join('');
        latest.update([full('A', `p${length}`, { value: round, raw, ts: round })]);
        expect(latest.get('A', `p${length}`)?.raw).toBe(raw);
      }
    }
  });

  it('keeps the newest of out-of-order samples, whatever order they arrive in', () => {
    const latest = new LatestValues();
    latest.update([sample('A', 'p', 3, 3000), sample('A', 'q', 30, 3000)]);
    latest.update([sample('A', 'p', 1, 1000), sample('A', 'q', 40, 4000)]);
    latest.update([sample('A', 'p', 2, 2000)]);
    expect(latest.device('A').map((s) => [s.point, s.value, s.ts])).toEqual([
      ['p', 3, 3000],
      ['q', 40, 4000],
    ]);
  });

  it('replaces text and raw text with the newer sample, and drops the text when the newer has none', () => {
    const latest = new LatestValues();
    latest.update([full('A', 's', { text: 'first', raw: '6669727374', ts: 1000 })]);
    latest.update([full('A', 's', { text: 'older', raw: '6f6c646572', ts: 500 })]);
    expect(latest.get('A', 's')).toMatchObject({ text: 'first', raw: '6669727374' });
    latest.update([full('A', 's', { text: 'second', raw: 'NOT-HEX', ts: 2000 })]);
    expect(latest.get('A', 's')).toMatchObject({ text: 'second', raw: 'NOT-HEX', value: null });
    latest.update([full('A', 's', { value: 7, raw: '6669727374', ts: 3000 })]);
    expect(latest.get('A', 's')).toMatchObject({ text: null, raw: '6669727374', value: 7 });
    latest.update([full('A', 's', { value: 8, raw: 'abc', ts: 4000 })]);
    expect(latest.get('A', 's')).toMatchObject({ raw: 'abc', value: 8 });
  });

  it('keeps devices with different point sets apart, and shares one layout between devices with the same', () => {
    const latest = new LatestValues();
    for (const id of ['A', 'B', 'C'])
      latest.update([sample(id, 'temperature', 20, 1000), sample(id, 'humidity', 50, 1000)]);
    latest.update([sample('D', 'pressure', 1013, 1000), sample('D', 'temperature', 19, 1000)]);
    expect(latest.layoutCount).toBe(3); // empty, [temperature, humidity], [pressure, temperature]
    expect(latest.device('B').map((s) => s.point)).toEqual(['temperature', 'humidity']);
    expect(latest.device('D').map((s) => [s.point, s.value])).toEqual([
      ['pressure', 1013],
      ['temperature', 19],
    ]);
    expect(latest.get('D', 'humidity')).toBeUndefined();
    expect(latest.get('A', 'pressure')).toBeUndefined();
  });

  it('grows a device whose point list grows, keeping what it held and the first-seen order', () => {
    const latest = new LatestValues();
    latest.update([sample('A', 'temperature', 20, 1000)]);
    latest.update([
      sample('A', 'humidity', 50, 2000),
      sample('A', 'temperature', 21, 2000),
      sample('A', 'pressure', 1013, 2000),
    ]);
    latest.update([
      sample('B', 'temperature', 18, 1000),
      sample('B', 'humidity', 40, 1000),
      sample('B', 'pressure', 1000, 1000),
    ]);
    expect(latest.device('A').map((s) => [s.point, s.value])).toEqual([
      ['temperature', 21],
      ['humidity', 50],
      ['pressure', 1013],
    ]);
    expect(latest.device('B').map((s) => s.point)).toEqual(['temperature', 'humidity', 'pressure']);
  });

  it('follows a point whose slave or address changed (config reload)', () => {
    const latest = new LatestValues();
    latest.update([
      full('A', 'p', { slave: 1, address: 10, value: 1, raw: '0001', ts: 1000 }),
      full('B', 'p', { slave: 1, address: 10, value: 1, raw: '0001' }),
    ]);
    latest.update([full('A', 'p', { slave: 2, address: 20, value: 2, raw: '0002', ts: 900 })]);
    expect(latest.get('A', 'p')).toMatchObject({ slave: 1, address: 10, value: 1 });
    latest.update([full('A', 'p', { slave: 2, address: 20, value: 2, raw: '0002', ts: 2000 })]);
    expect(latest.get('A', 'p')).toMatchObject({ slave: 2, address: 20, value: 2 });
    expect(latest.get('B', 'p')).toMatchObject({ slave: 1, address: 10, value: 1 });
  });

  it('starts afresh for a forgotten device', () => {
    const latest = new LatestValues();
    latest.update([sample('A', 'temperature', 21, 5000), sample('A', 'humidity', 50, 5000)]);
    latest.forget('A');
    latest.update([sample('A', 'pressure', 1000, 1000)]);
    expect(latest.device('A').map((s) => [s.point, s.value, s.ts])).toEqual([['pressure', 1000, 1000]]);
    expect(latest.devices()).toEqual(['A']);
  });
});
