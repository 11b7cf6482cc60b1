import { describe, expect, it } from 'vitest';
import { BatchFormatError, decodeBatch, encodeBatch } from '../../../../src/storage/spill/batch-codec.js';
import { SAMPLE_STORED_AND_COUNTED, WriteBatchBuilder } from '../../../../src/storage/write-batch.js';
import { mixedBatch, plain } from './spill-batches.js';

describe('spill batch codec', () => {
  it('gives back every row of every kind exactly', () => {
    const batch = mixedBatch(7, 300);
    const decoded = decodeBatch(encodeBatch(batch));
    expect(plain(decoded)).toEqual(plain(batch));
    expect(decoded.samples.hasValue[3]).toBe(0);
    expect(decoded.strings[decoded.samples.text[3]!]).toBe('SN-ä');
  });

  it('keeps NaN, -0 and huge values apart from null', () => {
    const b = new WriteBatchBuilder();
    for (const value of [Number.NaN, -0, 1e308, null]) {
      b.sample({
        deviceId: 'D',
        point: 'x',
        slave: 1,
        address: 0,
        value,
        text: null,
        raw: '0000',
        ts: 1,
        quality: 'good',
      });
    }
    const { samples } = decodeBatch(encodeBatch(b.finish()));
    expect(samples.value[0]).toBeNaN();
    expect(Object.is(samples.value[1], -0)).toBe(true);
    expect(samples.value[2]).toBe(1e308);
    expect(samples.hasValue[3]).toBe(0);
  });

  it('reads a record journaled before batches carried events or sample flags (version 1)', () => {
    const batch = mixedBatch(5);
    const bytes = encodeBatch(batch);
    const jsonLength = bytes.readUInt32LE(1);
    const meta = JSON.parse(bytes.subarray(5, 5 + jsonLength).toString('utf8')) as Record<string, unknown>;
    delete meta['events'];
    const json = Buffer.from(JSON.stringify(meta), 'utf8');
    const header = Buffer.alloc(5);
    header.writeUInt8(1, 0);
    header.writeUInt32LE(json.length, 1);
    // Version 1 had no flags column: the last sample column, one byte per sample.
    const samples = bytes.subarray(5 + jsonLength);
    const n = samples.readUInt32LE(0);
    const flagsAt = 4 + n * (4 + 4 + 4 + 4 + 8 + 1 + 4 + 4 + 8 + 4);
    const body = Buffer.concat([samples.subarray(0, flagsAt), samples.subarray(flagsAt + n)]);
    const old = decodeBatch(Buffer.concat([header, json, body]));
    expect(old.events).toEqual([]);
    expect(old.devices).toEqual(batch.devices);
    expect(n).toBeGreaterThan(0);
    expect([...old.samples.flags]).toEqual(new Array(n).fill(SAMPLE_STORED_AND_COUNTED));
    expect([...old.samples.ts]).toEqual([...batch.samples.ts.subarray(0, n)]);
  });

  it('encodes an empty batch', () => {
    const batch = new WriteBatchBuilder().finish('empty-1');
    expect(plain(decodeBatch(encodeBatch(batch)))).toEqual(plain(batch));
  });

  it('decodes from any byte offset (columns are realigned)', () => {
    const batch = mixedBatch(3);
    const bytes = encodeBatch(batch);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(plain(decodeBatch(shifted.subarray(3)))).toEqual(plain(batch));
  });

  it('refuses every truncation with BatchFormatError', () => {
    const bytes = encodeBatch(mixedBatch(1, 10));
    for (let cut = 0; cut < bytes.length; cut += 7) {
      expect(() => decodeBatch(bytes.subarray(0, cut)), `cut at ${cut}`).toThrow(BatchFormatError);
    }
  });

  it('never throws anything but BatchFormatError on random bytes', () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let round = 0; round < 500; round++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256));
      if (round % 2 === 0) bytes[0] = 1; // get past the version byte half of the time
      try {
        decodeBatch(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(BatchFormatError);
      }
    }
  });
});
