import { describe, expect, it } from 'vitest';
import type { ModbusFunction } from '../../../../src/protocol/modbus/functions.js';
import {
  encodeBitsResponse,
  encodeExceptionResponse,
  encodeRegistersResponse,
  encodeWriteResponse,
} from '../../../../src/protocol/modbus/reply.js';
import { frameNamed, hex, vectors } from './vectors.js';

describe('slave-side response encoders', () => {
  it('build the fixture register responses from the listed registers', () => {
    const frame = frameNamed('fc03 read holding 2000x10');
    const registers = frame.note.replace('registers: ', '').split(',').map(Number);
    expect(encodeRegistersResponse(1, 3, registers).toString('hex')).toBe(frame.response);
    expect(encodeRegistersResponse(17, 4, [1, 2, 3]).toString('hex')).toBe(frameNamed('fc04 read input 0x3').response);
  });

  it('build the fixture bit responses, packed LSB first', () => {
    const coils = [1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1];
    expect(encodeBitsResponse(1, 1, coils).toString('hex')).toBe(frameNamed('fc01 read coils 19x19').response);
    const inputs = [1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1].map(Boolean);
    expect(encodeBitsResponse(1, 2, inputs).toString('hex')).toBe(frameNamed('fc02 read discrete 196x22').response);
  });

  it('echo every fixture write request as the fixture response', () => {
    for (const frame of vectors.frames.filter((f) => hex(f.request)[1]! >= 5)) {
      expect(encodeWriteResponse(hex(frame.request)).toString('hex'), frame.name).toBe(frame.response);
    }
  });

  it('build every fixture exception response', () => {
    for (const vector of vectors.exceptions) {
      expect(encodeExceptionResponse(1, vector.function as ModbusFunction, vector.code).toString('hex')).toBe(
        vector.response,
      );
    }
  });

  it('reject responses the protocol cannot carry', () => {
    expect(() => encodeRegistersResponse(1, 3, [])).toThrow(RangeError);
    expect(() => encodeRegistersResponse(1, 3, new Array<number>(126).fill(0))).toThrow(/1..125/);
    expect(() => encodeRegistersResponse(1, 3, [70000])).toThrow(/0..65535/);
    expect(() => encodeBitsResponse(1, 1, new Array<number>(2001).fill(0))).toThrow(/1..2000/);
    expect(() => encodeExceptionResponse(0, 3, 2)).toThrow(/1..247/);
    expect(() => encodeExceptionResponse(1, 3, 0)).toThrow(RangeError);
  });
});
