import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DtuStreamParser, type StreamEvents } from '../../../../src/protocol/dtu/stream-parser.js';
import { expectationFor } from '../../../../src/protocol/modbus/response.js';
import { crc16 } from '../../../../src/protocol/modbus/crc.js';
import {
  encodeReadRequest,
  encodeWriteMultipleCoils,
  encodeWriteMultipleRegisters,
  encodeWriteSingleCoil,
  encodeWriteSingleRegister,
} from '../../../../src/protocol/modbus/request.js';
import { asciiRegistration, hbRule, link, typedDefaults } from '../../../helpers/links.js';
import type { LinkConfig } from '../../../../src/domain/config.js';

function requestFor(fn: number): Buffer {
  if (fn >= 1 && fn <= 4) return encodeReadRequest(1, fn as 1 | 2 | 3 | 4, 0, 1);
  if (fn === 5) return encodeWriteSingleCoil(1, 0, true);
  if (fn === 6) return encodeWriteSingleRegister(1, 0, 1);
  if (fn === 15) return encodeWriteMultipleCoils(1, 0, [true]);
  return encodeWriteMultipleRegisters(1, 0, [1]);
}

const vectors = JSON.parse(readFileSync(new URL('../../../fixtures/modbus-vectors.json', import.meta.url), 'utf8')) as {
  frames: { name: string; request: string; response: string }[];
  exceptions: { function: number; code: number; response: string }[];
};
const frame = (name: string) => vectors.frames.find((f) => f.name.startsWith(name))!;
const hex = (s: string) => Buffer.from(s, 'hex');
const withCrc = (body: Buffer) => {
  const c = crc16(body);
  return Buffer.concat([body, Buffer.from([c & 0xff, c >> 8])]);
};

const read10 = frame('fc03 read holding 2000x10');
const REQ = hex(read10.request);
const RESP = hex(read10.response);
const read15 = frame('fc03 read holding 2200x15');

type Event = [string, ...unknown[]];

function harness(config: LinkConfig = link()) {
  const events: Event[] = [];
  const sink: StreamEvents = {
    registered: (id, raw) => events.push(['registered', id, Buffer.from(raw).toString('hex')]),
    registrationFailed: (reason) => events.push(['registrationFailed', reason]),
    heartbeat: (embedded) => events.push(['heartbeat', embedded]),
    response: (buf, start, f) =>
      events.push(['response', f.kind, Buffer.from(buf.subarray(start, start + f.length)).toString('hex')]),
    badResponse: (bytes) => events.push(['badResponse', Buffer.from(bytes).toString('hex')]),
    unsolicited: (buf, start, f) =>
      events.push(['unsolicited', Buffer.from(buf.subarray(start, start + f.length)).toString('hex')]),
    data: (payload) => events.push(['data', Buffer.from(payload).toString('hex')]),
    discarded: (bytes, reason) => events.push(['discarded', reason, Buffer.from(bytes).toString('hex')]),
    heartbeatPatternInData: () => events.push(['hbPatternInData']),
  };
  const parser = new DtuStreamParser(config, sink, 4096);
  const kinds = () => events.map((e) => e[0]);
  return { parser, events, kinds };
}

function registered(config?: LinkConfig) {
  const h = harness(config);
  h.parser.push(Buffer.from('DTU01001'));
  h.parser.settle();
  h.events.length = 0;
  return h;
}

describe('registration', () => {
  it('accepts a whole ASCII packet once the line goes idle', () => {
    const h = harness();
    h.parser.push(Buffer.from('DTU0'));
    h.parser.push(Buffer.from('1001'));
    expect(h.events).toEqual([]);
    expect(h.parser.awaitingIdle).toBe(true);
    h.parser.settle();
    expect(h.events).toEqual([['registered', 'DTU01001', Buffer.from('DTU01001').toString('hex')]]);
  });

  it('splits a registration merged with the first heartbeat', () => {
    const h = harness();
    h.parser.push(Buffer.from('DTU01001HB'));
    h.parser.settle();
    expect(h.kinds()).toEqual(['registered', 'heartbeat']);
    expect(h.events[0]![1]).toBe('DTU01001');
  });

  it('ends an ASCII registration at \\0, \\r or \\n, taken with the ID, and parses the rest', () => {
    const h = harness();
    h.parser.push(Buffer.from('DTU7'));
    h.parser.expect(null);
    h.parser.push(Buffer.concat([Buffer.from('X'), hex('00'), Buffer.from('HB')]));
    expect(h.events).toEqual([
      ['registered', 'DTU7X', Buffer.from('DTU7X\0').toString('hex')],
      ['heartbeat', false],
    ]);
  });

  it('rejects an ASCII run followed by a byte that ends no ID (junk, or data a pattern must delimit)', () => {
    const h = harness();
    h.parser.push(Buffer.concat([Buffer.from('DTU099988o'), hex('93a6012e')]));
    expect(h.events).toEqual([['registrationFailed', 'bad-character']]);
  });

  it('with the device known in advance (a serial device server), parses responses from the first byte', () => {
    const h = harness(link({ heartbeat: null }));
    h.parser.assume('RTU-01');
    expect(h.parser.id).toBe('RTU-01');
    h.parser.expect(expectationFor(REQ));
    h.parser.push(RESP.subarray(0, 4));
    h.parser.push(RESP.subarray(4));
    expect(h.events).toEqual([['response', 'ok', RESP.toString('hex')]]);
  });

  it('rejects garbage before registration', () => {
    const h = harness();
    h.parser.push(hex('ff0013'));
    expect(h.events).toEqual([['registrationFailed', 'bad-character']]);
  });

  it('rejects an oversized ASCII registration', () => {
    const h = harness();
    h.parser.push(Buffer.from('A'.repeat(41)));
    h.parser.settle();
    expect(h.events).toEqual([['registrationFailed', 'too-long']]);
  });

  it('reads the user example 4-byte big-endian ID as its decimal string', () => {
    const h = harness(link({ registration: { type: 'integer', bytes: 4, endian: 'big', mode: 'once' } }));
    h.parser.push(hex('0000'));
    expect(h.events).toEqual([]);
    h.parser.push(hex('1b59'));
    expect(h.events).toEqual([['registered', '7001', '00001b59']]);
  });

  it('reads a hex ID after its prefix and refuses a wrong prefix', () => {
    const rule = { type: 'hex' as const, length: 6, prefix: hex('aa55'), mode: 'once' as const };
    const ok = harness(link({ registration: rule }));
    ok.parser.push(hex('aa55a1b2c3d4e5f6'));
    expect(ok.events).toEqual([['registered', 'A1B2C3D4E5F6', 'aa55a1b2c3d4e5f6']]);
    const bad = harness(link({ registration: rule }));
    bad.parser.push(hex('ab'));
    expect(bad.events).toEqual([['registrationFailed', 'bad-prefix']]);
  });

  it('extracts the ID with a regex capture group and a terminator', () => {
    const pattern = harness(link({ registration: { ...asciiRegistration, pattern: /^REG:([0-9A-Z]+);/ } }));
    pattern.parser.push(Buffer.from('REG:ABC123;HB'));
    expect(pattern.kinds()).toEqual(['registered', 'heartbeat']);
    expect(pattern.events[0]![1]).toBe('ABC123');
    const term = harness(link({ registration: { ...asciiRegistration, terminator: Buffer.from('\r\n') } }));
    term.parser.push(Buffer.from('IMEI8613\r'));
    expect(term.events).toEqual([]);
    term.parser.push(Buffer.from('\n'));
    expect(term.events[0]![1]).toBe('IMEI8613');
  });
});

describe('transparent responses', () => {
  it('matches a response split byte by byte to the request in flight', () => {
    const h = registered();
    h.parser.expect(expectationFor(REQ));
    for (let i = 0; i < RESP.length - 1; i++) h.parser.push(RESP.subarray(i, i + 1));
    expect(h.events).toEqual([]);
    h.parser.push(RESP.subarray(RESP.length - 1));
    expect(h.events).toEqual([['response', 'ok', read10.response]]);
    expect(h.parser.expecting).toBe(false);
  });

  it('keeps the bytes merged after a response for the next step', () => {
    const h = registered();
    h.parser.expect(expectationFor(REQ));
    h.parser.push(Buffer.concat([RESP, Buffer.from('HB')]));
    expect(h.kinds()).toEqual(['response', 'heartbeat']);
  });

  it('strips a heartbeat that arrives in the middle of a response', () => {
    const h = registered();
    h.parser.expect(expectationFor(REQ));
    h.parser.push(Buffer.concat([RESP.subarray(0, 9), Buffer.from('HB'), RESP.subarray(9)]));
    expect(h.events).toEqual([
      ['heartbeat', true],
      ['response', 'ok', read10.response],
    ]);
  });

  it('strips a heartbeat inside a response that arrives in chunks', () => {
    const h = registered();
    h.parser.expect(expectationFor(REQ));
    const wire = Buffer.concat([RESP.subarray(0, 5), Buffer.from('HB'), RESP.subarray(5)]);
    for (let i = 0; i < wire.length; i += 3) h.parser.push(wire.subarray(i, i + 3));
    expect(h.events).toEqual([
      ['heartbeat', true],
      ['response', 'ok', read10.response],
    ]);
  });

  it('waits for a heartbeat cut in two right after the slave byte (found by the fuzz tests)', () => {
    const h = registered();
    h.parser.expect(expectationFor(REQ));
    const wire = Buffer.concat([RESP.subarray(0, 1), Buffer.from('HB'), RESP.subarray(1)]);
    h.parser.push(wire.subarray(0, 2)); // the slave byte and "H"
    expect(h.events).toEqual([]);
    h.parser.push(wire.subarray(2));
    expect(h.events).toEqual([
      ['heartbeat', true],
      ['response', 'ok', read10.response],
    ]);
  });

  it('takes a heartbeat that comes before the response starts', () => {
    const h = registered();
    h.parser.expect(expectationFor(REQ));
    h.parser.push(Buffer.from('H'));
    h.parser.push(Buffer.concat([Buffer.from('B'), RESP]));
    expect(h.events).toEqual([
      ['heartbeat', false],
      ['response', 'ok', read10.response],
    ]);
  });

  it('keeps register data equal to the heartbeat pattern when the CRC says it is data', () => {
    // A response whose registers contain 0x4842 ("HB"): the frame as it stands is valid.
    const h = registered();
    const request = withCrc(hex('010300000001'));
    const response = withCrc(hex('0103024842'));
    h.parser.expect(expectationFor(request));
    h.parser.push(response);
    expect(h.events).toEqual([['hbPatternInData'], ['response', 'ok', response.toString('hex')]]);
  });

  it('reports a response with a wrong CRC as a bad response, never as data', () => {
    const h = registered();
    h.parser.expect(expectationFor(REQ));
    const broken = Buffer.from(RESP);
    broken[broken.length - 1] = broken[broken.length - 1]! ^ 0xff;
    h.parser.push(broken);
    expect(h.events).toEqual([['badResponse', broken.toString('hex')]]);
    expect(h.parser.expecting).toBe(false);
  });

  it('discards a frame from another slave and still takes the real answer behind it', () => {
    const h = registered();
    const other = hex(frame('fc04 read input 0x3').response); // slave 17
    h.parser.expect(expectationFor(REQ));
    h.parser.push(Buffer.concat([other, RESP]));
    expect(h.events).toEqual([
      ['discarded', 'stray-frame', other.toString('hex')],
      ['response', 'ok', read10.response],
    ]);
  });

  it('discards a late answer to an earlier request (same slave and function, other length)', () => {
    const h = registered();
    const late = hex(read15.response);
    h.parser.expect(expectationFor(REQ));
    h.parser.push(late);
    expect(h.events).toEqual([['discarded', 'stray-frame', read15.response]]);
    expect(h.parser.expecting).toBe(true);
    h.parser.push(RESP);
    expect(h.events.at(-1)).toEqual(['response', 'ok', read10.response]);
  });

  it('treats an answer with the wrong function code as stray', () => {
    const h = registered();
    const coils = hex(frame('fc01 read coils').response);
    h.parser.expect(expectationFor(REQ));
    h.parser.push(coils);
    expect(h.events).toEqual([['discarded', 'stray-frame', coils.toString('hex')]]);
  });

  it('recognises every exception response of the fixture for its function', () => {
    for (const ex of vectors.exceptions) {
      const h = registered();
      h.parser.expect(expectationFor(requestFor(ex.function)));
      h.parser.push(hex(ex.response));
      expect(h.events).toEqual([['response', 'exception', ex.response]]);
    }
  });

  it('discards a response that arrives after the request timed out', () => {
    const h = registered();
    h.parser.expect(expectationFor(REQ));
    h.parser.expect(null); // the session gave up on it
    h.parser.push(RESP);
    expect(h.events).toEqual([['discarded', 'stray-frame', read10.response]]);
  });

  it('drops garbage bytes after registration as one counted run', () => {
    const h = registered();
    h.parser.push(hex('fffefd00'));
    expect(h.events).toEqual([['discarded', 'garbage', 'fffefd00']]);
  });

  it('skips garbage in front of the expected response', () => {
    const h = registered();
    h.parser.expect(expectationFor(REQ));
    h.parser.push(Buffer.concat([hex('fffe'), RESP]));
    expect(h.events).toEqual([
      ['discarded', 'garbage', 'fffe'],
      ['response', 'ok', read10.response],
    ]);
  });

  it('discards input that grows past the buffer limit', () => {
    const h = registered();
    h.parser.expect(expectationFor(hex(frame('fc03 read holding 2000x100').request)));
    // A plausible header that never completes: bytes are held, then dropped at the cap.
    const parser = h.parser;
    for (let i = 0; i < 30; i++) parser.push(Buffer.concat([hex('0103c8'), Buffer.alloc(200, 0x01)]));
    expect(h.events.some((e) => e[0] === 'discarded')).toBe(true);
    expect(parser.buffered).toBeLessThanOrEqual(4096);
  });
});

describe('data-carry registration prefix', () => {
  it('strips the registration bytes in front of every packet', () => {
    const h = harness(link({ registration: { ...asciiRegistration, mode: 'every-packet', length: 8 } }));
    h.parser.push(Buffer.from('DTU01001'));
    h.parser.expect(expectationFor(REQ));
    h.parser.push(Buffer.concat([Buffer.from('DTU01001'), RESP.subarray(0, 10)]));
    h.parser.push(RESP.subarray(10));
    h.parser.push(Buffer.from('DTU01001HB'));
    expect(h.kinds()).toEqual(['registered', 'response', 'heartbeat']);
  });
});

describe('typed framing (the user design)', () => {
  const typed = link({
    framing: 'typed',
    registration: { type: 'integer', bytes: 4, endian: 'big', mode: 'once' },
    heartbeat: null,
    typed: typedDefaults,
  });

  it('reads heartbeats, data and wrapped Modbus responses', () => {
    const h = harness(typed);
    h.parser.push(hex('00001b59'));
    h.parser.expect(expectationFor(REQ));
    const wrapped = Buffer.concat([Buffer.from([0x04, RESP.length]), RESP]);
    h.parser.push(Buffer.concat([hex('0200'), hex('0302abcd'), wrapped.subarray(0, 4)]));
    h.parser.push(wrapped.subarray(4));
    expect(h.events).toEqual([
      ['registered', '7001', '00001b59'],
      ['heartbeat', false],
      ['data', 'abcd'],
      ['response', 'ok', read10.response],
    ]);
  });

  it('drops a message of unknown type', () => {
    const h = harness(typed);
    h.parser.push(hex('00001b59'));
    h.parser.push(hex('0902aabb'));
    expect(h.events.at(-1)).toEqual(['discarded', 'unknown-type', '0902aabb']);
  });
});

describe('unsolicited framing', () => {
  it('delivers pushed responses and resynchronises after noise', () => {
    const h = harness(link({ framing: 'unsolicited', heartbeat: hbRule }));
    h.parser.push(Buffer.from('DTU9'));
    h.parser.settle();
    h.parser.push(Buffer.concat([RESP, hex('ff'), Buffer.from('HB'), RESP.subarray(0, 7)]));
    h.parser.push(RESP.subarray(7));
    expect(h.kinds()).toEqual(['registered', 'unsolicited', 'discarded', 'heartbeat', 'unsolicited']);
  });
});
