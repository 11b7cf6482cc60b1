// Bad bytes can neither crash the DL/T 645 codec nor become a value. Property tests
// (fast-check) feed arbitrary streams, split at arbitrary points, to the splitter and the
// answer check; and check that encoding then decoding gives back the address, identifier
// and value. FUZZ_RUNS and FUZZ_SEED search harder, as in ../fuzz.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkAnswer,
  checksum,
  decodeBcd,
  decodeValue,
  DLT645_IDENTIFIERS,
  Dlt645Splitter,
  type Dlt645StreamItem,
  encodeBcd,
  encodeFrame,
  encodeRequest,
  identifierBytes,
  MAX_BUFFERED,
  parseMeterAddress,
  readRequest,
} from '../../../../src/protocol/dlt645/index.js';
import { cutAt } from '../../../helpers/cut.js';

const RUNS = { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed: Number(process.env.FUZZ_SEED ?? 20_261_207) };
const ENERGY = readRequest('2007', '112233445566', 0x00010000);

/** Bytes biased towards the ones DL/T 645 frames are made of. */
const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x68, 0x16, 0xfe, 0x91, 0x33, 0x08, 0xc8));
const chunks = fc.array(
  fc.array(byte, { maxLength: 80 }).map((b) => Buffer.from(b)),
  { maxLength: 25 },
);
const digits = fc.stringMatching(/^[0-9]{12}$/);

function answerFrame(address: string, di: number, value: Uint8Array): Buffer {
  const parsed = parseMeterAddress(address);
  if (!parsed.ok) throw new Error('test address');
  const data = Buffer.concat([identifierBytes('2007', di), value]);
  return encodeFrame({ address: parsed.bytes, control: 0x91, data }, 0);
}

describe('DL/T 645 codec under arbitrary input', () => {
  it('never throws, stays bounded and only yields frames whose checksum and end byte hold', () => {
    fc.assert(
      fc.property(chunks, (input) => {
        const splitter = new Dlt645Splitter();
        for (const chunk of input) {
          for (const item of splitter.push(chunk)) {
            if (item.kind !== 'frame') continue;
            const b = item.frame.bytes;
            expect(b[0]).toBe(0x68);
            expect(b[7]).toBe(0x68);
            expect(b.length).toBe(12 + b[9]!);
            expect(b[b.length - 1]).toBe(0x16);
            expect(checksum(b, 0, b.length - 2)).toBe(b[b.length - 2]);
            // Whatever the frame, checking it as an answer and decoding it never throws.
            const answer = checkAnswer(ENERGY, item.frame);
            if (answer.kind === 'data')
              decodeValue(DLT645_IDENTIFIERS['2007'].get('energy.active.forward')!, answer.data);
          }
          expect(splitter.buffered).toBeLessThanOrEqual(MAX_BUFFERED);
        }
      }),
      RUNS,
    );
  });

  it('never yields a value from a frame whose checksum was damaged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.integer({ min: 1, max: 255 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (value, delta, points) => {
          const frame = answerFrame('112233445566', 0x00010000, encodeBcd(value, 4, false));
          const bad = Buffer.from(frame);
          bad[bad.length - 2] = (frame[frame.length - 2]! + delta) & 0xff;
          const splitter = new Dlt645Splitter();
          const items: Dlt645StreamItem[] = cutAt(bad, points).flatMap((c) => splitter.push(c));
          expect(items.filter((i) => i.kind === 'frame')).toEqual([]);
          expect(items).toContainEqual({ kind: 'malformed', reason: 'checksum' });
        },
      ),
      RUNS,
    );
  });

  it('delivers a good answer once, byte for byte, behind noise and split anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x68),
          { maxLength: 40 },
        ),
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (noise, value, points) => {
          const frame = answerFrame('112233445566', 0x00010000, encodeBcd(value, 4, false));
          const splitter = new Dlt645Splitter();
          const wire = Buffer.concat([Buffer.from(noise), Buffer.alloc(4, 0xfe), frame]);
          const items = cutAt(wire, points).flatMap((c) => splitter.push(c));
          const frames = items.flatMap((i) => (i.kind === 'frame' ? [i.frame] : []));
          expect(frames.map((f) => f.bytes.toString('hex'))).toEqual([frame.toString('hex')]);
          const answer = checkAnswer(ENERGY, frames[0]!);
          expect(answer.kind).toBe('data');
          if (answer.kind !== 'data') return;
          const decoded = decodeValue(DLT645_IDENTIFIERS['2007'].get('energy.active.forward')!, answer.data);
          expect(decoded).toEqual({ ok: true, value: value / 100 });
        },
      ),
      RUNS,
    );
  });
});

describe('DL/T 645 round trips', () => {
  it('addresses and identifiers survive request encoding and splitting', () => {
    fc.assert(
      fc.property(
        digits,
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 16 }),
        (address, di, pre) => {
          const [item] = new Dlt645Splitter().push(encodeRequest(readRequest('2007', address, di), pre));
          expect(item?.kind).toBe('frame');
          if (item?.kind !== 'frame') return;
          expect(item.frame.address).toBe(address);
          expect(item.frame.control).toBe(0x11);
          expect([...item.frame.data]).toEqual([...identifierBytes('2007', di)]);
        },
      ),
      RUNS,
    );
  });

  it('1997 identifiers survive too', () => {
    fc.assert(
      fc.property(digits, fc.integer({ min: 0, max: 0xffff }), (address, di) => {
        const [item] = new Dlt645Splitter().push(encodeRequest(readRequest('1997', address, di)));
        expect(item).toMatchObject({ kind: 'frame', frame: { address, control: 0x01 } });
      }),
      RUNS,
    );
  });

  it('BCD values survive encoding and decoding, signed and unsigned', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (length, signed, decimals, fraction, negative) => {
          const max = (signed ? 8 : 10) * 10 ** (2 * length - 1) - 1;
          const magnitude = Math.floor(fraction * max);
          const integer = signed && negative ? -magnitude : magnitude;
          const decoded = decodeBcd(encodeBcd(integer, length, signed), 0, length, { decimals, signed });
          expect(decoded).toEqual({ ok: true, value: (integer === 0 ? 0 : integer) / 10 ** decimals });
        },
      ),
      RUNS,
    );
  });
});
