import { describe, expect, it } from 'vitest';
import { applyScale, removeScale, roundTo } from '../../../../src/protocol/modbus/scaling.js';

describe('roundTo', () => {
  it('rounds half away from zero, including decimals stored just below the half', () => {
    expect(roundTo(2.5, 0)).toBe(3);
    expect(roundTo(-2.5, 0)).toBe(-3);
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(25.299999999999997, 1)).toBe(25.3);
  });

  it('never returns negative zero and leaves huge or non-finite values alone', () => {
    expect(Object.is(roundTo(-0.004, 2), 0)).toBe(true);
    expect(roundTo(2 ** 60, 3)).toBe(2 ** 60);
    expect(roundTo(Number.POSITIVE_INFINITY, 2)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('applyScale', () => {
  it('returns integer raw values untouched without scale, offset or decimals', () => {
    expect(applyScale({ scale: 1, offset: 0 }, 253, true)).toBe(253);
    expect(applyScale({ scale: 1, offset: 0 }, 0.1 + 0.2, false)).toBe(0.1 + 0.2);
  });

  it('rounds integer readings to the decimals of scale and offset', () => {
    expect(applyScale({ scale: 0.1, offset: 0 }, 253, true)).toBe(25.3);
    expect(applyScale({ scale: 0.01, offset: 0 }, -1234, true)).toBe(-12.34);
    expect(applyScale({ scale: 1, offset: 0.25 }, 3, true)).toBe(3.25);
    expect(applyScale({ scale: 0.1, offset: 0, decimals: 0 }, 253, true)).toBe(25);
  });

  it('is undone by removeScale', () => {
    const point = { scale: 0.1, offset: -40 };
    expect(Math.round(removeScale(point, applyScale(point, 253, true)))).toBe(253);
  });
});
