import { describe, expect, it } from 'vitest';
import vectors from '../../fixtures/modbus-vectors.json' with { type: 'json' };
import { writeCrc } from '../../../src/protocol/modbus/crc.js';
import { RegisterModel } from '../../../src/simulator/register-model.js';
import { answerRequest, type AnswerOptions } from '../../../src/simulator/slave-responder.js';
import { parseRequest } from '../../../src/simulator/slave-request.js';
import { profile } from './config-fixtures.js';

const T0 = Date.UTC(2025, 0, 1);
const lenient: AnswerOptions = { strictAddresses: false, exceptionCode: null };

function frame(name: string): { request: Buffer; response: string } {
  const f = vectors.frames.find((v) => v.name === name);
  if (!f) throw new Error(`no vector ${name}`);
  return { request: Buffer.from(f.request, 'hex'), response: f.response };
}

function rtu(hex: string): Buffer {
  const body = Buffer.from(hex, 'hex');
  const out = Buffer.alloc(body.length + 2);
  body.copy(out);
  writeCrc(out, body.length);
  return out;
}

function answer(model: RegisterModel, request: Buffer, options: AnswerOptions = lenient): string {
  return answerRequest(model, parseRequest(request), T0, options).response.toString('hex');
}

describe('answerRequest', () => {
  it('answers fc 03 with the registers, byte for byte as the vectors', () => {
    const model = new RegisterModel(null, 's', 'x');
    model.setRegisters(1, 3, 2000, [253, 16994, 0, 64302, 16716, 0, 1, 2301, 1550, 65535]);
    const { request, response } = frame('fc03 read holding 2000x10');
    expect(answer(model, request)).toBe(response);
  });

  it('answers fc 04 for another slave id', () => {
    const model = new RegisterModel(null, 's', 'x');
    model.setRegisters(17, 4, 0, [1, 2, 3]);
    const { request, response } = frame('fc04 read input 0x3');
    expect(answer(model, request)).toBe(response);
  });

  it('packs fc 01 coils and fc 02 inputs least significant bit first', () => {
    const model = new RegisterModel(null, 's', 'x');
    const coils = [0xcd, 0x6b, 0x05]
      .flatMap((byte) => Array.from({ length: 8 }, (_, i) => (byte >> i) & 1))
      .slice(0, 19);
    model.setRegisters(1, 1, 19, coils);
    expect(answer(model, frame('fc01 read coils 19x19').request)).toBe(frame('fc01 read coils 19x19').response);
    const inputs = [0x35, 0xdb, 0x2c]
      .flatMap((byte) => Array.from({ length: 8 }, (_, i) => (byte >> i) & 1))
      .slice(0, 22);
    model.setRegisters(1, 2, 196, inputs);
    expect(answer(model, frame('fc02 read discrete 196x22').request)).toBe(frame('fc02 read discrete 196x22').response);
  });

  it('echoes fc 05, 06, 15 and 16 as the vectors and applies the writes', () => {
    const model = new RegisterModel(null, 's', 'x');
    for (const name of [
      'fc05 write single coil 172 on',
      'fc06 write single register 2001=3',
      'fc15 write multiple coils 19x10',
      'fc16 write multiple registers 2010x2',
    ]) {
      expect(answer(model, frame(name).request)).toBe(frame(name).response);
    }
    expect(model.registers(1, 1, 172, 1, T0)).toEqual([1]);
    expect(model.registers(1, 3, 2001, 1, T0)).toEqual([3]);
    expect(model.registers(1, 1, 19, 10, T0)).toEqual([1, 0, 1, 1, 0, 0, 1, 1, 1, 0]);
    expect(model.registers(1, 3, 2010, 2, T0)).toEqual([0x4262, 0]);
  });

  it('answers every configured exception code as the vectors', () => {
    const model = new RegisterModel(null, 's', 'x');
    const requests: Record<number, Buffer> = {
      1: rtu('010100000001'),
      2: rtu('010200000001'),
      3: rtu('010300000001'),
      4: rtu('010400000001'),
      5: rtu('01050000ff00'),
      6: rtu('010600000001'),
      15: rtu('010f0000000101' + '01'),
      16: rtu('011000000001020001'),
    };
    for (const e of vectors.exceptions) {
      const request = requests[e.function];
      if (!request) continue;
      expect(answer(model, request, { strictAddresses: false, exceptionCode: e.code })).toBe(e.response);
    }
  });

  it('answers an unsupported function code with illegal function', () => {
    const model = new RegisterModel(null, 's', 'x');
    expect(answer(model, rtu('0107'))).toBe(rtu('018701').toString('hex'));
  });

  it('answers a quantity beyond the protocol limit with illegal data value', () => {
    const model = new RegisterModel(null, 's', 'x');
    expect(answer(model, rtu('0103000000' + '7e'))).toBe(rtu('018303').toString('hex'));
    expect(answer(model, rtu('010500001234'))).toBe(rtu('018503').toString('hex'));
  });

  it('answers illegal data address outside the points only in strict mode', () => {
    const model = new RegisterModel(profile(), 's', 'x');
    const request = rtu('010307d00002');
    expect(answer(model, request, { strictAddresses: true, exceptionCode: null })).toBe(rtu('018302').toString('hex'));
    expect(answer(model, rtu('010307d00001'), { strictAddresses: true, exceptionCode: null })).toMatch(/^010302/);
    expect(answer(model, request)).toMatch(/^010304/);
  });

  it('answers a range running past address 65535 with illegal data address', () => {
    const model = new RegisterModel(null, 's', 'x');
    expect(answer(model, rtu('0103ffff0002'))).toBe(rtu('018302').toString('hex'));
  });
});
