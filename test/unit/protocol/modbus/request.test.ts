import { describe, expect, it } from 'vitest';
import { writeCrc } from '../../../../src/protocol/modbus/crc.js';
import {
  encodeReadRequest,
  encodeWriteMultipleCoils,
  encodeWriteMultipleRegisters,
  encodeWriteSingleCoil,
  encodeWriteSingleRegister,
  parseRequest,
  scanRequest,
} from '../../../../src/protocol/modbus/request.js';
import { frameNamed, hex, vectors } from './vectors.js';

const COILS_19_TO_28 = [true, false, true, true, false, false, true, true, true, false];

// Each fixture request, rebuilt from the arguments its name describes.
const ENCODED: Record<string, () => Buffer> = {
  'fc03 read holding 2000x10': () => encodeReadRequest(1, 3, 2000, 10),
  'fc03 read holding 2000x100 (user example)': () => encodeReadRequest(1, 3, 2000, 100),
  'fc03 read holding 2200x15 (user example)': () => encodeReadRequest(1, 3, 2200, 15),
  'fc04 read input 0x3': () => encodeReadRequest(17, 4, 0, 3),
  'fc01 read coils 19x19': () => encodeReadRequest(1, 1, 19, 19),
  'fc02 read discrete 196x22': () => encodeReadRequest(1, 2, 196, 22),
  'fc05 write single coil 172 on': () => encodeWriteSingleCoil(1, 172, true),
  'fc06 write single register 2001=3': () => encodeWriteSingleRegister(1, 2001, 3),
  'fc15 write multiple coils 19x10': () => encodeWriteMultipleCoils(1, 19, COILS_19_TO_28),
  'fc16 write multiple registers 2010x2': () => encodeWriteMultipleRegisters(1, 2010, [0x4262, 0x0000]),
};

describe('request encoders', () => {
  it('produce exactly the request bytes of every fixture frame', () => {
    for (const frame of vectors.frames) {
      const encode = ENCODED[frame.name];
      expect(encode, `no encoder call for fixture "${frame.name}"`).toBeDefined();
      expect(encode!().toString('hex'), frame.name).toBe(frame.request);
    }
  });

  it('encode a coil switched off as 0x0000', () => {
    expect(encodeWriteSingleCoil(1, 172, false).subarray(0, 6).toString('hex')).toBe('010500ac0000');
  });

  it('accept the largest reads and writes the protocol allows', () => {
    expect(encodeReadRequest(1, 3, 0, 125)).toHaveLength(8);
    expect(encodeReadRequest(1, 1, 63536, 2000)).toHaveLength(8);
    expect(encodeWriteMultipleRegisters(1, 0, new Array<number>(123).fill(65535))).toHaveLength(9 + 246);
    expect(encodeWriteMultipleCoils(247, 0, new Array<boolean>(1968).fill(true))).toHaveLength(9 + 246);
    expect(encodeWriteSingleRegister(0, 65535, 0)[0]).toBe(0);
  });

  it('reject slave addresses outside 1..247 for reads and 0..247 for writes', () => {
    expect(() => encodeReadRequest(0, 3, 0, 1)).toThrow(/slave address .*broadcast/);
    expect(() => encodeReadRequest(248, 3, 0, 1)).toThrow(RangeError);
    expect(() => encodeReadRequest(1.5, 3, 0, 1)).toThrow(RangeError);
    expect(() => encodeWriteSingleRegister(-1, 0, 0)).toThrow(/slave address/);
    expect(() => encodeWriteSingleCoil(248, 0, true)).toThrow(/slave address/);
  });

  it('reject addresses outside 0..65535', () => {
    expect(() => encodeReadRequest(1, 3, -1, 1)).toThrow(/address must be an integer 0..65535/);
    expect(() => encodeReadRequest(1, 3, 65536, 1)).toThrow(RangeError);
    expect(() => encodeWriteSingleCoil(1, 70000, true)).toThrow(RangeError);
    expect(() => encodeWriteSingleRegister(1, 1.5, 0)).toThrow(RangeError);
  });

  it('reject quantities of zero or above the limit of each function', () => {
    expect(() => encodeReadRequest(1, 3, 0, 0)).toThrow(/quantity must be an integer 1..125/);
    expect(() => encodeReadRequest(1, 4, 0, 126)).toThrow(/1..125/);
    expect(() => encodeReadRequest(1, 1, 0, 2001)).toThrow(/1..2000/);
    expect(() => encodeReadRequest(1, 2, 0, 2001)).toThrow(RangeError);
    expect(() => encodeWriteMultipleRegisters(1, 0, new Array<number>(124).fill(0))).toThrow(/1..123/);
    expect(() => encodeWriteMultipleRegisters(1, 0, [])).toThrow(RangeError);
    expect(() => encodeWriteMultipleCoils(1, 0, new Array<boolean>(1969).fill(false))).toThrow(/1..1968/);
  });

  it('reject a range that runs past address 65535', () => {
    expect(() => encodeReadRequest(1, 3, 65500, 37)).toThrow(/runs past address 65535/);
    expect(() => encodeWriteMultipleRegisters(1, 65535, [1, 2])).toThrow(/runs past/);
    expect(encodeReadRequest(1, 3, 65500, 36)).toHaveLength(8);
  });

  it('reject register values that are not 16-bit unsigned integers', () => {
    expect(() => encodeWriteSingleRegister(1, 0, 65536)).toThrow(/register value #0 must be an integer 0..65535/);
    expect(() => encodeWriteSingleRegister(1, 0, -1)).toThrow(RangeError);
    expect(() => encodeWriteMultipleRegisters(1, 0, [1, 2.5])).toThrow(/register value #1/);
  });

  it('reject a function code that is not a read', () => {
    expect(() => encodeReadRequest(1, 6 as never, 0, 1)).toThrow(/not a read function/);
  });
});

describe('parseRequest', () => {
  it('reads back slave, function, address and quantity of every fixture request', () => {
    const fc03 = parseRequest(hex(frameNamed('fc03 read holding 2000x100 (user example)').request));
    expect(fc03).toEqual({ slave: 1, fn: 3, address: 2000, quantity: 100, values: [], length: 8 });
    expect(parseRequest(hex(frameNamed('fc04 read input 0x3').request))).toMatchObject({
      slave: 17,
      fn: 4,
      quantity: 3,
    });
    for (const frame of vectors.frames) {
      const request = parseRequest(hex(frame.request));
      expect(request.slave, frame.name).toBe(frame.slave);
      expect(request.length).toBe(frame.request.length / 2);
    }
  });

  it('reads the values of write requests', () => {
    expect(parseRequest(hex(frameNamed('fc05 write single coil 172 on').request))).toMatchObject({
      fn: 5,
      address: 172,
      quantity: 1,
      values: [1],
    });
    expect(parseRequest(hex(frameNamed('fc06 write single register 2001=3').request))).toMatchObject({
      fn: 6,
      address: 2001,
      quantity: 1,
      values: [3],
    });
    expect(parseRequest(hex(frameNamed('fc15 write multiple coils 19x10').request))).toMatchObject({
      fn: 15,
      address: 19,
      quantity: 10,
      values: COILS_19_TO_28.map(Number),
    });
    expect(parseRequest(hex(frameNamed('fc16 write multiple registers 2010x2').request))).toMatchObject({
      fn: 16,
      address: 2010,
      quantity: 2,
      values: [16994, 0],
    });
  });

  it('reads a frame inside a larger buffer', () => {
    const bytes = Buffer.concat([Buffer.from([9, 9]), hex(frameNamed('fc06 write single register 2001=3').request)]);
    expect(parseRequest(bytes, 2, 10)).toMatchObject({ fn: 6, address: 2001, values: [3] });
  });

  it('rejects a wrong CRC, a short frame and a byte count that contradicts the quantity', () => {
    const bad = hex(frameNamed('fc03 read holding 2000x10').request);
    bad[7]! ^= 1;
    expect(() => parseRequest(bad)).toThrow(/CRC/);
    expect(() => parseRequest(hex('010307d0'))).toThrow(/at least 8 bytes/);
    // Two registers need a byte count of 4; this one says 2 and carries 2 bytes.
    const wrongCount = Buffer.alloc(11);
    hex('011007da00020200ff').copy(wrongCount);
    writeCrc(wrongCount, 9);
    expect(() => parseRequest(wrongCount)).toThrow(/byte count 2 does not match quantity 2/);
  });
});

describe('scanRequest', () => {
  it('tells the length of fixed-size and multiple-write requests once the header is in', () => {
    const fc16 = hex(frameNamed('fc16 write multiple registers 2010x2').request);
    expect(scanRequest(fc16, 0, 6)).toEqual({ kind: 'incomplete' });
    expect(scanRequest(fc16, 0, fc16.length - 1)).toEqual({ kind: 'incomplete' });
    expect(scanRequest(fc16, 0, fc16.length)).toEqual({ kind: 'request', length: 13 });
    const fc03 = hex(frameNamed('fc03 read holding 2000x10').request);
    expect(scanRequest(fc03, 0, 1)).toEqual({ kind: 'incomplete' });
    expect(scanRequest(fc03, 0, 8)).toEqual({ kind: 'request', length: 8 });
  });

  it('reports a function code whose length it cannot know', () => {
    expect(scanRequest(hex('012b0e0100'), 0, 5)).toEqual({ kind: 'unknown-function', fn: 0x2b });
  });
});
