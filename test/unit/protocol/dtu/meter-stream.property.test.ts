// A meter's answer can be anything by the time it reaches dtuhub: noise on the RS-485 bus,
// a DTU cutting it into packets with a heartbeat between them, a late answer, another
// meter, a frame that lost its tail. Property tests (fast-check) feed arbitrary, malformed,
// truncated and mutated answers in arbitrary chunks to a DTU link with a meter read in
// flight, and turn whatever the link delivers into a stored value the way the poller does:
// nothing throws, and a value comes only out of a frame that is valid for the request,
// judged by the simulator's decoder (written apart from the codec). FUZZ_RUNS and
// FUZZ_SEED search harder, as in ../fuzz.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MeterRead } from '../../../../src/domain/config.js';
import type { PointDef } from '../../../../src/domain/point.js';
import { MeterPoll, meterAnswer, type DiscoveredAddresses } from '../../../../src/polling/meter-polls.js';
import { decodeValue, DLT645_IDENTIFIERS } from '../../../../src/protocol/dlt645/index.js';
import { DtuStreamParser, type StreamEvents } from '../../../../src/protocol/dtu/stream-parser.js';
import { bcdBytes, meterAnswerFrame, readMeterFrame } from '../../../../src/simulator/meter-frames.js';
import { cutAt } from '../../../helpers/cut.js';
import { link } from '../../../helpers/links.js';

const RUNS = { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed: Number(process.env.FUZZ_SEED ?? 20_261_208) };
const MAX_INPUT = 4096;
const METER = '210220003011';
const OTHER = '000000000002';
const VOLTAGE = DLT645_IDENTIFIERS['2007'].get('voltage.a')!;
const CURRENT = DLT645_IDENTIFIERS['2007'].get('current.a')!;

const read: MeterRead = {
  slave: 1,
  meter: { version: '2007', address: METER },
  point: {
    name: 'voltage',
    slave: 1,
    fn: 3,
    address: VOLTAGE.di,
    type: 'float64',
    order: 'ABCD',
    registers: 0,
    scale: 1,
    offset: 0,
    identifier: {
      name: VOLTAGE.name,
      di: VOLTAGE.di,
      kind: VOLTAGE.kind,
      length: VOLTAGE.length,
      decimals: VOLTAGE.decimals,
      signed: VOLTAGE.signed,
    },
  } as PointDef,
};
/** The same meter with `discover`: its read goes out as the read-address question. */
const discoverRead: MeterRead = { ...read, meter: { version: '2007', address: null } };

/** A read answer as the meter sends it: identifier low byte first, then the value bytes. */
function answer(address: string, di: number, value: readonly number[], control = 0x91): Buffer {
  const data = Buffer.alloc(4 + value.length);
  data.writeUInt32LE(di, 0);
  Buffer.from(value).copy(data, 4);
  return meterAnswerFrame(address, control, data);
}

/** Each frame the link may see, valid or not for the request. */
const value = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 0, maxLength: 5 });
const address = fc.constantFrom(METER, OTHER, 'AAAAAAAAAAAA', '999999999999');
const goodFrame = fc.oneof(
  value.map((v) => answer(METER, VOLTAGE.di, v)),
  fc.tuple(address, value).map(([a, v]) => answer(a, VOLTAGE.di, v)),
  fc.tuple(address, value).map(([a, v]) => answer(a, CURRENT.di, v)),
  fc
    .tuple(address, fc.integer({ min: 0, max: 255 }))
    .map(([a, status]) => meterAnswerFrame(a, 0xd1, Buffer.of(status))),
  // Read-address answers: the address the meter gives in its data, from the header's or another.
  fc.tuple(address, address).map(([from, told]) => meterAnswerFrame(from, 0x93, addressBytes(told))),
  // Our own request echoed, a master's frame.
  value.map((v) => answer(METER, VOLTAGE.di, v, 0x11)),
);

function addressBytes(printed: string): Buffer {
  const out = Buffer.alloc(6);
  for (let k = 0; k < 6; k++) out[k] = Number.parseInt(printed.slice(10 - 2 * k, 12 - 2 * k), 16);
  return out;
}

/** A frame damaged: a byte changed, a byte dropped, or its tail cut off. */
const damaged = fc.oneof(
  fc.tuple(goodFrame, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([f, at, delta]) => {
    const out = Buffer.from(f);
    out[at % out.length] = (out[at % out.length]! + delta) & 0xff;
    return out;
  }),
  fc
    .tuple(goodFrame, fc.nat())
    .map(([f, at]) => Buffer.concat([f.subarray(0, at % f.length), f.subarray((at % f.length) + 1)])),
  fc.tuple(goodFrame, fc.nat()).map(([f, at]) => f.subarray(0, at % f.length)),
);
const noise = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x68, 0x16, 0xfe, 0x91, 0x33, 0x48, 0x42)), {
    maxLength: 30,
  })
  .map((b) => Buffer.from(b));
const piece = fc.oneof(goodFrame, damaged, noise, fc.constant(Buffer.from('HB')), fc.constant(Buffer.alloc(4, 0xfe)));
/** The pieces back to back, cut at arbitrary points. */
const wire = fc
  .tuple(fc.array(piece, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }))
  .map(([pieces, cuts]) => cutAt(Buffer.concat(pieces), cuts));

/**
 * What a valid answer to `poll`'s request is, judged by the simulator's decoder: the exact
 * frame, its checksum and end byte, from the meter asked, for the identifier asked.
 */
function validFor(poll: MeterPoll, frame: Buffer): boolean {
  const decoded = readMeterFrame(frame, 0);
  if (typeof decoded === 'string' || decoded.length !== frame.length) return false;
  const { address: from, control, data } = decoded.frame;
  if (poll.address === null) {
    // Read address: 93H with the six bytes of the address the meter answers from, or its refusal.
    if (control === 0xd3) return data.length === 1;
    return control === 0x93 && data.length === 6 && addressBytes(from).equals(data);
  }
  if (from !== poll.address) return false;
  // A refusal (D1H) carries one error-status byte; an answer, the identifier asked and its value.
  if (control === 0xd1) return data.length === 1;
  return control === 0x91 && data.length >= 4 && data.readUInt32LE(0) === VOLTAGE.di;
}

/** A link registered with a meter read in flight, which stores values as the poller would. */
function meterLink(meterRead: MeterRead) {
  const discovered: DiscoveredAddresses = new Map();
  const stored: { value: number | string | null; frame: string }[] = [];
  let poll = new MeterPoll(meterRead, 'read#m0', discovered, () => undefined);
  const parser: DtuStreamParser = new DtuStreamParser(link(), sinkFor(), MAX_INPUT);
  function next(): void {
    poll = new MeterPoll(meterRead, 'read#m0', discovered, () => undefined);
    parser.expect(poll.expectation);
  }
  function sinkFor(): StreamEvents {
    return {
      registered: () => undefined,
      registrationFailed: () => undefined,
      heartbeat: () => undefined,
      response: (buf, start, f) => {
        const frame = Buffer.from(buf.subarray(start, start + f.length));
        expect(validFor(poll, frame), `delivered ${frame.toString('hex')}`).toBe(true);
        if (f.kind === 'ok') {
          const outcome = meterAnswer(poll, 'DTU-1', buf, f.dataOffset, f.dataLength, 1000);
          if (outcome.kind === 'discovered') discovered.set(1, outcome.address);
          if (outcome.kind === 'sample') {
            stored.push({ value: outcome.sample.value ?? outcome.sample.text, frame: frame.toString('hex') });
            // The value is the one the frame carries, decoded on its own.
            const carried = decodeValue(VOLTAGE, frameValue(frame));
            expect(carried).toEqual({ ok: true, value: outcome.sample.value });
          }
        }
        pendingNext = true;
      },
      badResponse: () => void (pendingNext = true),
      unsolicited: () => expect.unreachable('a transparent link pushes nothing unsolicited'),
      data: () => expect.unreachable('a transparent link has no typed data'),
      discarded: () => undefined,
      heartbeatPatternInData: () => undefined,
    };
  }
  let pendingNext = false;
  parser.assume('DTU-1');
  parser.expect(poll.expectation);
  return {
    parser,
    stored,
    push(chunk: Buffer): void {
      parser.push(chunk);
      // The queue sends the next request once the last one is settled.
      if (pendingNext) {
        pendingNext = false;
        next();
      }
      expect(parser.buffered).toBeLessThanOrEqual(MAX_INPUT);
    },
  };
}

/** The value bytes of a read answer, the +33H taken off. */
function frameValue(frame: Buffer): Buffer {
  const decoded = readMeterFrame(frame, 0);
  if (typeof decoded === 'string') throw new Error('not a frame');
  return decoded.frame.data.subarray(4);
}

describe('a DTU link with a meter read in flight, under arbitrary answers', () => {
  for (const [name, meterRead] of [
    ['a configured address', read],
    ['discover', discoverRead],
  ] as const) {
    it(`never throws and stores only values of frames valid for the request (${name})`, () => {
      fc.assert(
        fc.property(wire, (chunks) => {
          const h = meterLink(meterRead);
          for (const chunk of chunks) h.push(chunk);
        }),
        RUNS,
      );
    });
  }

  it('stores nothing from an answer with one byte changed, however it is chunked', () => {
    const good = answer(METER, VOLTAGE.di, [0x96, 0x22]);
    fc.assert(
      fc.property(
        // Not the two wake-up bytes in front: changing those changes no frame.
        fc.integer({ min: 2, max: good.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (at, delta, cuts) => {
          const bad = Buffer.from(good);
          bad[at] = (bad[at]! + delta) & 0xff;
          const h = meterLink(read);
          for (const chunk of cutAt(bad, cuts)) h.push(chunk);
          expect(h.stored).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  it('stores a good answer once, behind noise and heartbeats, however it is chunked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        noise.filter((n) => !n.includes(0x68)),
        fc.array(fc.nat(), { maxLength: 8 }),
        (volts, before, cuts) => {
          const good = answer(METER, VOLTAGE.di, [...bcdBytes(volts / 10, 2, 1, false)]);
          const all = Buffer.concat([before, Buffer.from('HB'), good]);
          const h = meterLink(read);
          for (const chunk of cutAt(all, cuts)) h.push(chunk);
          expect(h.stored).toEqual([{ value: volts / 10, frame: good.subarray(2).toString('hex') }]);
        },
      ),
      RUNS,
    );
  });
});
