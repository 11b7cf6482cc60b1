import { describe, expect, it } from 'vitest';
import type { ReadBlock } from '../../../src/domain/config.js';
import type { ByteOrder, DataType, PointDef } from '../../../src/domain/point.js';
import { blockRequest, decodeBlock } from '../../../src/polling/block-decoder.js';
import { applyScale } from '../../../src/protocol/modbus/scaling.js';
import { decodePoint, registersFor } from '../../../src/protocol/modbus/values.js';
import { hex, pointDef, registerBytes, vectors } from '../protocol/modbus/vectors.js';

const ORDERS: readonly ByteOrder[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];
const TYPES: readonly DataType[] = [
  'bool',
  'int16',
  'uint16',
  'bcd16',
  'int32',
  'uint32',
  'float32',
  'bcd32',
  'int64',
  'uint64',
  'float64',
  'string',
];
const SCALINGS: readonly Pick<PointDef, 'scale' | 'offset' | 'decimals'>[] = [
  { scale: 1, offset: 0 },
  { scale: 0.1, offset: 0 },
  { scale: 0.01, offset: -40 },
  { scale: 1, offset: 0, decimals: 2 },
  { scale: 0.07, offset: 0.5 },
  { scale: 1 / 3, offset: 0 },
  { scale: 10, offset: 0, decimals: 0 },
];

/** Deterministic pseudo-random numbers in [0, 1), so a failure reproduces. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

/**
 * An independent reading of one point, the slow obvious way: put the wire bytes in
 * big-endian order by the byte-order rules, then let Buffer read the type.
 */
function oracle(
  point: PointDef,
  wire: Buffer,
): { value: number | null; text: string | null; raw: string; valid: boolean } {
  const raw = wire.toString('hex');
  const words: Buffer[] = [];
  for (let i = 0; i < wire.length; i += 2) words.push(Buffer.from(wire.subarray(i, i + 2)));
  if (point.order === 'BADC' || point.order === 'DCBA') words.forEach((w) => w.reverse());
  if (point.type === 'string') {
    const bytes = [...Buffer.concat(words)];
    const nul = bytes.indexOf(0);
    const text = (nul < 0 ? bytes : bytes.slice(0, nul))
      .map((c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '\ufffd'))
      .join('');
    return { value: null, text: text.trimEnd(), raw, valid: true };
  }
  if (point.type === 'bool') {
    const word = wire.readUInt16BE(0);
    return {
      value: point.bit === undefined ? Number(word !== 0) : (word >> point.bit) & 1,
      text: null,
      raw,
      valid: true,
    };
  }
  if (point.order === 'CDAB' || point.order === 'DCBA') words.reverse();
  const be = Buffer.concat(words);
  let number: number;
  switch (point.type) {
    case 'int16':
      number = be.readInt16BE(0);
      break;
    case 'uint16':
      number = be.readUInt16BE(0);
      break;
    case 'int32':
      number = be.readInt32BE(0);
      break;
    case 'uint32':
      number = be.readUInt32BE(0);
      break;
    case 'int64':
      number = Number(be.readBigInt64BE(0));
      break;
    case 'uint64':
      number = Number(be.readBigUInt64BE(0));
      break;
    case 'float32':
      number = be.readFloatBE(0);
      break;
    case 'float64':
      number = be.readDoubleBE(0);
      break;
    default: {
      const digits = be.toString('hex');
      number = /^\d+$/.test(digits) ? Number.parseInt(digits, 10) : Number.NaN;
    }
  }
  if (!Number.isFinite(number)) return { value: null, text: null, raw, valid: false };
  const integral = point.type !== 'float32' && point.type !== 'float64';
  return { value: applyScale(point, number, integral), text: null, raw, valid: true };
}

/** Every type in every byte order, back to back from register 100, with a random scaling each. */
function everyKindOfPoint(random: () => number): PointDef[] {
  const points: PointDef[] = [];
  let address = 100;
  for (const type of TYPES) {
    for (const order of ORDERS) {
      const registers = registersFor(type) ?? 1 + Math.floor(random() * 4);
      const bit = type === 'bool' && random() < 0.5 ? { bit: Math.floor(random() * 16) } : {};
      const scaling = SCALINGS[Math.floor(random() * SCALINGS.length)]!;
      points.push(
        pointDef({ name: `${type}-${order}-${address}`, address, type, order, registers, ...bit, ...scaling }),
      );
      address += registers;
    }
  }
  return points;
}

function blockOf(points: PointDef[], address = 100, quantity?: number): ReadBlock {
  const last = points.reduce((end, p) => Math.max(end, p.address + p.registers), address);
  return { slave: 1, fn: 3, address, quantity: quantity ?? last - address, points };
}

/** A read response with random data, biased towards the edge bytes that make NaN, infinity and bad BCD. */
function randomResponse(quantity: number, random: () => number): Buffer {
  const buf = Buffer.alloc(3 + 2 * quantity + 2);
  const edges = [0x00, 0xff, 0x7f, 0x80, 0x20, 0x99];
  for (let i = 3; i < buf.length - 2; i++)
    buf[i] = random() < 0.15 ? edges[Math.floor(random() * edges.length)]! : Math.floor(random() * 256);
  return buf;
}

describe('decodeBlock', () => {
  it('gives the same value, text and raw bytes as an independent reading, for every type, byte order and scaling', () => {
    const random = seeded(7);
    let compared = 0;
    let invalidSeen = 0;
    for (let round = 0; round < 400; round++) {
      const points = everyKindOfPoint(random);
      const block = blockOf(points);
      const buf = randomResponse(block.quantity, random);
      const expected = points.map((p) => ({
        name: p.name,
        ...oracle(p, buf.subarray(3 + 2 * (p.address - 100), 3 + 2 * (p.address - 100 + p.registers))),
      }));
      const { samples, invalid } = decodeBlock('dtu-1', block, buf, 3, 1234);
      const valid = expected.filter((e) => e.valid);
      expect(invalid).toBe(expected.length - valid.length);
      expect(samples.map((s) => s.point)).toEqual(valid.map((e) => e.name));
      samples.forEach((s, i) => {
        const e = valid[i]!;
        expect(Object.is(s.value, e.value), `${e.name}: ${s.value} vs ${e.value}`).toBe(true);
        expect({ text: s.text, raw: s.raw }, e.name).toEqual({ text: e.text, raw: e.raw });
      });
      compared += points.length;
      invalidSeen += invalid;
    }
    expect(compared).toBe(400 * 48);
    expect(invalidSeen).toBeGreaterThan(0);
  });

  it('decodes every fixture case inside a block exactly as decodePoint does', () => {
    for (const [i, vector] of vectors.decoding.entries()) {
      const point = pointDef({
        name: `v${i}`,
        address: 1017,
        type: vector.type,
        order: vector.order ?? 'ABCD',
        registers: vector.registers.length,
        scale: vector.scale ?? 1,
        ...(vector.bit === undefined ? {} : { bit: vector.bit }),
      });
      const registers = new Array<number>(30).fill(0xabcd);
      vector.registers.forEach((r, j) => (registers[17 + j] = r));
      const buf = Buffer.concat([hex('01033c'), registerBytes(registers), hex('0000')]);
      const { samples } = decodeBlock('dtu-1', blockOf([point], 1000, 30), buf, 3, 99);
      const single = decodePoint(point, buf, 3, 1000);
      expect(samples, point.name).toEqual([
        {
          deviceId: 'dtu-1',
          point: `v${i}`,
          slave: 1,
          address: 1017,
          value: single.value,
          text: single.text,
          raw: single.raw,
          ts: 99,
          quality: 'good',
        },
      ]);
    }
  });

  it('reads coils bit by bit, LSB first', () => {
    const coils = [19, 20, 29, 37].map((address) => pointDef({ name: `c${address}`, fn: 1, address, type: 'bool' }));
    const block: ReadBlock = { slave: 1, fn: 1, address: 19, quantity: 19, points: coils };
    const { samples } = decodeBlock('dtu-1', block, hex('010103cd6b054282'), 3, 0);
    expect(samples.map((s) => [s.point, s.value, s.raw])).toEqual([
      ['c19', 1, '01'],
      ['c20', 0, '00'],
      ['c29', 0, '00'],
      ['c37', 1, '01'],
    ]);
  });

  it('refuses a response too short for the block, naming the first point that does not fit', () => {
    const points = [
      pointDef({ name: 'a', address: 100 }),
      pointDef({ name: 'b', address: 101, type: 'int32', registers: 2 }),
    ];
    expect(() => decodeBlock('dtu-1', blockOf(points), registerBytes([1, 2]), 0, 0)).toThrow(
      /point b at 101 lies outside/,
    );
  });

  it('encodes each block request once and hands out the same bytes every time', () => {
    const block = blockOf([pointDef({ address: 100 })], 100, 10);
    const first = blockRequest(block);
    expect(first.request.subarray(0, 6).toString('hex')).toBe('01030064000a');
    expect(blockRequest(block)).toBe(first);
    expect(first.expectation).toMatchObject({ slave: 1, fn: 3, address: 100, quantity: 10 });
  });
});
