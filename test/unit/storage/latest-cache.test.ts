import { describe, it, expect } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import { LatestValues } from '../../../src/storage/latest-cache.js';

function sample(deviceId: string, point: string, value: number, ts: number): Sample {
  return { deviceId, point, slave: 1, address: 2000, value, text: null, raw: '0000', ts, quality: 'good' };
}

describe('LatestValues', () => {
  it('keeps the newest sample of each point of each device', () => {
    const latest = new LatestValues();
    latest.update([sample('A', 'temperature', 20.1, 1000), sample('A', 'humidity', 55, 1000), sample('B', 'temperature', 18, 1000)]);
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
