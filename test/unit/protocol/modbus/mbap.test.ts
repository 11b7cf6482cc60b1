import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ReadBlock } from '../../../../src/domain/config.js';
import { CompiledBlock } from '../../../../src/polling/block-decoder.js';
import {
  MbapSplitter,
  checkMbapResponse,
  encodeMbapRequest,
  mbapTransactionId,
  type MbapSplit,
} from '../../../../src/protocol/modbus/mbap.js';
import {
  encodeReadRequest,
  encodeWriteMultipleCoils,
  encodeWriteMultipleRegisters,
  encodeWriteSingleCoil,
  encodeWriteSingleRegister,
} from '../../../../src/protocol/modbus/request.js';
import { expectationFor } from '../../../../src/protocol/modbus/response.js';
import type { ModbusFunction } from '../../../../src/protocol/modbus/functions.js';
import { hex, pointDef } from './vectors.js';

// Frames from pymodbus's ModbusSocketFramer (test/fixtures/mbap-vectors.py), not from dtuhub.
interface MbapVector {
  readonly name: string;
  readonly transaction: number;
  readonly unit: number;
  readonly request: string;
  readonly response: string;
}
interface MbapExceptionVector {
  readonly function: ModbusFunction;
  readonly code: number;
  readonly transaction: number;
  readonly unit: number;
  readonly response: string;
}
const fixtures = JSON.parse(readFileSync(new URL('../../../fixtures/mbap-vectors.json', import.meta.url), 'utf8')) as {
  readonly frames: readonly MbapVector[];
  readonly exceptions: readonly MbapExceptionVector[];
};

function vector(name: string): MbapVector {
  const found = fixtures.frames.find((f) => f.name === name);
  if (!found) throw new Error(`fixture frame "${name}" is missing`);
  return found;
}

const COILS = [true, false, true, true, false, false, true, false, true, true];

/** The dtuhub RTU encoding of each fixture's request. */
const RTU_REQUESTS: Record<string, Buffer> = {
  'fc01 read coils 20x10': encodeReadRequest(1, 1, 20, 10),
  'fc02 read discrete inputs 100x5': encodeReadRequest(2, 2, 100, 5),
  'fc03 read holding 2000x5': encodeReadRequest(1, 3, 2000, 5),
  'fc03 read holding 0x125': encodeReadRequest(247, 3, 0, 125),
  'fc04 read input 30x2': encodeReadRequest(3, 4, 30, 2),
  'fc05 write coil 7 on': encodeWriteSingleCoil(1, 7, true),
  'fc06 write register 40 = 0xabcd': encodeWriteSingleRegister(5, 40, 0xabcd),
  'fc15 write 10 coils from 19': encodeWriteMultipleCoils(1, 19, COILS),
  'fc16 write 3 registers from 1': encodeWriteMultipleRegisters(9, 1, [10, 258, 65535]),
};

/** A request of each function code, to match exception responses against. */
const REQUEST_FOR: Record<ModbusFunction, Buffer> = {
  1: encodeReadRequest(1, 1, 0, 8),
  2: encodeReadRequest(1, 2, 0, 8),
  3: encodeReadRequest(1, 3, 0, 1),
  4: encodeReadRequest(1, 4, 0, 1),
  5: encodeWriteSingleCoil(1, 0, true),
  6: encodeWriteSingleRegister(1, 0, 1),
  15: encodeWriteMultipleCoils(1, 0, [true]),
  16: encodeWriteMultipleRegisters(1, 0, [1]),
};

function adus(splits: readonly MbapSplit[]): string[] {
  return splits.map((s) => {
    if (s.kind !== 'adu') throw new Error(`unexpected ${s.kind}`);
    return s.adu.toString('hex');
  });
}

describe('encodeMbapRequest', () => {
  it('fixtures cover every function code', () => {
    const fns = new Set(Object.values(RTU_REQUESTS).map((r) => r[1]));
    expect([...fns].sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 15, 16]);
    expect(Object.keys(RTU_REQUESTS).sort()).toEqual(fixtures.frames.map((f) => f.name).sort());
  });

  for (const [name, rtu] of Object.entries(RTU_REQUESTS)) {
    it(`${name}: matches the pymodbus ADU`, () => {
      const v = vector(name);
      expect(encodeMbapRequest(rtu, v.transaction).toString('hex')).toBe(v.request);
    });
  }

  it('writes the transaction id big-endian, protocol 0 and the unit + PDU length', () => {
    const adu = encodeMbapRequest(encodeReadRequest(17, 4, 0x0102, 3), 0xbeef);
    expect(adu.toString('hex')).toBe('beef00000006' + '11' + '04' + '0102' + '0003');
    expect(mbapTransactionId(adu)).toBe(0xbeef);
  });

  it('rejects transaction ids outside u16 and frames without a valid CRC', () => {
    const rtu = encodeReadRequest(1, 3, 0, 1);
    expect(() => encodeMbapRequest(rtu, -1)).toThrow(RangeError);
    expect(() => encodeMbapRequest(rtu, 0x10000)).toThrow(/0\.\.65535/);
    expect(() => encodeMbapRequest(rtu, 1.5)).toThrow(RangeError);
    const broken = Buffer.from(rtu);
    broken[7]! ^= 1;
    expect(() => encodeMbapRequest(broken, 1)).toThrow(/valid CRC/);
    expect(() => encodeMbapRequest(encodeMbapRequest(rtu, 1), 1)).toThrow(/valid CRC/);
  });
});

describe('checkMbapResponse against pymodbus responses', () => {
  for (const [name, rtu] of Object.entries(RTU_REQUESTS)) {
    it(`${name}`, () => {
      const v = vector(name);
      const adu = hex(v.response);
      const result = checkMbapResponse(expectationFor(rtu), v.transaction, adu);
      const isRead = rtu[1]! <= 4;
      expect(result).toEqual({
        kind: 'ok',
        length: adu.length,
        dataOffset: isRead ? 9 : 0,
        dataLength: isRead ? adu[8] : 0,
      });
    });
  }

  it('every exception of every function code, with its code', () => {
    expect(fixtures.exceptions.length).toBe(48);
    for (const v of fixtures.exceptions) {
      const result = checkMbapResponse(expectationFor(REQUEST_FOR[v.function]), v.transaction, hex(v.response));
      expect(result, `fc${v.function} code ${v.code}`).toEqual({ kind: 'exception', length: 9, code: v.code });
    }
  });

  it('an exception for another function is a function mismatch', () => {
    const v = fixtures.exceptions.find((e) => e.function === 4 && e.code === 2)!;
    expect(checkMbapResponse(expectationFor(REQUEST_FOR[3]), v.transaction, hex(v.response))).toMatchObject({
      kind: 'mismatch',
      reason: 'function',
    });
  });
});

describe('checkMbapResponse mismatches', () => {
  const v = vector('fc03 read holding 2000x5');
  const exp = expectationFor(RTU_REQUESTS[v.name]!);
  const good = hex(v.response);

  function altered(edit: (adu: Buffer) => Buffer | void): Buffer {
    const copy = Buffer.from(good);
    return edit(copy) ?? copy;
  }

  it('wrong transaction id', () => {
    expect(checkMbapResponse(exp, v.transaction + 1, good)).toEqual({
      kind: 'mismatch',
      reason: 'transaction',
      length: good.length,
    });
  });

  it('wrong unit id', () => {
    const adu = altered((a) => void (a[6] = 2));
    expect(checkMbapResponse(exp, v.transaction, adu)).toMatchObject({ kind: 'mismatch', reason: 'unit' });
  });

  it('wrong function code', () => {
    const adu = altered((a) => void (a[7] = 4));
    expect(checkMbapResponse(exp, v.transaction, adu)).toMatchObject({ kind: 'mismatch', reason: 'function' });
  });

  it('byte count for another quantity', () => {
    // 4 registers where 5 were asked: byte count 8, ADU consistent with it.
    const adu = altered((a) => {
      a.writeUInt16BE(11, 4);
      a[8] = 8;
      return a.subarray(0, 17);
    });
    expect(checkMbapResponse(exp, v.transaction, adu)).toMatchObject({ kind: 'mismatch', reason: 'byte-count' });
  });

  it('length that disagrees with the byte count (data missing or extra)', () => {
    expect(checkMbapResponse(exp, v.transaction, good.subarray(0, good.length - 1))).toMatchObject({
      kind: 'mismatch',
      reason: 'length',
    });
    expect(checkMbapResponse(exp, v.transaction, Buffer.concat([good, Buffer.from([0])]))).toMatchObject({
      kind: 'mismatch',
      reason: 'length',
    });
    expect(checkMbapResponse(exp, v.transaction, good.subarray(0, 8))).toMatchObject({
      kind: 'mismatch',
      reason: 'length',
    });
    expect(checkMbapResponse(exp, v.transaction, good.subarray(0, 7))).toMatchObject({
      kind: 'mismatch',
      reason: 'length',
    });
  });

  it('exception with extra bytes is a length mismatch', () => {
    const e = fixtures.exceptions.find((x) => x.function === 3 && x.code === 2)!;
    const adu = Buffer.concat([hex(e.response), Buffer.from([0])]);
    expect(checkMbapResponse(expectationFor(REQUEST_FOR[3]), e.transaction, adu)).toMatchObject({
      kind: 'mismatch',
      reason: 'length',
    });
  });

  it('write echo with another address, value or quantity', () => {
    for (const name of [
      'fc05 write coil 7 on',
      'fc06 write register 40 = 0xabcd',
      'fc15 write 10 coils from 19',
      'fc16 write 3 registers from 1',
    ]) {
      const w = vector(name);
      const wexp = expectationFor(RTU_REQUESTS[name]!);
      for (const at of [8, 9, 10, 11]) {
        const adu = hex(w.response);
        adu[at]! ^= 0x01;
        expect(checkMbapResponse(wexp, w.transaction, adu), `${name} byte ${at}`).toMatchObject({
          kind: 'mismatch',
          reason: 'echo',
        });
      }
      expect(checkMbapResponse(wexp, w.transaction, hex(w.response).subarray(0, 11))).toMatchObject({
        kind: 'mismatch',
        reason: 'length',
      });
    }
  });
});

describe('MbapSplitter', () => {
  const stream = fixtures.frames.map((f) => f.response);
  const all = Buffer.from(stream.join(''), 'hex');

  it('returns every ADU when all arrive in one chunk', () => {
    expect(adus(new MbapSplitter().push(all))).toEqual(stream);
  });

  it('reassembles ADUs sent byte by byte', () => {
    const splitter = new MbapSplitter();
    const out: MbapSplit[] = [];
    for (let i = 0; i < all.length; i++) out.push(...splitter.push(all.subarray(i, i + 1)));
    expect(adus(out)).toEqual(stream);
    expect(splitter.buffered).toBe(0);
  });

  it('handles every cut point between two chunks', () => {
    for (let cut = 0; cut <= all.length; cut++) {
      const splitter = new MbapSplitter();
      const out = [...splitter.push(all.subarray(0, cut)), ...splitter.push(all.subarray(cut))];
      expect(adus(out), `cut at ${cut}`).toEqual(stream);
    }
  });

  it('holds an incomplete ADU until the rest arrives, copying it out of the chunk', () => {
    const splitter = new MbapSplitter();
    const first = hex(stream[0]!);
    const chunk = Buffer.concat([first, hex(stream[1]!).subarray(0, 5)]);
    const out = splitter.push(chunk);
    expect(adus(out)).toEqual([stream[0]]);
    expect(splitter.buffered).toBe(5);
    chunk.fill(0);
    expect(adus(out)).toEqual([stream[0]]);
    expect(adus(splitter.push(hex(stream[1]!).subarray(5)))).toEqual([stream[1]]);
  });

  it('takes the largest ADU (260 bytes) and refuses a longer length field', () => {
    const largest = Buffer.alloc(260);
    largest.writeUInt16BE(254, 4);
    expect(new MbapSplitter().push(largest)).toHaveLength(1);
    const tooLong = Buffer.from('00010000' + '00ff' + '0103', 'hex');
    expect(new MbapSplitter().push(tooLong)).toEqual([{ kind: 'bad-length', length: 255 }]);
  });

  it('refuses a length field below unit + function', () => {
    expect(new MbapSplitter().push(Buffer.from('000100000001', 'hex'))).toEqual([{ kind: 'bad-length', length: 1 }]);
    expect(new MbapSplitter().push(Buffer.from('000100000000', 'hex'))).toEqual([{ kind: 'bad-length', length: 0 }]);
  });

  it('reports a bad protocol id after the ADUs before it, then refuses everything', () => {
    const splitter = new MbapSplitter();
    const bad = Buffer.from('0001' + '0001' + '0006' + '0103000a0001', 'hex');
    const out = splitter.push(Buffer.concat([hex(stream[0]!), bad, hex(stream[1]!)]));
    expect(out[0]).toMatchObject({ kind: 'adu' });
    expect(out.slice(1)).toEqual([{ kind: 'bad-protocol', protocolId: 1 }]);
    expect(splitter.error).toEqual({ kind: 'bad-protocol', protocolId: 1 });
    expect(splitter.push(hex(stream[2]!))).toEqual([]);
    expect(splitter.buffered).toBe(0);
    splitter.reset();
    expect(adus(splitter.push(hex(stream[2]!)))).toEqual([stream[2]]);
  });

  it('decides on a bad header as soon as its six bytes are in', () => {
    const splitter = new MbapSplitter();
    // An HTTP request on the Modbus port: bytes 2..3 of "GET / " are "T ", protocol id 0x5420.
    expect(splitter.push(Buffer.from('GET /'))).toEqual([]);
    expect(splitter.push(Buffer.from(' HTTP/1.1'))).toEqual([{ kind: 'bad-protocol', protocolId: 0x5420 }]);
  });

  it('feeds checkMbapResponse and the block decoder with a data offset into the ADU', () => {
    const v = vector('fc03 read holding 2000x5');
    const block: ReadBlock = {
      slave: 1,
      fn: 3,
      address: 2000,
      quantity: 5,
      points: [
        pointDef({ name: 'temperature', address: 2000, scale: 0.1 }),
        pointDef({ name: 'pressure', address: 2001, type: 'float32', registers: 2 }),
      ],
    };
    const compiled = new CompiledBlock(block);
    const request = encodeMbapRequest(compiled.request, v.transaction);
    expect(request.toString('hex')).toBe(v.request);
    const [split] = new MbapSplitter().push(hex(v.response));
    if (split?.kind !== 'adu') throw new Error('no ADU');
    const check = checkMbapResponse(compiled.expectation, mbapTransactionId(split.adu), split.adu);
    if (check.kind !== 'ok') throw new Error(`got ${check.kind}`);
    const { samples } = compiled.decode('tcp-1', split.adu, check.dataOffset, 1000);
    expect(samples.map((s) => [s.point, s.value])).toEqual([
      ['temperature', 25.3],
      ['pressure', Buffer.from('42620000', 'hex').readFloatBE(0)],
    ]);
  });
});
