// The MC 3E and 4E codec against the reference manual's examples (test/fixtures/mc/README.md):
// requests encode to the printed bytes, printed answers decode to the printed values, and
// answers that do not fit the request give no value.
import { describe, expect, it } from 'vitest';
import {
  McResponseSplitter,
  OWN_STATION,
  decodeValue,
  encodeRequest,
  encodeValue,
  formatEndCode,
  formatMcAddress,
  parseMcAddress,
  parseResponse,
  rawHex,
  readAnswer,
} from '../../../../src/protocol/mc/index.js';
import { framingOf, requestOf, VECTORS } from './vectors.js';

const TIMER = { monitoringTimer: 0x10 };

describe('MC 3E and 4E frames from the reference manual', () => {
  for (const v of VECTORS.examples) {
    const framing = framingOf(v);
    it(`encodes the request of "${v.name}"`, () => {
      expect(
        encodeRequest(v.format, requestOf(v.request), { ...TIMER, ...framing })
          .toString('hex')
          .toUpperCase(),
      ).toBe(v.requestHex.toUpperCase());
    });

    it(`reads the answer of "${v.name}"`, () => {
      const response = parseResponse(v.format, Buffer.from(v.responseHex, 'hex'), framing.frame);
      expect(response).not.toBeNull();
      expect(response!.serial).toBe(framing.serial ?? null);
      const answer = readAnswer(v.format, requestOf(v.request), OWN_STATION, response!, framing.serial);
      expect(answer).toEqual(v.expect.kind === 'ok' ? v.expect : { kind: 'end-code', endCode: v.expect.endCode });
    });
  }

  for (const v of VECTORS.mismatched) {
    it(`gives no value for ${v.name}`, () => {
      const framing = framingOf(v);
      const response = parseResponse(v.format, Buffer.from(v.responseHex, 'hex'), framing.frame);
      const answer = response && readAnswer(v.format, requestOf(v.request), OWN_STATION, response, framing.serial);
      expect(answer === null || answer.kind === 'mismatch').toBe(true);
    });
  }

  // The 4E answers are constructed (fixtures README); two public clients written without this
  // code agree on where their fields sit: pymcprotocol's Type4E reads the end code at byte 13
  // (character 26) and the data from byte 15 (character 30), and a Java MELSEC server
  // (MelsecPLC_NettyServer) frames the answer with D4 00, the serial low byte first and 00 00
  // ("D400", four hex digits, "0000" in ASCII). Read at those places, every 4E fixture says
  // what the codec reads from it.
  for (const v of VECTORS.examples.filter((e) => e.frame === '4e')) {
    it(`finds the fields of "${v.name}" where independent clients look for them`, () => {
      const frame = Buffer.from(v.responseHex, 'hex');
      const text = frame.toString('latin1');
      const binary = v.format === 'binary';
      const word = binary
        ? (at: number) => frame.readUInt16LE(at)
        : (at: number) => parseInt(text.slice(at, at + 4), 16);
      const [subheader, serialAt, fixed, endCodeAt, dataAt, wordSize] = binary
        ? [frame.subarray(0, 2).toString('hex'), 2, frame.subarray(4, 6).toString('hex'), 13, 15, 2]
        : [text.slice(0, 4), 4, text.slice(8, 12), 26, 30, 4];
      expect([subheader.toUpperCase(), word(serialAt), fixed]).toEqual(['D400', v.serial, '0000']);
      if (v.expect.kind === 'end-code') {
        expect(word(endCodeAt)).toBe(v.expect.endCode);
        return;
      }
      expect(word(endCodeAt)).toBe(0);
      if (v.request.command === 'read' && v.request.unit === 'word') {
        const words = Array.from({ length: v.request.points }, (_, i) => word(dataAt + i * wordSize));
        expect(words).toEqual(v.expect.values);
        expect(frame.length).toBe(dataAt + v.request.points * wordSize);
      } else if (v.request.command === 'write') {
        expect(frame.length).toBe(dataAt);
      }
    });
  }

  it('names the serial a 4E answer carries when it is not the one in flight', () => {
    const v = VECTORS.examples.find((e) => e.frame === '4e' && e.format === 'binary' && e.expect.kind === 'ok')!;
    const response = parseResponse('binary', Buffer.from(v.responseHex, 'hex'), '4e')!;
    expect(readAnswer('binary', requestOf(v.request), OWN_STATION, response, v.serial! + 1)).toEqual({
      kind: 'mismatch',
      problem: `answer to serial ${v.serial}, expected ${v.serial! + 1}`,
    });
  });

  it('puts the serial in a 4E request as the manual prints it: 54 00 34 12 00 00 / "540012340000"', () => {
    const request = requestOf({ command: 'read', unit: 'word', address: 'D0', points: 1 });
    const options = { ...TIMER, frame: '4e', serial: 0x1234 } as const;
    expect(encodeRequest('binary', request, options).subarray(0, 6).toString('hex')).toBe('540034120000');
    expect(encodeRequest('ascii', request, options).toString('latin1', 0, 12)).toBe('540012340000');
    expect(() => encodeRequest('binary', request, { ...options, serial: 0x10000 })).toThrow(RangeError);
  });

  it('takes one trailing 0 after an odd number of ASCII bits as padding, and nothing else', () => {
    const request = requestOf({ command: 'read', unit: 'bit', address: 'M100', points: 3 });
    const answer = (data: string) => {
      const body = `0000${data}`;
      const frame = `D00000FF03FF00${body.length.toString(16).toUpperCase().padStart(4, '0')}${body}`;
      return readAnswer('ascii', request, OWN_STATION, parseResponse('ascii', Buffer.from(frame, 'latin1'))!);
    };
    expect(answer('101')).toEqual({ kind: 'ok', values: [1, 0, 1] });
    expect(answer('1010')).toEqual({ kind: 'ok', values: [1, 0, 1] });
    expect(answer('1011')).toMatchObject({ kind: 'mismatch' });
    expect(answer('10100')).toMatchObject({ kind: 'mismatch' });
  });

  it('prints an end code as the manuals do', () => {
    expect(formatEndCode(0xc051)).toBe('C051H');
    expect(formatEndCode(0x55)).toBe('0055H');
  });
});

describe('MC addresses', () => {
  it.each([
    ['D100', 'D', 100],
    ['M10', 'M', 10],
    ['X1F', 'X', 31],
    ['y20', 'Y', 32],
    ['W1A', 'W', 26],
    ['R2000', 'R', 2000],
  ])('reads %s as %s number %i and prints it back', (text, kind, number) => {
    const parsed = parseMcAddress(text);
    expect(parsed.ok && [parsed.address.kind.name, parsed.address.number]).toEqual([kind, number]);
    if (parsed.ok) expect(formatMcAddress(parsed.address.kind, parsed.address.number)).toBe(text.toUpperCase());
  });

  it.each([['D1A'], ['Z100'], ['D'], ['100'], ['D-1'], ['D1000000'], ['XFFFFFFF']])(
    'refuses %s with a reason',
    (text) => {
      const parsed = parseMcAddress(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.problem).toContain(text);
    },
  );
});

describe('MC value types', () => {
  it('reads 32-bit values low word first', () => {
    expect(decodeValue('int32', [0xfffe, 0xffff], 0)).toBe(-2);
    expect(decodeValue('uint32', [0x5678, 0x1234], 0)).toBe(0x12345678);
    expect(decodeValue('float32', [0x0000, 0x3fc0], 0)).toBe(1.5);
    expect(rawHex('float32', [0x0000, 0x3fc0], 0)).toBe('00003fc0');
    expect(decodeValue('int16', [0x8000], 0)).toBe(-32768);
  });

  it('encodes what it decodes and refuses what a type cannot hold', () => {
    for (const [type, raw] of [
      ['int16', -1234],
      ['uint16', 65535],
      ['int32', -100000],
      ['uint32', 4000000000],
      ['float32', 21.5],
    ] as const) {
      const encoded = encodeValue(type, raw);
      expect(encoded.ok && decodeValue(type, encoded.words, 0)).toBe(raw);
    }
    expect(encodeValue('int16', 32768)).toMatchObject({ ok: false });
    expect(encodeValue('uint16', -1)).toMatchObject({ ok: false });
    expect(encodeValue('bit', 2)).toMatchObject({ ok: false });
    expect(encodeValue('float32', Infinity)).toMatchObject({ ok: false });
  });
});

describe('the MC response splitter', () => {
  const [binary, ascii] = ['binary', 'ascii'].map((f) => VECTORS.examples.find((v) => v.format === f)!);

  it('finds a binary answer split into single bytes after junk', () => {
    const splitter = new McResponseSplitter('binary');
    const bytes = Buffer.concat([Buffer.from('junk\xd0', 'latin1'), Buffer.from(binary!.responseHex, 'hex')]);
    const items = [...bytes].flatMap((b) => splitter.push(Buffer.from([b])));
    expect(items.filter((i) => i.kind === 'response')).toHaveLength(1);
    expect(items.filter((i) => i.kind === 'junk').reduce((n, i) => n + (i.kind === 'junk' ? i.bytes : 0), 0)).toBe(5);
    expect(splitter.pending).toBe(0);
  });

  it('finds two ASCII answers in one chunk', () => {
    const splitter = new McResponseSplitter('ascii');
    const one = Buffer.from(ascii!.responseHex, 'hex');
    expect(splitter.push(Buffer.concat([one, one])).filter((i) => i.kind === 'response')).toHaveLength(2);
  });

  it('finds 4E answers only when set to 4E, and 3E answers only when set to 3E', () => {
    const four = VECTORS.examples.find((e) => e.frame === '4e' && e.format === 'binary')!;
    const three = VECTORS.examples.find((e) => e.frame === undefined && e.format === 'binary')!;
    const both = Buffer.from(three.responseHex + four.responseHex, 'hex');
    const found = (frame: '3e' | '4e') =>
      new McResponseSplitter('binary', frame).push(both).flatMap((i) => (i.kind === 'response' ? [i.response] : []));
    expect(found('4e').map((r) => r.serial)).toEqual([four.serial]);
    expect(found('3e').map((r) => r.serial)).toEqual([null]);
  });

  it('never holds more than one frame of a header that claims too much', () => {
    const splitter = new McResponseSplitter('binary');
    splitter.push(Buffer.from('D00000FFFF0300FFFF', 'hex'));
    splitter.push(Buffer.alloc(100_000, 0xd0));
    expect(splitter.pending).toBeLessThan(2_000);
  });
});
