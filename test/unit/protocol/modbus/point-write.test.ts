import { describe, expect, it } from 'vitest';
import type { PointDef } from '../../../../src/domain/point.js';
import { isWriteProblem, planPointWrite, type PointWritePlan } from '../../../../src/protocol/modbus/point-write.js';
import { pointDef } from './vectors.js';

function plan(point: Partial<PointDef>, value: number | boolean): PointWritePlan {
  const result = planPointWrite(pointDef({ name: 'p', address: 40, ...point }), value);
  if (isWriteProblem(result)) throw new Error(`unexpected problem: ${result.message}`);
  return result;
}

function problem(point: Partial<PointDef>, value: number | boolean) {
  const result = planPointWrite(pointDef({ name: 'p', address: 40, ...point }), value);
  if (!isWriteProblem(result)) throw new Error(`expected a problem, got ${JSON.stringify(result.registers)}`);
  return result;
}

describe('planPointWrite', () => {
  it('inverts the scale: 55.5 °C at scale 0.1 is register 555, written with function 06', () => {
    const p = plan({ type: 'int16', scale: 0.1, decimals: 1, unit: '°C' }, 55.5);
    expect(p.command).toEqual({ fn: 6, slave: 1, address: 40, value: 555 });
    expect(p.registers).toEqual([555]);
    expect(p.stored).toBe(55.5);
  });

  it('inverts the offset after the scale', () => {
    // value = raw × 0.5 − 40 → raw = (20 + 40) / 0.5 = 120
    expect(plan({ type: 'uint16', scale: 0.5, offset: -40 }, 20).registers).toEqual([120]);
  });

  it('encodes a negative int16 as two’s complement', () => {
    expect(plan({ type: 'int16', scale: 0.1 }, -12.5).registers).toEqual([0x10000 - 125]);
  });

  it('rounds to the nearest whole register and says what will be stored', () => {
    const p = plan({ type: 'int16', scale: 0.1, decimals: 1 }, 55.55);
    expect(p.registers).toEqual([556]);
    expect(p.stored).toBe(55.6);
  });

  it('writes int32 and uint32 in the point’s word order with function 16', () => {
    expect(plan({ type: 'int32', registers: 2 }, 100_000).command).toEqual({
      fn: 16,
      slave: 1,
      address: 40,
      values: [0x0001, 0x86a0],
    });
    expect(plan({ type: 'int32', registers: 2, order: 'CDAB' }, 100_000).registers).toEqual([0x86a0, 0x0001]);
    expect(plan({ type: 'uint32', registers: 2, order: 'BADC' }, 0x01020304).registers).toEqual([0x0201, 0x0403]);
    expect(plan({ type: 'int32', registers: 2 }, -2).registers).toEqual([0xffff, 0xfffe]);
  });

  it('writes float32 in each word order and stores its float precision', () => {
    // 55.5 as float32 is 0x425E0000.
    expect(plan({ type: 'float32', registers: 2 }, 55.5).registers).toEqual([0x425e, 0x0000]);
    expect(plan({ type: 'float32', registers: 2, order: 'CDAB' }, 55.5).registers).toEqual([0x0000, 0x425e]);
    expect(plan({ type: 'float32', registers: 2, order: 'DCBA' }, 55.5).registers).toEqual([0x0000, 0x5e42]);
    const tenth = plan({ type: 'float32', registers: 2 }, 0.1);
    expect(tenth.registers).toEqual([0x3dcc, 0xcccd]);
    expect(tenth.stored).toBeCloseTo(0.1, 6);
  });

  it('writes a coil with function 05', () => {
    expect(plan({ fn: 1, type: 'bool' }, true).command).toEqual({ fn: 5, slave: 1, address: 40, value: true });
    expect(plan({ fn: 1, type: 'bool' }, 0).registers).toEqual([0]);
  });

  it('refuses values outside the configured min and max, in the unit', () => {
    const point = { type: 'int16' as const, scale: 0.1, min: 0, max: 80, unit: '°C' };
    expect(problem(point, 80.1)).toMatchObject({ problem: 'above-max', limit: 80 });
    expect(problem(point, 80.1).message).toBe('80.1 °C is above the maximum 80 °C');
    expect(problem(point, -0.5)).toMatchObject({ problem: 'below-min', limit: 0 });
    expect(plan(point, 80).registers).toEqual([800]);
    // Within the limit as asked, past it once rounded to tenths: 55.55 would be stored as 55.6.
    const fine = { type: 'int16' as const, scale: 0.1, max: 55.55, unit: '°C' };
    expect(problem(fine, 55.55)).toMatchObject({ problem: 'above-max', limit: 55.55 });
    expect(problem(fine, 55.55).message).toBe('55.55 °C would be stored as 55.6 °C, above the maximum 55.55 °C');
    expect(plan(fine, 55.5).registers).toEqual([555]);
  });

  it('refuses values the type cannot hold, after the scale', () => {
    expect(problem({ type: 'int16', scale: 0.1 }, 3276.8).problem).toBe('type-range');
    expect(plan({ type: 'int16', scale: 0.1 }, 3276.7).registers).toEqual([32767]);
    expect(problem({ type: 'uint16' }, -1).problem).toBe('type-range');
    expect(problem({ type: 'uint16' }, 65536).problem).toBe('type-range');
    expect(problem({ type: 'int32', registers: 2 }, 2 ** 31).problem).toBe('type-range');
    expect(problem({ type: 'float32', registers: 2 }, 1e39).problem).toBe('type-range');
  });

  it('refuses what is not a finite number', () => {
    expect(problem({ type: 'int16' }, Number.NaN).problem).toBe('not-a-number');
    expect(problem({ type: 'int16' }, true).problem).toBe('not-a-number');
    expect(problem({ fn: 1, type: 'bool' }, 2).problem).toBe('not-a-number');
  });

  it('refuses read-only points, register bits and text by name', () => {
    expect(problem({ fn: 4, type: 'int16' }, 1)).toMatchObject({ problem: 'not-writable', reason: 'read-only' });
    expect(problem({ fn: 2, type: 'bool' }, 1)).toMatchObject({ reason: 'read-only' });
    expect(problem({ type: 'bool', bit: 3 }, 1)).toMatchObject({ reason: 'register-bit' });
    expect(problem({ type: 'string', registers: 4 }, 1)).toMatchObject({ reason: 'text' });
  });
});
