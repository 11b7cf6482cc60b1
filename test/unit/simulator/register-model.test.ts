import { describe, expect, it } from 'vitest';
import { RegisterModel } from '../../../src/simulator/register-model.js';
import { point, profile } from './config-fixtures.js';

const T0 = Date.UTC(2025, 0, 1);

describe('RegisterModel', () => {
  it('gives the same registers for the same seed and instant', () => {
    const a = new RegisterModel(profile(), 'DTU01001', 'DTU01001');
    const b = new RegisterModel(profile(), 'DTU01001', 'DTU01001');
    expect(a.registers(1, 3, 2000, 50, T0)).toEqual(b.registers(1, 3, 2000, 50, T0));
  });

  it('gives devices with different seeds different values', () => {
    const a = new RegisterModel(profile(), 'DTU01001', 'x');
    const b = new RegisterModel(profile(), 'DTU01002', 'x');
    expect(a.registers(1, 3, 2000, 12, T0)).not.toEqual(b.registers(1, 3, 2000, 12, T0));
  });

  it('keeps temperature and humidity in plausible ranges over a day', () => {
    const model = new RegisterModel(profile(), 'seed', 'x');
    for (let t = T0; t < T0 + 86_400_000; t += 97_000) {
      const temperature = model.pointValue('temperature', t) as number;
      const humidity = model.pointValue('humidity', t) as number;
      expect(temperature).toBeGreaterThanOrEqual(19.5);
      expect(temperature).toBeLessThanOrEqual(30.5);
      expect(humidity).toBeGreaterThanOrEqual(39);
      expect(humidity).toBeLessThanOrEqual(71);
    }
  });

  it('changes values over a few hours, as process values do', () => {
    const model = new RegisterModel(profile(), 'seed', 'x');
    const seen = new Set<number>();
    for (let t = T0; t < T0 + 7_200_000; t += 600_000) seen.add(model.pointValue('temperature', t) as number);
    expect(seen.size).toBeGreaterThan(3);
  });

  it('encodes the point value with its type and scale into the registers', () => {
    const model = new RegisterModel(profile(), 'seed', 'x');
    const [word] = model.registers(1, 3, 2000, 1, T0);
    expect(((word! << 16) >> 16) / 10).toBeCloseTo(model.pointValue('temperature', T0) as number, 6);
    const [hi, lo] = model.registers(1, 3, 2010, 2, T0);
    const buf = Buffer.alloc(4);
    buf.writeUInt16BE(hi!, 0);
    buf.writeUInt16BE(lo!, 2);
    expect(buf.readFloatBE(0)).toBeCloseTo(model.pointValue('humidity', T0) as number, 4);
  });

  it('reads 0 where no point is defined', () => {
    const model = new RegisterModel(profile(), 'seed', 'x');
    expect(model.registers(1, 3, 2001, 9, T0)).toEqual(new Array(9).fill(0));
    expect(model.registers(7, 3, 2000, 2, T0)).toEqual([0, 0]);
    expect(model.registers(1, 4, 2000, 2, T0)).toEqual([0, 0]);
  });

  it('returns written values instead of the model, coils and registers apart', () => {
    const model = new RegisterModel(profile(), 'seed', 'x');
    model.setRegisters(1, 6, 2000, [1234]);
    model.setRegisters(1, 15, 10, [1, 0, 1]);
    expect(model.registers(1, 3, 2000, 2, T0)[0]).toBe(1234);
    expect(model.registers(1, 1, 10, 3, T0)).toEqual([1, 0, 1]);
    model.clearWrites();
    expect(model.registers(1, 3, 2000, 1, T0)[0]).not.toBe(1234);
  });

  it('holds every value still while frozen', () => {
    const model = new RegisterModel(profile(), 'seed', 'x');
    model.freeze(T0);
    expect(model.registers(1, 3, 2000, 41, T0 + 3_600_000)).toEqual(model.registers(1, 3, 2000, 41, T0));
    model.unfreeze();
    expect(model.registers(1, 3, 2000, 41, T0 + 3_600_000)).not.toEqual(model.registers(1, 3, 2000, 41, T0));
  });

  it('combines bool points that share one register bit by bit', () => {
    const bits = profile([
      point({ name: 'run', address: 100, type: 'bool', bit: 0 }),
      point({ name: 'alarm', address: 100, type: 'bool', bit: 3 }),
    ]);
    const model = new RegisterModel(bits, 'seed', 'x');
    for (let t = T0; t < T0 + 120_000; t += 7_000) {
      const expected = (model.pointValue('run', t) ? 1 : 0) | (model.pointValue('alarm', t) ? 8 : 0);
      expect(model.registers(1, 3, 100, 1, t)).toEqual([expected]);
    }
  });

  it('serves the DTU ID from string points', () => {
    const model = new RegisterModel(
      profile([point({ name: 'serial', address: 0, type: 'string', registers: 4 })]),
      's',
      'DTU-01',
    );
    expect(model.registers(1, 3, 0, 4, T0)).toEqual([0x4454, 0x552d, 0x3031, 0]);
  });

  it('knows which addresses belong to points', () => {
    const model = new RegisterModel(profile(), 'seed', 'x');
    expect(model.covers(1, 3, 2010, 2)).toBe(true);
    expect(model.covers(1, 3, 2010, 3)).toBe(false);
    expect(model.covers(1, 16, 2000, 1)).toBe(true);
  });

  it('answers from slave 1 when there is no profile', () => {
    const model = new RegisterModel(null, 'seed', 'x');
    expect(model.slaves).toEqual([1]);
    expect(model.registers(1, 3, 0, 3, T0)).toEqual([0, 0, 0]);
  });
});
