// The simulated MC port answers the reference manual's requests with the manual's answers
// (test/fixtures/mc) when its memory holds what each example reads, stores what each example
// writes, and refuses with end codes what a CPU refuses.
import { describe, expect, it } from 'vitest';
import { McServer, SIM_END_CODES } from '../../../src/simulator/mc/mc-server.js';
import { SimRequestReader, type SimInbound } from '../../../src/simulator/mc/mc-requests.js';
import { requestOf, VECTORS } from '../protocol/mc/vectors.js';

type Example = (typeof VECTORS.examples)[number];

/** Where point i of the example sits: a word, 16 bits of a bit device from a number, or one bit. */
function slot(v: Example, i: number): { kind: string; number: number; unit: 'word' | 'bit' } {
  const r = requestOf(v.request);
  const step = v.request.unit === 'word' && r.kind.unit === 'bit' ? 16 : 1;
  return { kind: r.kind.name, number: r.head + i * step, unit: v.request.unit };
}

/** A port whose memory holds what the example reads (each example is its own PLC state). */
function loaded(v: Example): McServer {
  const server = new McServer({ code: v.format });
  if (v.request.command === 'read' && v.expect.kind === 'ok')
    v.expect.values.forEach((value, i) => {
      const s = slot(v, i);
      if (s.unit === 'word') server.memory.setWord(s.kind, s.number, value);
      else server.memory.setBit(s.kind, s.number, value);
    });
  return server;
}

describe('the simulated MC port', () => {
  for (const v of VECTORS.examples.filter((e) => e.expect.kind === 'ok')) {
    it(`answers "${v.name}" as the manual prints`, () => {
      const server = loaded(v);
      const answer = server.answer(Buffer.from(v.requestHex, 'hex'));
      expect(answer?.toString('hex').toUpperCase()).toBe(v.responseHex.toUpperCase());
      (v.request.values ?? []).forEach((value, i) => {
        const s = slot(v, i);
        expect(s.unit === 'word' ? server.memory.word(s.kind, s.number) : server.memory.bit(s.kind, s.number)).toBe(
          value,
        );
      });
    });
  }

  it('reads 16 bits of a bit device per word in word units, the first in bit 0', () => {
    const server = new McServer({ code: 'binary' });
    server.memory.setBit('M', 16, 1);
    server.memory.setBit('M', 31, 1);
    const request = Buffer.from('500000FFFF03000C00100001040000100000900100', 'hex');
    expect(server.answer(request)?.subarray(11).toString('hex')).toBe('0180');
  });

  it.each([
    ['a device code it does not have', '500000FFFF03000C001000010400006400009F0300', SIM_END_CODES.device],
    ['bit units on a word device', '500000FFFF03000C00100001040100640000A80300', SIM_END_CODES.device],
    ['D12286 to D12289', '500000FFFF03000C00100001040000FE2F00A80400', SIM_END_CODES.beyondRange],
    ['961 words', '500000FFFF03000C00100001040000000000A8C103', SIM_END_CODES.pointCount],
    ['command 0403', '500000FFFF03000C00100003040000640000A80300', SIM_END_CODES.command],
    ['a write one word short', '500000FFFF03000E00100001140000640000A803009519', SIM_END_CODES.dataLength],
  ])('answers an end code for %s', (_what, hex, endCode) => {
    const answer = new McServer({ code: 'binary' }).answer(Buffer.from(hex, 'hex'));
    expect(answer?.readUInt16LE(9)).toBe(endCode);
    expect(answer?.readUInt16LE(7)).toBe(11);
  });

  it('takes up to 7,168 bits per request in binary code and 3,584 in ASCII, as the manual lists', () => {
    const binary = (points: number): Buffer => {
      const frame = Buffer.from('500000FFFF03000C00100001040100000000900000', 'hex');
      frame.writeUInt16LE(points, 19);
      return frame;
    };
    expect(new McServer({ code: 'binary' }).answer(binary(7168))?.readUInt16LE(7)).toBe(2 + 3584);
    expect(new McServer({ code: 'binary' }).answer(binary(7169))?.readUInt16LE(9)).toBe(SIM_END_CODES.pointCount);
    const ascii = (points: number): Buffer =>
      Buffer.from(`500000FF03FF000018001004010001M*000000${points.toString(16).toUpperCase().padStart(4, '0')}`);
    expect(new McServer({ code: 'ascii' }).answer(ascii(3584))?.toString('latin1', 18, 22)).toBe('0000');
    expect(new McServer({ code: 'ascii' }).answer(ascii(3585))?.toString('latin1', 18, 22)).toBe('C051');
  });

  it('answers an ASCII end code with the request echoed', () => {
    const answer = new McServer({ code: 'ascii' }).answer(Buffer.from('500000FF03FF000018001004010000D*0122860004'));
    expect(answer?.toString('latin1')).toBe('D00000FF03FF000016C05600FF03FF0004010000');
  });

  it.each(['binary', 'ascii'] as const)(
    'cuts 3E and 4E requests from one %s stream byte by byte, and ends it at a 4E header without 0000',
    (code) => {
      const frames = VECTORS.examples.filter((e) => e.format === code && e.request.command === 'read');
      const four = frames.find((e) => e.frame === '4e')!;
      const three = frames.find((e) => e.frame === undefined)!;
      const events: SimInbound[] = [];
      const reader = new SimRequestReader(code);
      for (const b of Buffer.from(three.requestHex + four.requestHex, 'hex'))
        reader.push(Buffer.from([b]), (e) => events.push(e));
      expect(events.map((e) => e.kind === 'request' && [e.serial, e.request?.points])).toEqual([
        [null, three.request.points],
        [four.serial, four.request.points],
      ]);
      const bad = Buffer.from(four.requestHex, 'hex');
      bad[code === 'binary' ? 4 : 11] = code === 'binary' ? 1 : 0x31;
      const after: SimInbound[] = [];
      new SimRequestReader(code).push(bad, (e) => after.push(e));
      expect(after).toEqual([{ kind: 'bad-header' }]);
    },
  );
});
