import { describe, expect, it } from 'vitest';
import type { ModbusFunction } from '../../../../src/protocol/modbus/functions.js';
import {
  encodeReadRequest,
  encodeWriteMultipleCoils,
  encodeWriteMultipleRegisters,
  encodeWriteSingleCoil,
  encodeWriteSingleRegister,
} from '../../../../src/protocol/modbus/request.js';
import { checkResponse, expectationFor, expectedLength } from '../../../../src/protocol/modbus/response.js';
import { decodePoint } from '../../../../src/protocol/modbus/values.js';
import { frameNamed, hex, pointDef, vectors } from './vectors.js';

function check(requestHex: string | Buffer, response: Buffer, start = 0, end = response.length) {
  const request = typeof requestHex === 'string' ? hex(requestHex) : requestHex;
  return checkResponse(expectationFor(request), response, start, end);
}

function registersOf(response: Buffer, dataOffset: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(response.readUInt16BE(dataOffset + 2 * i));
  return out;
}

function bitsOf(response: Buffer, dataOffset: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((response[dataOffset + (i >>> 3)]! >>> (i & 7)) & 1);
  return out;
}

/** A request of each function code, for matching exception responses against. */
const REQUEST_FOR: Record<ModbusFunction, Buffer> = {
  1: encodeReadRequest(1, 1, 0, 8),
  2: encodeReadRequest(1, 2, 0, 8),
  3: encodeReadRequest(1, 3, 0, 1),
  4: encodeReadRequest(1, 4, 0, 1),
  5: encodeWriteSingleCoil(1, 0, true),
  6: encodeWriteSingleRegister(1, 0, 1),
  15: encodeWriteMultipleCoils(1, 0, [true]),
  16: encodeWriteMultipleRegisters(1, 0, [1]),
};

describe('expectationFor', () => {
  it('reads slave, function, address and quantity from an encoded request', () => {
    const request = encodeReadRequest(1, 3, 2000, 100);
    expect(expectationFor(request)).toEqual({ slave: 1, fn: 3, address: 2000, quantity: 100, request });
    expect(expectationFor(encodeWriteSingleRegister(1, 2001, 3))).toMatchObject({ fn: 6, address: 2001, quantity: 1 });
    expect(expectationFor(encodeWriteMultipleCoils(1, 19, [true, false, true]))).toMatchObject({ fn: 15, quantity: 3 });
  });

  it('refuses bytes that are not a request', () => {
    expect(() => expectationFor(hex('0103'))).toThrow(RangeError);
    expect(() => expectationFor(hex('0107000000000000'))).toThrow(RangeError);
  });
});

describe('expectedLength', () => {
  it('follows the function code and quantity of the request', () => {
    expect(expectedLength(expectationFor(encodeReadRequest(1, 3, 2000, 100)))).toBe(205);
    expect(expectedLength(expectationFor(encodeReadRequest(1, 4, 0, 125)))).toBe(255);
    expect(expectedLength(expectationFor(encodeReadRequest(1, 1, 0, 19)))).toBe(8);
    expect(expectedLength(expectationFor(encodeReadRequest(1, 2, 0, 2000)))).toBe(255);
    expect(expectedLength(expectationFor(encodeReadRequest(1, 1, 0, 8)))).toBe(6);
    for (const fn of [5, 6, 15, 16] as const) expect(expectedLength(expectationFor(REQUEST_FOR[fn]))).toBe(8);
  });

  it('equals the length of every fixture response', () => {
    for (const frame of vectors.frames) {
      expect(expectedLength(expectationFor(hex(frame.request))), frame.name).toBe(frame.response.length / 2);
    }
  });
});

describe('checkResponse', () => {
  it('accepts every fixture response as the answer to its request', () => {
    for (const frame of vectors.frames) {
      const response = hex(frame.response);
      const result = check(frame.request, response);
      const isRead = response[1]! <= 4;
      expect(result, frame.name).toEqual({
        kind: 'ok',
        length: response.length,
        dataOffset: isRead ? 3 : 0,
        dataLength: isRead ? response[2] : 0,
      });
    }
  });

  it('finds the registers listed in the fixture notes', () => {
    const frame = frameNamed('fc03 read holding 2000x10');
    const response = hex(frame.response);
    const result = check(frame.request, response);
    if (result.kind !== 'ok') throw new Error(result.kind);
    const listed = frame.note.replace('registers: ', '').split(',').map(Number);
    expect(registersOf(response, result.dataOffset, 10)).toEqual(listed);
    expect(listed[0]).toBe(253);

    const input = hex(frameNamed('fc04 read input 0x3').response);
    expect(registersOf(input, 3, 3)).toEqual([1, 2, 3]);
  });

  it('decodes the user example points from the fixture responses', () => {
    const block = frameNamed('fc03 read holding 2000x100 (user example)');
    const response = hex(block.response);
    const result = check(block.request, response);
    if (result.kind !== 'ok') throw new Error(result.kind);
    const temperature = pointDef({ name: 'temperature', address: 2000, type: 'int16', scale: 0.1 });
    expect(decodePoint(temperature, response, result.dataOffset, 2000).value).toBe(25.3);

    const second = frameNamed('fc03 read holding 2200x15 (user example)');
    const bytes = hex(second.response);
    const voltage = pointDef({ name: 'voltage', address: 2200, type: 'uint16', scale: 0.1 });
    const current = pointDef({ name: 'current', address: 2202, type: 'uint16', scale: 0.01 });
    expect(decodePoint(voltage, bytes, 3, 2200).value).toBe(230.1);
    expect(decodePoint(current, bytes, 3, 2200).value).toBe(15.5);
  });

  it('finds the coil and input bits packed LSB first', () => {
    const coils = hex(frameNamed('fc01 read coils 19x19').response);
    // 0xcd 0x6b 0x05: coils 19..26 = 1,0,1,1,0,0,1,1 (0xcd read from bit 0 up), and so on.
    expect(bitsOf(coils, 3, 19)).toEqual([1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1]);
    const inputs = hex(frameNamed('fc02 read discrete 196x22').response);
    expect(bitsOf(inputs, 3, 22)).toEqual([1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1]);
    const coil26 = pointDef({ fn: 1, address: 26, type: 'bool' });
    expect(decodePoint(coil26, coils, 3, 19).value).toBe(1);
  });

  it('reports incomplete for every prefix of a response and ok only with the last byte', () => {
    for (const frame of vectors.frames) {
      const response = hex(frame.response);
      const exp = expectationFor(hex(frame.request));
      for (let end = 0; end < response.length; end++) {
        expect(checkResponse(exp, response, 0, end).kind, `${frame.name} after ${end} bytes`).toBe('incomplete');
      }
      expect(checkResponse(exp, response, 0, response.length).kind).toBe('ok');
    }
  });

  it('ignores bytes after the frame and works at any start offset', () => {
    const frame = frameNamed('fc03 read holding 2200x15 (user example)');
    const response = hex(frame.response);
    const buf = Buffer.concat([hex('aabbcc'), response, hex('4842')]);
    expect(check(frame.request, buf, 3, buf.length)).toEqual({
      kind: 'ok',
      length: response.length,
      dataOffset: 6,
      dataLength: 30,
    });
  });

  it('recognises every fixture exception with its code', () => {
    for (const vector of vectors.exceptions) {
      const response = hex(vector.response);
      const exp = expectationFor(REQUEST_FOR[vector.function as ModbusFunction]);
      for (let end = 0; end < 5; end++) expect(checkResponse(exp, response, 0, end).kind).toBe('incomplete');
      expect(checkResponse(exp, response, 0, 5), JSON.stringify(vector)).toEqual({
        kind: 'exception',
        length: 5,
        code: vector.code,
      });
    }
  });

  it('reports a bad CRC on a read, a write and an exception', () => {
    const frame = frameNamed('fc03 read holding 2000x10');
    const response = hex(frame.response);
    response[5]! ^= 0x01;
    expect(check(frame.request, response)).toEqual({ kind: 'bad-crc', length: 25 });

    const write = frameNamed('fc06 write single register 2001=3');
    const echo = hex(write.response);
    echo[7]! ^= 0xff;
    expect(check(write.request, echo)).toEqual({ kind: 'bad-crc', length: 8 });

    const exception = hex('018302c0f1');
    exception[4]! ^= 1;
    expect(check(REQUEST_FOR[3], exception)).toEqual({ kind: 'bad-crc', length: 5 });
  });

  it('reports a response from another slave as a slave mismatch', () => {
    const frame = frameNamed('fc04 read input 0x3');
    const request = encodeReadRequest(1, 4, 0, 3); // the response is from slave 17
    expect(check(request, hex(frame.response))).toEqual({ kind: 'mismatch', reason: 'slave', length: null });
    expect(check(request, hex(frame.response), 0, 1)).toEqual({ kind: 'mismatch', reason: 'slave', length: null });
  });

  it('reports an answer to another function as a function mismatch', () => {
    const response = hex(frameNamed('fc03 read holding 2000x10').response);
    expect(check(encodeReadRequest(1, 4, 2000, 10), response)).toEqual({
      kind: 'mismatch',
      reason: 'function',
      length: null,
    });
    // An exception for another function is not this request's exception either.
    expect(check(REQUEST_FOR[4], hex('018302c0f1'))).toMatchObject({ kind: 'mismatch', reason: 'function' });
  });

  it('does not take a late answer to a 10-register read for the 15-register read in flight', () => {
    const late = hex(frameNamed('fc03 read holding 2000x10').response);
    expect(check(encodeReadRequest(1, 3, 2200, 15), late)).toEqual({
      kind: 'mismatch',
      reason: 'byte-count',
      length: 25,
    });
    // Decided from the byte count alone, before the rest has arrived.
    expect(check(encodeReadRequest(1, 3, 2200, 15), late, 0, 3)).toMatchObject({ reason: 'byte-count' });
  });

  it('checks the byte count of bit reads against ceil(quantity / 8)', () => {
    const coils = hex(frameNamed('fc01 read coils 19x19').response);
    expect(check(encodeReadRequest(1, 1, 19, 24), coils).kind).toBe('ok');
    expect(check(encodeReadRequest(1, 1, 19, 25), coils)).toMatchObject({ kind: 'mismatch', reason: 'byte-count' });
  });

  it('reports a write echo for another address or value as an echo mismatch', () => {
    const write = frameNamed('fc06 write single register 2001=3');
    expect(check(encodeWriteSingleRegister(1, 2002, 3), hex(write.response))).toEqual({
      kind: 'mismatch',
      reason: 'echo',
      length: 8,
    });
    expect(check(encodeWriteSingleRegister(1, 2001, 4), hex(write.response))).toMatchObject({ reason: 'echo' });
    const coils = frameNamed('fc15 write multiple coils 19x10');
    expect(check(encodeWriteMultipleCoils(1, 19, [true]), hex(coils.response))).toMatchObject({ reason: 'echo' });
  });
});
