// A transparent DTU link while a DL/T 645 read is in flight: wake-up bytes, heartbeats
// before and inside the answer, answers split anywhere, late and foreign frames, broken
// checksums. The answers are built by the simulator's own encoder (simulator/meter-frames.ts),
// written apart from the codec, so a codec bug cannot be repeated on both ends.
import { describe, expect, it } from 'vitest';
import { dlt645Expectation, encodeRequest, readRequest } from '../../../../src/protocol/dlt645/index.js';
import { DtuStreamParser, type StreamEvents } from '../../../../src/protocol/dtu/stream-parser.js';
import { meterAnswerFrame } from '../../../../src/simulator/meter-frames.js';
import { link } from '../../../helpers/links.js';

const METER = '210220003011';
const OTHER = '000000000002';
const VOLTAGE_A = 0x02010100;
const CURRENT_A = 0x02020100;
const READ = readRequest('2007', METER, VOLTAGE_A);
if (READ.kind !== 'read') throw new Error('a read');
const EXPECTATION = dlt645Expectation(READ);

/** DI low byte first, then the value, as a meter sends it (the +33H is added by the encoder). */
function answer(address: string, di: number, value: readonly number[], control = 0x91): Buffer {
  const data = Buffer.alloc(4 + value.length);
  data.writeUInt32LE(di, 0);
  Buffer.from(value).copy(data, 4);
  return meterAnswerFrame(address, control, data);
}

/** The frame without the two wake-up bytes the simulated meter sends first. */
const frameOf = (wire: Buffer) => wire.subarray(2);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// 229.6 V, BCD low byte first.
const OURS = answer(METER, VOLTAGE_A, [0x96, 0x22]);

type Event = [string, ...unknown[]];

function registered() {
  const events: Event[] = [];
  const sink: StreamEvents = {
    registered: () => undefined,
    registrationFailed: (reason) => events.push(['registrationFailed', reason]),
    heartbeat: (embedded) => events.push(['heartbeat', embedded]),
    response: (buf, start, f) =>
      events.push([
        'response',
        f.kind === 'ok' ? { dataOffset: f.dataOffset, dataLength: f.dataLength } : { code: f.code },
        hex(buf.subarray(start, start + f.length)),
      ]),
    badResponse: (bytes) => events.push(['badResponse', hex(bytes)]),
    unsolicited: () => events.push(['unsolicited']),
    data: () => events.push(['data']),
    discarded: (bytes, reason) => events.push(['discarded', reason, hex(bytes)]),
    heartbeatPatternInData: () => events.push(['hbPatternInData']),
  };
  const parser = new DtuStreamParser(link(), sink, 4096);
  parser.push(Buffer.from('DTU01001'));
  parser.settle();
  parser.expect(EXPECTATION);
  const kinds = () => events.map((e) => e[0]);
  return { parser, events, kinds };
}

const DELIVERED = ['response', { dataOffset: 14, dataLength: 2 }, hex(frameOf(OURS))];

describe('a DTU link with a DL/T 645 read in flight', () => {
  it('skips the wake-up bytes and delivers the frame with the place of its value', () => {
    const h = registered();
    h.parser.push(Buffer.concat([Buffer.alloc(6, 0xfe), frameOf(OURS)]));
    expect(h.events).toEqual([DELIVERED]);
    expect(h.parser.expecting).toBe(false);
    expect(h.parser.buffered).toBe(0);
  });

  it('joins an answer split at every point, and fed one byte at a time', () => {
    for (let cut = 1; cut < OURS.length; cut++) {
      const h = registered();
      h.parser.push(OURS.subarray(0, cut));
      h.parser.push(OURS.subarray(cut));
      expect(h.events, `cut at ${cut}`).toEqual([DELIVERED]);
    }
    const h = registered();
    for (const b of OURS) h.parser.push(Buffer.of(b));
    expect(h.events).toEqual([DELIVERED]);
  });

  it('strips a heartbeat before the answer and one cut into it, and delivers the answer byte for byte', () => {
    const before = registered();
    before.parser.push(Buffer.concat([Buffer.from('HB'), OURS]));
    expect(before.events).toEqual([['heartbeat', false], DELIVERED]);

    // Anywhere after the first 68: in the address, before the second 68, in the data, before the 16.
    for (let at = 3; at < OURS.length; at++) {
      const wire = Buffer.concat([OURS.subarray(0, at), Buffer.from('HB'), OURS.subarray(at)]);
      // However TCP cut the bytes, the heartbeat's two halves included.
      for (let cut = 1; cut < wire.length; cut++) {
        const h = registered();
        h.parser.push(wire.subarray(0, cut));
        h.parser.push(wire.subarray(cut));
        expect(h.events, `heartbeat at ${at}, cut at ${cut}`).toEqual([['heartbeat', true], DELIVERED]);
        expect(h.parser.buffered).toBe(0);
      }
    }
  });

  it('counts a late answer and another meter’s frame as stray, then takes its own answer', () => {
    const h = registered();
    const late = answer(METER, CURRENT_A, [0x00, 0x50, 0x01]);
    const foreign = answer(OTHER, VOLTAGE_A, [0x00, 0x23]);
    h.parser.push(Buffer.concat([late, foreign]));
    expect(h.parser.expecting).toBe(true);
    h.parser.push(OURS);
    expect(h.events).toEqual([
      ['discarded', 'stray-frame', hex(frameOf(late))],
      ['discarded', 'stray-frame', hex(frameOf(foreign))],
      DELIVERED,
    ]);
  });

  it('takes an echo of its own request for a stray frame, never for the answer', () => {
    const h = registered();
    const echo = encodeRequest(READ, 0);
    h.parser.push(Buffer.concat([echo, OURS]));
    expect(h.events).toEqual([['discarded', 'stray-frame', hex(echo)], DELIVERED]);
  });

  it('reports its own answer with a broken checksum as a bad response and delivers nothing', () => {
    const h = registered();
    const broken = Buffer.from(OURS);
    broken[broken.length - 2] = broken[broken.length - 2]! ^ 0x10;
    h.parser.push(broken);
    expect(h.events).toEqual([['badResponse', hex(frameOf(broken))]]);
    expect(h.parser.expecting).toBe(false);
    // The retry's answer is taken as usual.
    h.parser.expect(EXPECTATION);
    h.parser.push(OURS);
    expect(h.kinds()).toEqual(['badResponse', 'response']);
  });

  it('discards another meter’s frame with a broken checksum and still finds its own answer behind it', () => {
    const h = registered();
    const broken = Buffer.from(answer(OTHER, VOLTAGE_A, [0x00, 0x23]));
    broken[broken.length - 2] = broken[broken.length - 2]! ^ 0x01;
    h.parser.push(Buffer.concat([broken, OURS]));
    expect(h.kinds()).not.toContain('badResponse');
    expect(h.events.filter((e) => e[0] === 'response')).toEqual([DELIVERED]);
    const discarded = h.events.filter((e) => e[0] === 'discarded').map((e) => e[2] as string);
    // Every byte of the broken frame is accounted for, none of the answer's.
    expect(discarded.join('')).toBe(hex(frameOf(broken)));
    expect(h.events.some((e) => e[0] === 'discarded' && e[1] === 'bad-crc')).toBe(true);
  });

  it('delivers a meter’s refusal as an exception with its error-status byte', () => {
    const h = registered();
    const refusal = meterAnswerFrame(METER, 0xd1, Buffer.of(0x02));
    h.parser.push(refusal);
    expect(h.events).toEqual([['response', { code: 0x02 }, hex(frameOf(refusal))]]);
  });

  it('delivers nothing once the read has been given up: the late answer is not a response', () => {
    const h = registered();
    h.parser.expect(null);
    h.parser.push(OURS);
    expect(h.kinds()).not.toContain('response');
    expect(h.kinds()).not.toContain('badResponse');
  });
});
