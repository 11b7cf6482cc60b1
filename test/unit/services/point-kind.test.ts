// Which points charts draw as steps: states (bools, bits, unit-less status words), not
// measurements.
import { describe, expect, it } from 'vitest';
import { pointKind } from '../../../src/services/point-kind.js';

const point = { scale: 1, offset: 0 } as const;

describe('point kind', () => {
  it('calls a bool, a register bit and an unscaled integer without a unit a state', () => {
    expect(pointKind({ ...point, type: 'bool' })).toBe('state');
    expect(pointKind({ ...point, type: 'int16' })).toBe('state');
    expect(pointKind({ ...point, type: 'uint32' })).toBe('state');
  });

  it('calls an integer with a unit or a scale, and every float, a measurement', () => {
    expect(pointKind({ ...point, type: 'int16', unit: 'rpm' })).toBe('measure');
    expect(pointKind({ ...point, type: 'int16', scale: 0.1 })).toBe('measure');
    expect(pointKind({ ...point, type: 'uint16', offset: -40 })).toBe('measure');
    expect(pointKind({ ...point, type: 'float32' })).toBe('measure');
    expect(pointKind({ ...point, type: 'bcd16' })).toBe('measure');
  });
});
