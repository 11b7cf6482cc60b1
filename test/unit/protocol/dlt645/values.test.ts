import { describe, expect, it } from 'vitest';
import {
  decodeBcd,
  decodeValue,
  DLT645_IDENTIFIERS,
  encodeBcd,
  formatIdentifier,
  identifierByCode,
  identifierByName,
  type Dlt645Identifier,
} from '../../../../src/protocol/dlt645/index.js';

function id(version: '2007' | '1997', name: string): Dlt645Identifier {
  const entry = identifierByName(version, name);
  if (!entry) throw new Error(`no ${version} identifier ${name}`);
  return entry;
}

describe('the DL/T 645 identifier catalogue', () => {
  it('gives the 2007 codes and formats the standard prints', () => {
    const rows = [...DLT645_IDENTIFIERS['2007'].values()].map(
      (e) =>
        `${e.name} ${formatIdentifier('2007', e.di)} ${e.length} ${e.decimals} ${e.signed ? 's' : 'u'} ${e.unit ?? '-'}`,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        'energy.active.combined 00000000 4 2 s kWh',
        'energy.active.forward 00010000 4 2 u kWh',
        'energy.active.forward.tariff1 00010100 4 2 u kWh',
        'energy.active.forward.tariff4 00010400 4 2 u kWh',
        'energy.active.reverse 00020000 4 2 u kWh',
        'voltage.a 02010100 2 1 u V',
        'voltage.c 02010300 2 1 u V',
        'current.b 02020200 3 3 s A',
        'power.active 02030000 3 4 s kW',
        'power.active.c 02030300 3 4 s kW',
        'power.reactive 02040000 3 4 s kvar',
        'power.apparent.a 02050100 3 4 s kVA',
        'power.factor 02060000 2 3 s -',
        'frequency 02800002 2 2 u Hz',
        'date 04000101 4 0 u -',
        'time 04000102 3 0 u -',
      ]),
    );
  });

  it('gives the 1997 codes and formats under the same names', () => {
    expect(id('1997', 'energy.active.forward')).toMatchObject({ di: 0x9010, length: 4, decimals: 2, unit: 'kWh' });
    expect(id('1997', 'energy.active.forward.tariff2').di).toBe(0x9012);
    expect(id('1997', 'voltage.b')).toMatchObject({ di: 0xb612, length: 2, decimals: 0, unit: 'V' });
    expect(id('1997', 'current.c')).toMatchObject({ di: 0xb623, length: 2, decimals: 2, unit: 'A' });
    expect(id('1997', 'power.active')).toMatchObject({ di: 0xb630, length: 3, decimals: 4, unit: 'kW' });
    expect(id('1997', 'date')).toMatchObject({ di: 0xc010, kind: 'date' });
    expect(identifierByCode('1997', 0xb621)?.name).toBe('current.a');
    expect(identifierByCode('2007', 0x12345678)).toBeUndefined();
    expect(formatIdentifier('1997', 0xb611)).toBe('B611');
  });

  it('has one code per name and one name per code in each edition', () => {
    for (const map of Object.values(DLT645_IDENTIFIERS)) {
      const codes = [...map.values()].map((e) => e.di);
      expect(new Set(codes).size).toBe(codes.length);
    }
  });
});

describe('DL/T 645 values', () => {
  it('decode BCD low byte first with the decimal point where the format puts it', () => {
    expect(decodeValue(id('2007', 'energy.active.forward'), Uint8Array.of(0x78, 0x56, 0x34, 0x12))).toEqual({
      ok: true,
      value: 123456.78,
    });
    expect(decodeValue(id('2007', 'voltage.a'), Uint8Array.of(0x01, 0x22))).toEqual({ ok: true, value: 220.1 });
    expect(decodeValue(id('1997', 'voltage.a'), Uint8Array.of(0x20, 0x02))).toEqual({ ok: true, value: 220 });
  });

  it('read the top bit as the sign only where the standard says so', () => {
    const negative = Uint8Array.of(0x34, 0x12, 0x80);
    expect(decodeValue(id('2007', 'current.a'), negative)).toEqual({ ok: true, value: -1.234 });
    expect(decodeValue(id('2007', 'power.active'), negative)).toEqual({ ok: true, value: -0.1234 });
    // In an unsigned format the same top byte is the digits 80.
    expect(decodeValue(id('1997', 'power.active'), negative)).toEqual({ ok: true, value: 80.1234 });
    expect(decodeValue(id('2007', 'energy.active.forward'), Uint8Array.of(0, 0, 0, 0x90))).toEqual({
      ok: true,
      value: 900000,
    });
    expect(decodeValue(id('2007', 'energy.active.combined'), Uint8Array.of(0x01, 0, 0, 0x80))).toEqual({
      ok: true,
      value: -0.01,
    });
  });

  it('never make a number of a nibble above 9', () => {
    expect(decodeValue(id('2007', 'energy.active.forward'), Uint8Array.of(0xff, 0xff, 0xff, 0xff))).toEqual({
      ok: false,
      reason: 'bcd',
    });
    expect(decodeValue(id('2007', 'voltage.a'), Uint8Array.of(0x0a, 0x22))).toEqual({ ok: false, reason: 'bcd' });
    expect(decodeBcd(Uint8Array.of(0x12, 0xa0), 0, 2, { decimals: 0, signed: false })).toEqual({
      ok: false,
      reason: 'bcd',
      index: 1,
    });
    // The sign bit taken off, 0xFA is 0x7A: its low nibble is still no digit.
    expect(decodeBcd(Uint8Array.of(0x00, 0xfa), 0, 2, { decimals: 0, signed: true }).ok).toBe(false);
  });

  it('refuse an answer of the wrong length rather than read part of it', () => {
    expect(decodeValue(id('2007', 'voltage.a'), Uint8Array.of(0x01))).toEqual({ ok: false, reason: 'length' });
    expect(decodeValue(id('2007', 'voltage.a'), Uint8Array.of(0x01, 0x22, 0x00))).toEqual({
      ok: false,
      reason: 'length',
    });
  });

  it('decode the meter date and time and refuse impossible ones', () => {
    expect(decodeValue(id('2007', 'date'), Uint8Array.of(0x00, 0x31, 0x12, 0x99))).toEqual({
      ok: true,
      value: '2099-12-31',
    });
    expect(decodeValue(id('2007', 'date'), Uint8Array.of(0x01, 0x07, 0x13, 0x26))).toEqual({
      ok: false,
      reason: 'range',
    });
    expect(decodeValue(id('1997', 'time'), Uint8Array.of(0x59, 0x59, 0x23))).toEqual({ ok: true, value: '23:59:59' });
    expect(decodeValue(id('1997', 'time'), Uint8Array.of(0x00, 0x60, 0x12))).toEqual({ ok: false, reason: 'range' });
    expect(decodeValue(id('2007', 'time'), Uint8Array.of(0x00, 0x00, 0x2a))).toEqual({ ok: false, reason: 'bcd' });
  });

  it('encode BCD back, with the sign bit, and refuse what does not fit', () => {
    expect([...encodeBcd(12345678, 4, false)]).toEqual([0x78, 0x56, 0x34, 0x12]);
    expect([...encodeBcd(-1234, 3, true)]).toEqual([0x34, 0x12, 0x80]);
    expect(() => encodeBcd(100, 1, false)).toThrow(RangeError);
    expect(() => encodeBcd(800000, 3, true)).toThrow(RangeError);
    expect(() => encodeBcd(-1, 2, false)).toThrow(RangeError);
  });
});
