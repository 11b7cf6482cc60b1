// Bad bytes can neither crash the MC codec nor become a value: arbitrary streams, split at
// arbitrary points, through the splitter and the answer check; and answers built from
// arbitrary memory read back exactly. FUZZ_RUNS and FUZZ_SEED search harder.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MC_COMMAND,
  MC_DEVICE_KINDS,
  McResponseSplitter,
  OWN_STATION,
  encodeRequest,
  parseResponse,
  readAnswer,
  type McFrameFormat,
  type McFrameType,
  type McRequest,
} from '../../../../src/protocol/mc/index.js';
import { VECTORS } from './vectors.js';

const RUNS = { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed: Number(process.env.FUZZ_SEED ?? 20_261_207) };
const FORMATS: McFrameFormat[] = ['binary', 'ascii'];
const FRAMES: McFrameType[] = ['3e', '4e'];
const READ: McRequest = { command: MC_COMMAND.batchRead, unit: 'word', kind: MC_DEVICE_KINDS.D, head: 100, points: 3 };
const BITS: McRequest = { command: MC_COMMAND.batchRead, unit: 'bit', kind: MC_DEVICE_KINDS.M, head: 100, points: 8 };

/** Bytes biased towards those 3E and 4E answers are made of, in either code. */
const byte = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(0xd0, 0xd4, 0x00, 0xff, 0x03, 0x08, 0x0b, 0x12, 0x34, ...Buffer.from('D0F3C01584', 'latin1')),
);
const chunks = fc.array(
  fc.array(byte, { maxLength: 60 }).map((b) => Buffer.from(b)),
  { maxLength: 25 },
);

describe('MC codec on arbitrary input', () => {
  it('never throws and only yields answers whose check gives a value of the right size or no value', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.constantFrom(...FRAMES),
        fc.constantFrom(READ, BITS),
        fc.constantFrom(0, 0x1234, 0xffff),
        chunks,
        (format, frame, request, inFlight, input) => {
          const splitter = new McResponseSplitter(format, frame);
          const serial = frame === '4e' ? inFlight : undefined;
          for (const chunk of input) {
            for (const item of splitter.push(chunk)) {
              if (item.kind !== 'response') continue;
              expect(item.response.serial === null).toBe(frame === '3e');
              const answer = readAnswer(format, request, OWN_STATION, item.response, serial);
              if (answer.kind === 'ok') {
                expect(item.response.serial ?? undefined).toBe(serial);
                expect(answer.values).toHaveLength(request.points);
                if (request.unit === 'bit') expect(answer.values.every((v) => v === 0 || v === 1)).toBe(true);
              }
            }
            // One frame at most: the 4E ASCII header is 26 characters, the longest data 3,844.
            expect(splitter.pending).toBeLessThanOrEqual(26 + 3844);
          }
        },
      ),
      RUNS,
    );
  });

  it('gives no value for a manual answer with any one byte changed, unless the change is in the data', () => {
    const examples = VECTORS.examples.filter((v) => v.expect.kind === 'ok' && v.request.command === 'read');
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.nat(), fc.integer({ min: 1, max: 255 }), (v, at, flip) => {
        const bytes = Buffer.from(v.responseHex, 'hex');
        const i = at % bytes.length;
        bytes[i]! ^= flip;
        // Up to the end of the end code; a 4E frame's serial part comes before it.
        const header = (v.format === 'binary' ? 11 : 22) + (v.frame === '4e' ? (v.format === 'binary' ? 4 : 8) : 0);
        const parsed = parseResponse(v.format, bytes, v.frame ?? '3e');
        const request = v.request.unit === 'word' ? READ : BITS;
        const answer = parsed && readAnswer(v.format, request, OWN_STATION, parsed, v.serial);
        if (i < header) expect(answer?.kind === 'ok').toBe(false);
      }),
      RUNS,
    );
  });

  it('reads back any words and bits written into an answer', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 960 }),
        (format, serial, words) => {
          const request = { ...READ, points: words.length };
          // An answer is a batch write's data under a response header: reuse the encoder's data layout.
          const write = encodeRequest(
            format,
            { ...request, command: MC_COMMAND.batchWrite, values: words },
            { monitoringTimer: 0 },
          );
          const data = write.subarray(format === 'binary' ? 21 : 42);
          const header =
            format === 'binary'
              ? Buffer.from([0xd0, 0, 0, 0xff, 0xff, 0x03, 0, 0, 0, 0, 0])
              : Buffer.from(
                  `D00000FF03FF00${(data.length + 4).toString(16).toUpperCase().padStart(4, '0')}0000`,
                  'latin1',
                );
          if (format === 'binary') header.writeUInt16LE(data.length + 2, 7);
          // With a serial: the 4E answer, D400 + serial + 0000 in place of D000.
          const serialPart =
            serial === undefined
              ? null
              : format === 'binary'
                ? Buffer.from([0xd4, 0, serial & 0xff, serial >> 8, 0, 0])
                : Buffer.from(`D400${serial.toString(16).toUpperCase().padStart(4, '0')}0000`, 'latin1');
          const frame = serialPart
            ? Buffer.concat([serialPart, header.subarray(format === 'binary' ? 2 : 4), data])
            : Buffer.concat([header, data]);
          const items = new McResponseSplitter(format, serial === undefined ? '3e' : '4e').push(frame);
          expect(items).toHaveLength(1);
          const item = items[0]!;
          const answer = item.kind === 'response' && readAnswer(format, request, OWN_STATION, item.response, serial);
          expect(answer).toEqual({
            kind: 'ok',
            values: words,
          });
        },
      ),
      { ...RUNS, numRuns: Math.min(RUNS.numRuns, 100) },
    );
  });
});
