// framing: mbap — a DTU in "Modbus TCP" mode after registration: MBAP ADUs (checked against
// pymodbus's frames in test/fixtures/mbap-vectors.json) with the DTU's heartbeats between.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LinkConfig } from '../../../../src/domain/config.js';
import { frameRequest } from '../../../../src/protocol/dtu/outbound.js';
import { DtuStreamParser, type StreamEvents } from '../../../../src/protocol/dtu/stream-parser.js';
import { crc16 } from '../../../../src/protocol/modbus/crc.js';
import { expectationFor } from '../../../../src/protocol/modbus/response.js';
import { link } from '../../../helpers/links.js';

interface Vector {
  readonly name: string;
  readonly transaction: number;
  readonly request: string;
  readonly response: string;
}
const vectors = JSON.parse(readFileSync(new URL('../../../fixtures/mbap-vectors.json', import.meta.url), 'utf8')) as {
  frames: Vector[];
  exceptions: (Vector & { function: number; code: number; unit: number })[];
};
const hex = (s: string) => Buffer.from(s, 'hex');
const MBAP = link({ framing: 'mbap' });

/** The RTU request (unit, PDU, CRC) an ADU carries: what the poller hands the session. */
function rtuOf(adu: Buffer): Buffer {
  const body = adu.subarray(6);
  const crc = crc16(body);
  return Buffer.concat([body, Buffer.from([crc & 0xff, crc >> 8])]);
}

function registered(config: LinkConfig = MBAP) {
  const events: [string, ...unknown[]][] = [];
  const sink: StreamEvents = {
    registered: () => undefined,
    registrationFailed: (reason) => events.push(['registrationFailed', reason]),
    heartbeat: (embedded) => events.push(['heartbeat', embedded]),
    response: (buf, start, f) => {
      const frame = Buffer.from(buf.subarray(start, start + f.length)).toString('hex');
      const data = f.kind === 'ok' ? Buffer.from(buf.subarray(f.dataOffset, f.dataOffset + f.dataLength)) : null;
      events.push(['response', f.kind, frame, data?.toString('hex') ?? (f.kind === 'exception' ? f.code : null)]);
    },
    badResponse: (bytes) => events.push(['badResponse', Buffer.from(bytes).toString('hex')]),
    unsolicited: () => events.push(['unsolicited']),
    data: () => events.push(['data']),
    discarded: (bytes, reason) => events.push(['discarded', reason, Buffer.from(bytes).toString('hex')]),
    heartbeatPatternInData: () => events.push(['hbPatternInData']),
  };
  const parser = new DtuStreamParser(config, sink, 4096);
  parser.push(Buffer.from('DTU01001'));
  parser.settle();
  return { parser, events };
}

/** Sends `rtu` as the session does, first moving the parser's transaction counter to `transaction`. */
function sendAt(parser: DtuStreamParser, rtu: Buffer, transaction: number): Buffer {
  const exp = expectationFor(rtu);
  do parser.expect(exp);
  while (parser.transactionId !== transaction);
  return frameRequest(MBAP, rtu, parser.transactionId);
}

describe('framing: mbap', () => {
  it.each(vectors.frames.map((v) => [v.name, v] as const))(
    '%s: request bytes and the answer as pymodbus frames them',
    (_, v) => {
      const { parser, events } = registered();
      const sent = sendAt(parser, rtuOf(hex(v.request)), v.transaction);
      expect(sent.toString('hex')).toBe(v.request);
      parser.push(hex(v.response));
      expect(events).toHaveLength(1);
      expect(events[0]!.slice(0, 3)).toEqual(['response', 'ok', v.response]);
      // Reads deliver their data bytes (after unit, function and byte count); writes none.
      const fn = hex(v.request)[7]!;
      if (fn <= 4) expect(events[0]![3]).toBe(v.response.slice(18));
      expect(parser.expecting).toBe(false);
    },
  );

  it.each(vectors.exceptions.slice(0, 12).map((v) => [`fc${v.function} code ${v.code}`, v] as const))(
    'exception %s is the answer, code kept',
    (_, v) => {
      const { parser, events } = registered();
      const quantity = v.function === 5 || v.function === 6 ? 0xff00 : 1;
      const pdu = Buffer.from([v.unit, v.function, 0, 0, quantity >> 8, quantity & 0xff]);
      const crc = crc16(pdu);
      sendAt(parser, Buffer.concat([pdu, Buffer.from([crc & 0xff, crc >> 8])]), v.transaction);
      parser.push(hex(v.response));
      expect(events).toEqual([['response', 'exception', v.response, v.code]]);
    },
  );

  it('strips heartbeats between ADUs and reassembles an answer cut at every byte', () => {
    const v = vectors.frames[2]!;
    const { parser, events } = registered();
    sendAt(parser, rtuOf(hex(v.request)), v.transaction);
    for (const byte of Buffer.concat([Buffer.from('HB'), hex(v.response), Buffer.from('HB')]))
      parser.push(Buffer.from([byte]));
    expect(events.map((e) => e[0])).toEqual(['heartbeat', 'response', 'heartbeat']);
    expect(parser.buffered).toBe(0);
  });

  it('drops a late answer to an earlier transaction and takes the retry’s', () => {
    const v = vectors.frames[2]!;
    const { parser, events } = registered();
    const rtu = rtuOf(hex(v.request));
    const first = sendAt(parser, rtu, 10);
    parser.expect(null); // timed out
    const retry = sendAt(parser, rtu, 11);
    expect(retry.readUInt16BE(0)).toBe(first.readUInt16BE(0) + 1);
    const answer = (tid: number) => Buffer.concat([Buffer.from([tid >> 8, tid & 0xff]), hex(v.response).subarray(2)]);
    parser.push(Buffer.concat([answer(10), answer(11)]));
    expect(events.map((e) => e.slice(0, 2))).toEqual([
      ['discarded', 'stray-frame'],
      ['response', 'ok'],
    ]);
  });

  it('skips junk in front of an answer byte by byte, reported as one garbage run', () => {
    const v = vectors.frames[0]!;
    const { parser, events } = registered();
    sendAt(parser, rtuOf(hex(v.request)), v.transaction);
    parser.push(Buffer.concat([hex('ff17fe'), hex(v.response)]));
    expect(events.map((e) => e.slice(0, 3))).toEqual([
      ['discarded', 'garbage', 'ff17fe'],
      ['response', 'ok', v.response],
    ]);
  });

  it('a wrong unit or function under the transaction in flight is a bad answer, not data', () => {
    const v = vectors.frames[2]!;
    const { parser, events } = registered();
    sendAt(parser, rtuOf(hex(v.request)), v.transaction);
    const wrongUnit = hex(v.response);
    wrongUnit[6] = 9;
    parser.push(wrongUnit);
    expect(events).toEqual([['badResponse', wrongUnit.toString('hex')]]);
    expect(parser.expecting).toBe(false);
  });

  it('an answer while nothing is in flight is a stray frame', () => {
    const v = vectors.frames[1]!;
    const { parser, events } = registered();
    parser.push(hex(v.response));
    expect(events).toEqual([['discarded', 'stray-frame', v.response]]);
  });
});
