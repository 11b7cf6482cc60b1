import { describe, expect, it } from 'vitest';
import type { RegistrationRule } from '../../../src/domain/config.js';
import { registrationBytes, simulatedId } from '../../../src/simulator/registration.js';
import { ascii } from './config-fixtures.js';

const int4be: RegistrationRule = { type: 'integer', mode: 'once', bytes: 4, endian: 'big' };

describe('registrationBytes', () => {
  it('sends an ascii ID as its bytes', () => {
    expect(registrationBytes(ascii, 'DTU01001').toString('latin1')).toBe('DTU01001');
  });

  it('appends the terminator of an ascii rule', () => {
    const rule: RegistrationRule = { ...ascii, terminator: Buffer.from('\r\n') };
    expect(registrationBytes(rule, 'DTU1').toString('hex')).toBe('445455310d0a');
  });

  it('rejects an ascii ID longer than the rule allows or not of the fixed length', () => {
    expect(() => registrationBytes({ ...ascii, maxLength: 4 }, 'DTU01')).toThrow(/1\.\.4 bytes/);
    expect(() => registrationBytes({ ...ascii, length: 8 }, 'DTU1')).toThrow(/exactly 8/);
  });

  it("sends the user's integer ID 7001 as 00 00 1b 59", () => {
    expect(registrationBytes(int4be, '7001').toString('hex')).toBe('00001b59');
  });

  it('sends integer IDs little endian and in 2 and 8 bytes', () => {
    expect(registrationBytes({ ...int4be, endian: 'little' }, '7001').toString('hex')).toBe('591b0000');
    expect(registrationBytes({ ...int4be, bytes: 2 }, '7001').toString('hex')).toBe('1b59');
    expect(registrationBytes({ ...int4be, bytes: 8 }, '18446744073709551615').toString('hex')).toBe('ffffffffffffffff');
  });

  it('rejects an integer ID that does not fit its bytes', () => {
    expect(() => registrationBytes({ ...int4be, bytes: 2 }, '65536')).toThrow(/below 65536/);
    expect(() => registrationBytes(int4be, 'DTU1')).toThrow(/decimal integer/);
  });

  it('sends a hex ID after the prefix', () => {
    const rule: RegistrationRule = { type: 'hex', mode: 'once', length: 4, prefix: Buffer.from([0xaa, 0x55]) };
    expect(registrationBytes(rule, '00001B59').toString('hex')).toBe('aa5500001b59');
    expect(() => registrationBytes(rule, '1b59')).toThrow(/8 hex digits/);
  });
});

describe('simulatedId', () => {
  it('pads ascii IDs after the prefix', () => {
    expect(simulatedId(ascii, 1001, 'DTU', 5)).toBe('DTU01001');
  });

  it('uses the plain number for integer links', () => {
    expect(simulatedId(int4be, 7001, 'DTU', 5)).toBe('7001');
  });

  it('uses hex digits filling the length of hex links', () => {
    expect(simulatedId({ type: 'hex', mode: 'once', length: 4, prefix: null }, 7001, 'DTU', 5)).toBe('00001b59');
  });
});
