import { describe, expect, it } from 'vitest';
import { describeException, exceptionName, MODBUS_EXCEPTIONS } from '../../../../src/protocol/modbus/exceptions.js';
import { vectors } from './vectors.js';

describe('exception codes', () => {
  it('name the codes the Modbus standard defines', () => {
    expect(exceptionName(1)).toBe('illegal function');
    expect(exceptionName(2)).toBe('illegal data address');
    expect(exceptionName(3)).toBe('illegal data value');
    expect(exceptionName(4)).toBe('server device failure');
    expect(exceptionName(5)).toBe('acknowledge');
    expect(exceptionName(6)).toBe('server device busy');
    expect(exceptionName(8)).toBe('memory parity error');
    expect(exceptionName(10)).toBe('gateway path unavailable');
    expect(exceptionName(11)).toBe('gateway target failed to respond');
    expect([...MODBUS_EXCEPTIONS.keys()]).toEqual([1, 2, 3, 4, 5, 6, 8, 10, 11]);
  });

  it('cover every code that appears in the fixture', () => {
    for (const vector of vectors.exceptions) expect(MODBUS_EXCEPTIONS.has(vector.code)).toBe(true);
  });

  it('give unknown codes a name that still shows the code', () => {
    expect(exceptionName(7)).toBe('unknown exception 7');
    expect(exceptionName(0x99)).toBe('unknown exception 153');
    expect(describeException(12)).toMatchObject({ code: 12, name: 'unknown exception 12' });
    expect(describeException(2).meaning).toMatch(/address/);
  });
});
