import { describe, expect, it } from 'vitest';
import { qualityFromCell, rawFromCell, valueCell, valueFromCell } from '../../../src/storage/sqlite/value-cell.js';
import { decoderFor } from '../../../src/storage/value-from-raw.js';

const hex = (h: string) => Buffer.from(h, 'hex');

describe('the SQLite value cell (migration 014)', () => {
  it('stores a number as itself and no number as NULL', () => {
    expect(valueCell(21.5, 0, 'good')).toBe(21.5);
    expect(valueCell(null, 0, 'good')).toBeNull();
    expect(valueFromCell(21.5, hex('0001'))).toBe(21.5);
    expect(valueFromCell(null, hex('0001'))).toBeNull();
  });

  it('names decoder 1 with an empty BLOB and any other with its one byte, read back from the raw bytes', () => {
    const raw = hex('0901');
    expect(decoderFor(230.5, raw, 0)).toBe(1);
    expect(valueCell(null, 1, 'good')).toEqual(Buffer.alloc(0));
    expect(valueFromCell(Buffer.alloc(0), raw)).toBe(230.5);
    const counter = hex('ffff');
    const id = decoderFor(65535, counter, 0);
    expect(valueCell(null, id, 'good')).toEqual(Buffer.from([id]));
    expect(valueFromCell(Buffer.from([id]), counter)).toBe(65535);
  });

  it('gives no number for a decoder over raw text or raw bytes of another length', () => {
    expect(valueFromCell(Buffer.alloc(0), '"on"')).toBeNull();
    expect(valueFromCell(Buffer.alloc(0), hex('000102'))).toBeNull();
  });

  it('says good for every cell written today and reads a quality code from the long forms', () => {
    for (const cell of [null, 1.5, Buffer.alloc(0), Buffer.from([3])]) expect(qualityFromCell(cell)).toBe('good');
    expect(qualityFromCell(Buffer.from([3, 0]))).toBe('good');
    // [0, q, double]: a stored value beside a quality code.
    const long = Buffer.alloc(10);
    long.writeDoubleBE(-2.25, 2);
    expect(valueFromCell(long, hex('00'))).toBe(-2.25);
    expect(valueFromCell(Buffer.from([0, 0]), hex('00'))).toBeNull();
  });

  it('gives register bytes back as lowercase hex and raw text as it was stored', () => {
    expect(rawFromCell(hex('00ff'))).toBe('00ff');
    expect(rawFromCell(new Uint8Array(0))).toBe('');
    expect(rawFromCell('"21.5 °C"')).toBe('"21.5 °C"');
    expect(rawFromCell('00FF')).toBe('00FF');
  });
});
