import { describe, expect, it } from 'vitest';
import {
  checkAnswer,
  decodeErrorStatus,
  decodeValue,
  Dlt645Splitter,
  type Dlt645Frame,
  identifierByName,
  readRequest,
} from '../../../../src/protocol/dlt645/index.js';
import { bytes, toRequest, vectors } from './vectors.js';

function frameOf(hex: string | Buffer): Dlt645Frame {
  const [item] = new Dlt645Splitter().push(typeof hex === 'string' ? bytes(hex) : hex);
  if (item?.kind !== 'frame') throw new Error(`not a frame: ${JSON.stringify(item)}`);
  return item.frame;
}

const ENERGY_2007 = readRequest('2007', '112233445566', 0x00010000);
const ENERGY_ANSWER = '68 66 55 44 33 22 11 68 91 08 33 33 34 33 AB 89 67 45 7B 16';

describe('DL/T 645 answers', () => {
  for (const vector of vectors.answers) {
    it(`match the fixture: ${vector.name}`, () => {
      const request = toRequest(vector.request);
      const answer = checkAnswer(request, frameOf(vector.hex));
      const expected = vector.expect;
      if (expected.kind === 'data') {
        expect(answer.kind).toBe('data');
        if (answer.kind !== 'data' || request.kind !== 'read') return;
        const identifier = identifierByName(request.version, expected.identifier);
        expect(identifier?.di).toBe(request.di);
        const value = decodeValue(identifier!, answer.data);
        if (expected.error) expect(value).toEqual({ ok: false, reason: expected.error });
        else expect(value).toEqual({ ok: true, value: expected.value });
      } else {
        expect(answer).toMatchObject(expected);
      }
    });
  }

  it('refuse an answer from another meter', () => {
    const other = frameOf('68 01 00 00 00 00 00 68 91 08 33 33 34 33 AB 89 67 45 17 16');
    expect(checkAnswer(ENERGY_2007, other)).toEqual({ kind: 'mismatch', reason: 'address' });
  });

  it('refuse an answer for another identifier', () => {
    const voltage = frameOf('68 66 55 44 33 22 11 68 91 06 33 34 34 35 34 55 25 16');
    expect(checkAnswer(ENERGY_2007, voltage)).toEqual({ kind: 'mismatch', reason: 'identifier' });
  });

  it('refuse the echo of the request itself', () => {
    const echo = frameOf('68 66 55 44 33 22 11 68 11 04 33 33 34 33 17 16');
    expect(checkAnswer(ENERGY_2007, echo)).toEqual({ kind: 'mismatch', reason: 'direction' });
  });

  it('refuse a 1997 answer to a 2007 read', () => {
    const old = frameOf('68 66 55 44 33 22 11 68 81 06 43 C3 AB 89 67 45 A2 16');
    expect(checkAnswer(ENERGY_2007, old)).toEqual({ kind: 'mismatch', reason: 'function' });
  });

  it('refuse an error answer whose data is not one status byte', () => {
    const long = frameOf('68 66 55 44 33 22 11 68 D1 02 35 33 70 16');
    expect(checkAnswer(ENERGY_2007, long)).toEqual({ kind: 'mismatch', reason: 'length' });
  });

  it('refuse a read-address answer whose data names another meter than its header', () => {
    const odd = frameOf('68 66 55 44 33 22 11 68 93 06 34 33 33 33 33 33 01 16');
    expect(checkAnswer({ kind: 'read-address', version: '2007' }, odd)).toEqual({
      kind: 'mismatch',
      reason: 'address',
    });
  });

  it('accept any meter for a read through the wildcard', () => {
    const request = readRequest('2007', 'AAAAAAAAAAAA', 0x00010000);
    expect(checkAnswer(request, frameOf(ENERGY_ANSWER))).toMatchObject({ kind: 'data', address: '112233445566' });
  });

  it('expect no answer to a broadcast', () => {
    const time = { year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    const answer = checkAnswer({ kind: 'broadcast-time', version: '2007', time }, frameOf(ENERGY_ANSWER));
    expect(answer).toEqual({ kind: 'mismatch', reason: 'unsolicited' });
  });

  it('flag a follow-up frame', () => {
    const followUp = frameOf('68 66 55 44 33 22 11 68 B1 08 33 33 34 33 AB 89 67 45 9B 16');
    expect(checkAnswer(ENERGY_2007, followUp)).toMatchObject({ kind: 'data', followUp: true });
  });
});

describe('DL/T 645 error status', () => {
  it('names every 2007 bit', () => {
    expect(decodeErrorStatus('2007', 0x7f)).toEqual([
      'other error',
      'no data requested',
      'password error or unauthorised',
      'communication rate cannot change',
      'year time zone number exceeded',
      'day period number exceeded',
      'tariff number exceeded',
    ]);
    expect(decodeErrorStatus('2007', 0x04)).toEqual(['password error or unauthorised']);
  });

  it('names the 1997 bits, which differ in bits 0, 1 and 3', () => {
    expect(decodeErrorStatus('1997', 0x03)).toEqual(['illegal data', 'data identifier error']);
    expect(decodeErrorStatus('1997', 0x08)).toEqual(['reserved bit']);
    expect(decodeErrorStatus('1997', 0x40)).toEqual(['tariff number exceeded']);
  });

  it('still reports a refusal whose status byte is empty', () => {
    expect(decodeErrorStatus('2007', 0)).toEqual(['other error']);
  });
});
