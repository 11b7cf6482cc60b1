// A value stored as "read it from the raw bytes" must read back bit for bit, whatever the
// decoder the writer picked; values no decoder gives back stay stored.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { qualityColumn, qualityFromColumn, valueFromColumns } from '../../../src/storage/raw-value.js';
import { decoderFor, sqliteValueBytes, valueFromRaw } from '../../../src/storage/value-from-raw.js';
import { ValueDecoderChoice } from '../../../src/storage/value-decoder-choice.js';
import { roundTo } from '../../../src/protocol/modbus/scaling.js';

describe('value decoders', () => {
  it("gives back the gateway's scaled int16, uint16, float32 and uint32 values exactly", () => {
    const i16 = Buffer.from([0x00, 0xfd]); // 253
    expect(valueFromRaw(decoderFor(roundTo(253 * 0.1, 1), i16, 0), i16)).toBe(25.3);
    const neg = Buffer.from([0xff, 0x38]); // -200
    expect(valueFromRaw(decoderFor(-2, neg, 0), neg)).toBe(-2);
    const f = Buffer.alloc(4);
    f.writeFloatBE(21.7);
    const float = f.readFloatBE(0);
    expect(valueFromRaw(decoderFor(float, f, 0), f)).toBe(float);
    const cdab = Buffer.from([f[2]!, f[3]!, f[0]!, f[1]!]);
    expect(valueFromRaw(decoderFor(float, cdab, 0), cdab)).toBe(float);
    const u32 = Buffer.from([0x00, 0x4c, 0x4b, 0x40]); // 5,000,000
    expect(valueFromRaw(decoderFor(5_000_000, u32, 0), u32)).toBe(5_000_000);
  });

  it('finds no decoder for a value the bytes do not give (an offset, a float scale, noise)', () => {
    expect(decoderFor(25.31, Buffer.from([0x00, 0xfd]), 0)).toBe(0);
    expect(decoderFor(1, Buffer.from([1, 2, 3]), 0)).toBe(0);
    expect(valueFromRaw(0, Buffer.from([0, 1]))).toBeNull();
    expect(valueFromRaw(1, Buffer.from([0, 1, 2, 3]))).toBeNull();
  });

  it('reads back every value exactly from any bytes, stored or decoded (property)', () => {
    fc.assert(
      fc.property(
        fc
          .uint8Array({ minLength: 2, maxLength: 2 })
          .chain((b) => fc.tuple(fc.constant(b), fc.constantFrom(1, 10, 100, 1000), fc.boolean())),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        ([bytes2, divisor, signed], bytes4) => {
          const choice = new ValueDecoderChoice('sqlite');
          const b2 = Buffer.from(bytes2);
          const b4 = Buffer.from(bytes4);
          const cases: [number, Buffer][] = [
            [(signed ? b2.readInt16BE(0) : b2.readUInt16BE(0)) / divisor, b2],
            [b4.readFloatBE(0), b4],
            [b4.readUInt32LE(0), b4],
            [b4.readFloatBE(0) + 0.5, b4],
          ];
          for (const [value, raw] of cases) {
            if (!Number.isFinite(value)) continue;
            const id = choice.choose(7, value, raw);
            const back = valueFromColumns(id === 0 ? value : null, raw, qualityColumn('good', false, id));
            expect(Object.is(back, value)).toBe(true);
            if (id !== 0) expect(sqliteValueBytes(value)).toBeGreaterThan(id === 1 ? 0 : 1);
          }
        },
      ),
    );
  });

  it('keeps the quality and the raw text flag apart from the decoder id', () => {
    expect(qualityFromColumn(qualityColumn('good', false, 9))).toBe('good');
    expect(qualityColumn('good', true, 0)).toBe(0x80);
    expect(valueFromColumns(null, Buffer.from([0, 1]), 0x80)).toBeNull();
  });
});
