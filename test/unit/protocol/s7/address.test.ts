// Siemens addresses as a PLC programmer writes them: every area and size, the types each
// size takes, the item nodes7 is given, and the words for addresses that are wrong.
import { describe, expect, it } from 'vitest';
import {
  formatS7Address,
  nodes7Item,
  parseS7Address,
  parseS7Tag,
  s7ByteLength,
} from '../../../../src/protocol/s7/address.js';

function tag(address: string, type?: string) {
  const r = parseS7Tag(address, type);
  if (!r.ok) throw new Error(`${address}: ${r.problem}`);
  return { ...r, item: nodes7Item(r.address, r.type) };
}

describe('S7 addresses', () => {
  it.each([
    ['DB1.DBX0.3', { area: 'DB', db: 1, byte: 0, bit: 3, size: 'bit' }, 'bool', 'DB1,X0.3'],
    ['DB1.DBB2', { area: 'DB', db: 1, byte: 2, bit: null, size: 'byte' }, 'byte', 'DB1,BYTE2'],
    ['DB1.DBW4', { area: 'DB', db: 1, byte: 4, bit: null, size: 'word' }, 'word', 'DB1,WORD4'],
    ['DB1.DBD8', { area: 'DB', db: 1, byte: 8, bit: null, size: 'dword' }, 'dword', 'DB1,DWORD8'],
    ['DB65535.DBW65535', { area: 'DB', db: 65535, byte: 65535, size: 'word' }, 'word', 'DB65535,WORD65535'],
    ['DB1.STRING10.20', { area: 'DB', db: 1, byte: 10, size: 'string', stringLength: 20 }, 'string', 'DB1,S10.20'],
    ['M10.1', { area: 'M', db: 0, byte: 10, bit: 1, size: 'bit' }, 'bool', 'M10.1'],
    ['MB10', { area: 'M', byte: 10, size: 'byte' }, 'byte', 'MB10'],
    ['MW20', { area: 'M', byte: 20, size: 'word' }, 'word', 'MW20'],
    ['MD24', { area: 'M', byte: 24, size: 'dword' }, 'dword', 'MD24'],
    ['I0.0', { area: 'I', byte: 0, bit: 0, size: 'bit' }, 'bool', 'I0.0'],
    ['IB3', { area: 'I', byte: 3, size: 'byte' }, 'byte', 'IB3'],
    ['IW64', { area: 'I', byte: 64, size: 'word' }, 'word', 'IW64'],
    ['ID4', { area: 'I', byte: 4, size: 'dword' }, 'dword', 'ID4'],
    ['Q1.2', { area: 'Q', byte: 1, bit: 2, size: 'bit' }, 'bool', 'Q1.2'],
    ['QB1', { area: 'Q', byte: 1, size: 'byte' }, 'byte', 'QB1'],
    ['QW2', { area: 'Q', byte: 2, size: 'word' }, 'word', 'QW2'],
    ['QD4', { area: 'Q', byte: 4, size: 'dword' }, 'dword', 'QD4'],
  ] as const)('reads %s with its default type', (text, address, type, item) => {
    const t = tag(text);
    expect(t.address).toMatchObject(address);
    expect(t.type).toBe(type);
    expect(t.item).toBe(item);
    expect(t.text).toBe(text);
  });

  it.each([
    ['DB1.DBB2', 'usint', 'DB1,BYTE2'],
    ['DB1.DBB2', 'sint', 'DB1,BYTE2'],
    ['DB1.DBW4', 'int', 'DB1,INT4'],
    ['DB1.DBW4', 'uint', 'DB1,WORD4'],
    ['DB1.DBD8', 'real', 'DB1,REAL8'],
    ['DB1.DBD8', 'dint', 'DB1,DINT8'],
    ['DB1.DBD8', 'udint', 'DB1,DWORD8'],
    ['MW20', 'int', 'MI20'],
    ['MD24', 'real', 'MR24'],
    ['MD24', 'dint', 'MDI24'],
    ['IW64', 'int', 'II64'],
    ['ID4', 'real', 'IR4'],
    ['QD4', 'dint', 'QDI4'],
    ['QW2', 'INT', 'QI2'],
  ])('gives %s of type %s to nodes7 as %s', (text, type, item) => {
    expect(tag(text, type).item).toBe(item);
  });

  it('reads German mnemonics, lower case and spaces, and prints them the English way', () => {
    expect(tag('E0.7').text).toBe('I0.7');
    expect(tag('EW64', 'int').item).toBe('II64');
    expect(tag('A1.2').text).toBe('Q1.2');
    expect(tag('AB0').address).toMatchObject({ area: 'Q', size: 'byte' });
    expect(tag('  db1.dbd8 ', 'real').text).toBe('DB1.DBD8');
    expect(tag('mw20').text).toBe('MW20');
  });

  it('knows how many bytes an address covers', () => {
    expect(['DB1.DBX0.0', 'MB1', 'IW2', 'QD4', 'DB1.STRING0.10'].map((a) => s7ByteLength(tag(a).address))).toEqual([
      1, 1, 2, 4, 12,
    ]);
    expect(formatS7Address(tag('DB2.STRING4.254').address)).toBe('DB2.STRING4.254');
  });

  it.each([
    ['', /an address is needed/],
    ['DB1', /names a data block, not an address in it \(like DB1\.DBW0\)/],
    ['DB0.DBW0', /DB0: data blocks are numbered 1 to 65535/],
    ['DB70000.DBW0', /data blocks are numbered 1 to 65535/],
    ['DB1.DBX0', /DB1\.DBX0 is a bit address and needs its bit: DB1\.DBX0\.0 to DB1\.DBX0\.7/],
    ['DB1.DBX0.8', /bit 8 does not exist: a byte has bits \.0 to \.7/],
    ['DB1.DBW4.1', /DB1\.DBW4\.1: a bit is addressed on its own, like DB1\.DBX4\.1/],
    ['MW4.1', /MW4\.1: a bit is addressed on its own, like M4\.1/],
    ['DB1.DBW70000', /byte offset 70000 is beyond 65535/],
    ['DB1.DBQ4', /in a data block write DBX, DBB, DBW, DBD or STRING/],
    ['DB1.STRING10', /a STRING needs its length: DB1\.STRING10\.20/],
    ['DB1.STRING10.0', /a STRING holds 1 to 254 characters, not 0/],
    ['DB1.STRING10.255', /a STRING holds 1 to 254 characters, not 255/],
    ['M10', /M10 is a bit address and needs its bit: M10\.0 to M10\.7/],
    ['X10.1', /is not an S7 address: write it like DB1\.DBX0\.3/],
    ['40001', /is not an S7 address/],
    ['MW-2', /is not an S7 address/],
    ['T5', /is not an S7 address/],
  ])('refuses %j: %s', (text, problem) => {
    const r = parseS7Address(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });

  it.each([
    ['DB1.DBW4', 'real', /type real needs 4 bytes; DB1\.DBW4 is a word \(it takes word, uint, int\)/],
    ['DB1.DBD8', 'int', /type int needs 2 bytes; DB1\.DBD8 is a dword \(it takes dword, udint, dint, real\)/],
    ['DB1.DBB0', 'bool', /type bool needs a bit address/],
    ['M0.0', 'int', /type int needs 2 bytes; M0\.0 is a bit \(it takes bool\)/],
    ['DB1.STRING0.8', 'int', /DB1\.STRING0\.8 is a STRING: type int does not fit \(it takes string\)/],
    ['DB1.DBD8', 'string', /is a dword: type string does not fit/],
    ['DB1.DBD8', 'float', /"float" is not an S7 type: one of bool, byte/],
  ])('refuses %s with type %s', (address, type, problem) => {
    const r = parseS7Tag(address, type);
    expect(r).toMatchObject({ ok: false, field: 'type' });
    if (!r.ok) expect(r.problem).toMatch(problem);
  });

  it('names the address field when the address itself is wrong', () => {
    expect(parseS7Tag('DB1.DBX0.9', 'bool')).toMatchObject({ ok: false, field: 'address' });
  });
});
