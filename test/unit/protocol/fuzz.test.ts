// Bad bytes can neither crash dtuhub nor become data. Property tests (fast-check) feed
// arbitrary input, split at arbitrary points, to the DTU stream parser in every framing, the
// Modbus TCP splitter and pipeline, and the MQTT/HTTP JSON mapping: nothing throws, and
// whatever comes out as a response or a sample is something valid. A real response with a
// heartbeat spliced in anywhere is still delivered once, byte for byte. FUZZ_RUNS=20000
// FUZZ_SEED=<n> searches harder than the default 300 runs per property.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonMapping } from '../../../src/channels/json-mapping.js';
import { parseJsonPath } from '../../../src/plan/json-path.js';
import { MbapPipeline } from '../../../src/channels/modbus-tcp/mbap-pipeline.js';
import { MqttMessageMapper } from '../../../src/channels/mqtt/mqtt-message.js';
import type { JsonMappedPoint } from '../../../src/domain/channels.js';
import type { LinkConfig } from '../../../src/domain/config.js';
import type { Sample } from '../../../src/domain/point.js';
import type { TransactionOutcome } from '../../../src/link/index.js';
import { DtuStreamParser, type StreamEvents } from '../../../src/protocol/dtu/stream-parser.js';
import { hasValidCrc } from '../../../src/protocol/modbus/crc.js';
import { checkMbapResponse, encodeMbapRequest, MbapSplitter } from '../../../src/protocol/modbus/mbap.js';
import { encodeRegistersResponse } from '../../../src/protocol/modbus/reply.js';
import { encodeReadRequest } from '../../../src/protocol/modbus/request.js';
import { checkResponse, expectationFor } from '../../../src/protocol/modbus/response.js';
import { fastTiming, hbRule, link, typedDefaults } from '../../helpers/links.js';

// A fixed seed keeps CI repeatable; FUZZ_SEED and FUZZ_RUNS explore further.
const RUNS = { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed: Number(process.env.FUZZ_SEED ?? 20_261_206) };
const REQUEST = encodeReadRequest(1, 3, 2000, 10);
const EXPECTATION = expectationFor(REQUEST);

/** Arbitrary chunks of bytes, biased towards bytes the protocols care about. */
const byte = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(0x01, 0x03, 0x83, 0x14, 0x48, 0x42, 0x00, 0xff),
);
const chunks = fc.array(
  fc.array(byte, { maxLength: 80 }).map((b) => Buffer.from(b)),
  { maxLength: 25 },
);

/** A parser whose outputs are checked as they come: every response must answer the request, every pushed frame must carry a valid CRC. */
function checkedParser(config: LinkConfig) {
  const seen = { responses: [] as string[], unsolicited: 0, heartbeats: 0 };
  const sink: StreamEvents = {
    registered: () => undefined,
    registrationFailed: () => undefined,
    heartbeat: () => void seen.heartbeats++,
    response: (buf, start, frame) => {
      const bytes = buf.subarray(start, start + frame.length);
      const check = checkResponse(EXPECTATION, bytes, 0, bytes.length);
      expect(check.kind === 'ok' || check.kind === 'exception').toBe(true);
      seen.responses.push(Buffer.from(bytes).toString('hex'));
    },
    badResponse: () => undefined,
    unsolicited: (buf, start, frame) => {
      expect(hasValidCrc(buf, start, start + frame.length)).toBe(true);
      seen.unsolicited++;
    },
    data: () => undefined,
    discarded: () => undefined,
    heartbeatPatternInData: () => undefined,
  };
  return { parser: new DtuStreamParser(config, sink, 4096), seen };
}

const LINKS: Record<string, LinkConfig> = {
  'transparent, ASCII registration, HB heartbeat': link(),
  'transparent, registration prefixed to every packet': link({
    registration: { type: 'ascii', mode: 'every-packet', maxLength: 40, length: 8, pattern: null, terminator: null },
  }),
  'typed framing, 4-byte integer registration': link({
    framing: 'typed',
    registration: { type: 'integer', mode: 'once', bytes: 4, endian: 'big' },
    heartbeat: null,
    typed: typedDefaults,
  }),
  'unsolicited, hex registration': link({
    framing: 'unsolicited',
    registration: { type: 'hex', mode: 'once', length: 4, prefix: null },
  }),
};

describe('arbitrary bytes', () => {
  for (const [name, config] of Object.entries(LINKS)) {
    it(`never crash the DTU stream parser, nor pass as a response (${name})`, () => {
      fc.assert(
        fc.property(chunks, fc.boolean(), chunks, (before, expecting, after) => {
          const { parser } = checkedParser(config);
          for (const chunk of before) parser.push(chunk);
          parser.settle();
          if (expecting) parser.expect(EXPECTATION);
          for (const chunk of after) parser.push(chunk);
          parser.settle();
        }),
        RUNS,
      );
    });
  }

  it('never crash the DTU stream parser in Modbus TCP mode (framing: mbap), nor pass as an answer', () => {
    // Real ADU pieces among the noise, so headers, lengths and transaction ids get hit.
    const answer = Buffer.from('0001000000170103140000000100020003000400050006000700080009', 'hex');
    const pieces = fc.array(
      fc.oneof(
        chunks.map((c) => Buffer.concat(c)),
        fc.constant(answer),
        fc.constant(answer.subarray(0, 9)),
      ),
      {
        maxLength: 12,
      },
    );
    fc.assert(
      fc.property(pieces, (input) => {
        const responses: Buffer[] = [];
        const sink: StreamEvents = {
          registered: () => undefined,
          registrationFailed: () => undefined,
          heartbeat: () => undefined,
          response: (buf, start, frame) => void responses.push(Buffer.from(buf.subarray(start, start + frame.length))),
          badResponse: () => undefined,
          unsolicited: () => expect.unreachable('mbap links push nothing unsolicited'),
          data: () => undefined,
          discarded: () => undefined,
          heartbeatPatternInData: () => undefined,
        };
        const parser = new DtuStreamParser(link({ framing: 'mbap' }), sink, 4096);
        parser.assume('DTU01001');
        parser.expect(EXPECTATION);
        for (const chunk of input) {
          const tid = parser.transactionId;
          parser.push(chunk);
          for (const r of responses.splice(0)) expect(checkMbapResponse(EXPECTATION, tid, r).kind).not.toBe('mismatch');
          if (!parser.expecting) parser.expect(EXPECTATION);
        }
        expect(parser.buffered).toBeLessThanOrEqual(4096);
      }),
      RUNS,
    );
  });

  it('never crash the Modbus TCP splitter, which hands out only ADUs whose length field fits', () => {
    fc.assert(
      fc.property(chunks, (input) => {
        const splitter = new MbapSplitter();
        for (const chunk of input) {
          for (const piece of splitter.push(chunk)) {
            if (piece.kind === 'adu') expect(piece.adu.length).toBe(6 + piece.adu.readUInt16BE(4));
          }
        }
      }),
      RUNS,
    );
  });

  it('never complete a Modbus TCP poll with data that does not answer it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), chunks, (firstId, input) => {
        const outcomes: TransactionOutcome[] = [];
        const sent: Buffer[] = [];
        const pipeline = new MbapPipeline(
          { send: (adu) => void sent.push(adu), lost: () => undefined },
          fastTiming,
          1,
          { now: () => 0 },
          firstId,
        );
        pipeline.enqueue({ request: REQUEST, expectation: EXPECTATION, key: null, done: (o) => void outcomes.push(o) });
        for (const chunk of input) pipeline.onData(chunk);
        pipeline.close();
        for (const o of outcomes) {
          if (o.kind === 'ok') expect(checkMbapResponse(EXPECTATION, firstId, o.buf).kind).toBe('ok');
        }
        expect(sent[0]).toEqual(encodeMbapRequest(REQUEST, firstId));
      }),
      RUNS,
    );
  });
});

describe('a real response split anywhere, with a heartbeat spliced in anywhere', () => {
  it('is delivered once, byte for byte, and the heartbeat counted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 10, maxLength: 10 }),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 6 }),
        (registers, hbAt, cuts) => {
          const response = encodeRegistersResponse(1, 3, registers);
          const at = hbAt % (response.length + 1);
          const stream = Buffer.concat([response.subarray(0, at), hbRule.pattern, response.subarray(at)]);
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const { parser, seen } = checkedParser(link());
          parser.push(Buffer.from('DTU01001'));
          parser.settle();
          parser.expect(EXPECTATION);
          let from = 0;
          for (const p of [...points, stream.length]) {
            parser.push(stream.subarray(from, p));
            from = p;
          }
          // The CRC is all there is to tell: once in 65,536 cases the first bytes of the stream,
          // heartbeat included, already make a frame of the right length with a valid CRC.
          const asIs = stream.subarray(0, response.length);
          if (at < response.length && checkResponse(EXPECTATION, asIs, 0, asIs.length).kind === 'ok') {
            expect(seen.responses).toEqual([asIs.toString('hex')]);
            return;
          }
          expect(seen.responses).toEqual([response.toString('hex')]);
          // One ambiguity only: spliced between the CRC bytes when the high CRC byte equals the
          // heartbeat's first byte, the stream reads as the whole response and then "B…": the
          // response is still right, the heartbeat's rest is discarded as garbage.
          const ambiguous = at === response.length - 1 && response[at] === hbRule.pattern[0];
          expect(seen.heartbeats).toBe(ambiguous ? 0 : 1);
        },
      ),
      RUNS,
    );
  });
});

describe('arbitrary messages and documents', () => {
  const point = (name: string, path: string, extra: Partial<JsonMappedPoint> = {}): JsonMappedPoint => ({
    name,
    path: parseJsonPath(path),
    pathText: path,
    scale: 0.1,
    offset: 0,
    decimals: 2,
    ...extra,
  });
  const POINTS = [point('t', 't'), point('nested', 'data.values[1].v'), point('flag', 'on')];

  /** A sample is a finite number or text, never NaN or Infinity. */
  const expectSound = (samples: readonly Sample[]) => {
    for (const s of samples) {
      if (s.value === null) expect(typeof s.text).toBe('string');
      else expect(Number.isFinite(s.value)).toBe(true);
      expect(Number.isFinite(s.ts)).toBe(true);
    }
  };

  it('never crash the MQTT mapping: a message is mapped to sound samples, rejected, or unmatched', () => {
    const mapper = new MqttMessageMapper(
      [
        {
          topic: 'site/+/data',
          device: { kind: 'topic-level', level: 1 },
          timestamp: { path: ['ts'], pathText: 'ts' },
          points: POINTS,
        },
        {
          topic: 'meters/#',
          device: { kind: 'json', path: ['meta', 'id'], pathText: 'meta.id' },
          timestamp: null,
          points: POINTS,
        },
      ],
      512,
    );
    const topic = fc.oneof(
      fc.string(),
      fc.constantFrom('site/A/data', 'site//data', 'meters/x', 'meters'),
      fc.string().map((s) => `site/${s}/data`),
    );
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
      fc
        .record({ ts: fc.jsonValue(), t: fc.jsonValue(), on: fc.jsonValue(), meta: fc.record({ id: fc.jsonValue() }) })
        .map((v) => Buffer.from(JSON.stringify(v))),
    );
    fc.assert(
      fc.property(topic, payload, (t, p) => {
        const result = mapper.map(t, p, 1_700_000_000_000);
        expect(['mapped', 'rejected', 'unmatched']).toContain(result.kind);
        if (result.kind === 'mapped') expectSound(result.samples);
      }),
      RUNS,
    );
  });

  it('never crash the HTTP mapping: any JSON document gives sound samples, the rest counted missing or invalid', () => {
    const mapping = new JsonMapping(POINTS, { path: ['ts'] });
    const doc = fc.oneof(
      fc.jsonValue(),
      fc.record({
        t: fc.jsonValue(),
        ts: fc.jsonValue(),
        data: fc.record({ values: fc.array(fc.record({ v: fc.jsonValue() })) }),
      }),
    );
    fc.assert(
      fc.property(doc, (d) => {
        const result = mapping.map(d, 'DEV', 1_700_000_000_000);
        expectSound(result.samples);
        expect(result.samples.length + result.missing.length + result.invalid.length).toBe(POINTS.length);
      }),
      RUNS,
    );
  });
});
