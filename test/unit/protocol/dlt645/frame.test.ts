import { describe, expect, it } from 'vitest';
import {
  checksum,
  encodeFrame,
  encodeRequest,
  identifierBytes,
  MAX_DATA_LENGTH,
  parseMeterAddress,
  readIdentifier,
  readRequest,
  writeRequest,
} from '../../../../src/protocol/dlt645/index.js';
import { bytes, toRequest, vectors } from './vectors.js';

describe('DL/T 645 request encoding', () => {
  for (const vector of vectors.requests) {
    it(`encodes the fixture frame: ${vector.name}`, () => {
      expect(encodeRequest(toRequest(vector.request), vector.preamble).toString('hex')).toBe(
        bytes(vector.hex).toString('hex'),
      );
    });
  }

  it('puts four wake-up bytes in front unless told otherwise', () => {
    const frame = encodeRequest(readRequest('2007', '112233445566', 0x00010000));
    expect([...frame.subarray(0, 5)]).toEqual([0xfe, 0xfe, 0xfe, 0xfe, 0x68]);
    expect(encodeRequest(readRequest('2007', '112233445566', 0x00010000), 0)[0]).toBe(0x68);
  });

  it('sends the identifier low byte first and reads it back', () => {
    expect([...identifierBytes('2007', 0x02010100)]).toEqual([0x00, 0x01, 0x01, 0x02]);
    expect([...identifierBytes('1997', 0xb611)]).toEqual([0x11, 0xb6]);
    expect(readIdentifier('2007', Uint8Array.of(0x00, 0x01, 0x01, 0x02, 0x99))).toBe(0x02010100);
    expect(readIdentifier('1997', Uint8Array.of(0x11))).toBeNull();
  });

  it('refuses what no frame can carry', () => {
    expect(() => readRequest('1997', '1', 0x10000)).toThrow(RangeError);
    expect(() => readRequest('2007', '12345678901234', 1)).toThrow(RangeError);
    expect(() => encodeRequest(readRequest('2007', '1', 1), 17)).toThrow(RangeError);
    const address = parseMeterAddress('1');
    expect(address.ok).toBe(true);
    if (!address.ok) return;
    expect(() =>
      encodeFrame({ address: address.bytes, control: 0x11, data: new Uint8Array(MAX_DATA_LENGTH + 1) }),
    ).toThrow(RangeError);
    const time = { year: 2026, month: 13, day: 1, hour: 0, minute: 0, second: 0 };
    expect(() => encodeRequest({ kind: 'broadcast-time', version: '2007', time })).toThrow(RangeError);
  });

  it('puts the password and operator code of a write low byte first', () => {
    const operator = Uint8Array.of(0x01, 0x02, 0x03, 0x04);
    const request = writeRequest('1', 0x04000102, Uint8Array.of(0, 0, 0x12), { level: 4, digits: '654321' }, operator);
    const frame = encodeRequest(request, 0);
    const data = [...frame.subarray(10, frame.length - 2)].map((b) => (b - 0x33) & 0xff);
    expect(data).toEqual([0x02, 0x01, 0x00, 0x04, 0x04, 0x21, 0x43, 0x65, 1, 2, 3, 4, 0, 0, 0x12]);
    expect(() => writeRequest('1', 1, new Uint8Array(0), { level: 2, digits: '12345' })).toThrow(RangeError);
    expect(() => writeRequest('1', 1, new Uint8Array(189), { level: 2, digits: '123456' })).toThrow(RangeError);
    expect(() => writeRequest('1', 1, new Uint8Array(1), { level: 2, digits: '123456' }, new Uint8Array(3))).toThrow(
      RangeError,
    );
  });

  it('sums every byte from the first 68 mod 256', () => {
    const frame = bytes('68 AA AA AA AA AA AA 68 13 00 DF 16');
    expect(checksum(frame, 0, 10)).toBe(0xdf);
  });
});

describe('meter addresses', () => {
  it('read the nameplate digits and send them low byte first', () => {
    const parsed = parseMeterAddress('112233445566');
    expect(parsed).toMatchObject({ ok: true, address: '112233445566' });
    if (parsed.ok) expect([...parsed.bytes]).toEqual([0x66, 0x55, 0x44, 0x33, 0x22, 0x11]);
  });

  it('pad short numbers with zeros and accept the wildcard', () => {
    expect(parseMeterAddress(' 3 ')).toMatchObject({ ok: true, address: '000000000003' });
    expect(parseMeterAddress('aaaaaaaaaaaa')).toMatchObject({ ok: true, address: 'AAAAAAAAAAAA' });
  });

  it('say why an address is not one', () => {
    expect(parseMeterAddress('')).toEqual({ ok: false, reason: 'length' });
    expect(parseMeterAddress('1234567890123')).toEqual({ ok: false, reason: 'length' });
    expect(parseMeterAddress('12345678901A')).toEqual({ ok: false, reason: 'digits' });
  });
});
