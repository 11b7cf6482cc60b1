import { describe, expect, it } from 'vitest';
import { sampleLine, tsvField } from '../../../src/storage/mysql/sample-tsv.js';
import { storedRaw } from '../../../src/storage/raw-value.js';

describe('LOAD DATA lines for device_data', () => {
  it('escapes the characters LOAD DATA reads specially and leaves the rest alone', () => {
    expect(tsvField('plain 温度 ok')).toBe('plain 温度 ok');
    expect(tsvField('a\tb\nc\\d\re\0f')).toBe('a\\tb\\nc\\\\d\\re\\0f');
  });

  it('writes one tab-separated line per row, \\N for NULL, numbers as JavaScript prints them', () => {
    const row = {
      deviceId: 7,
      ts: 1_700_000_000_123,
      pointId: 3,
      raw: storedRaw('00fd'),
      quality: 0,
    };
    expect(sampleLine({ ...row, value: 25.3, text: null })).toBe('7\t1700000000123\t3\t25.3\t\\N\t00fd\t0\n');
    expect(sampleLine({ ...row, value: null, text: 'SN\t1' })).toBe('7\t1700000000123\t3\t\\N\tSN\\t1\t00fd\t0\n');
    expect(sampleLine({ ...row, value: -1.5e-7, text: null })).toContain('\t-1.5e-7\t');
    expect(sampleLine({ ...row, value: 0.1 + 0.2, text: null })).toContain('\t0.30000000000000004\t');
  });

  it('carries raw bytes as hex, text raw values as the hex of their UTF-8 bytes', () => {
    const row = { deviceId: 1, ts: 5, pointId: 2, value: 1, text: null };
    expect(sampleLine({ ...row, raw: storedRaw(''), quality: 0 })).toBe('1\t5\t2\t1\t\\N\t\t0\n');
    expect(sampleLine({ ...row, raw: storedRaw('"a\tb"'), quality: 128 })).toBe('1\t5\t2\t1\t\\N\t2261096222\t128\n');
  });
});
