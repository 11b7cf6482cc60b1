import { describe, expect, it } from 'vitest';
import { sampleLine, tsvField } from '../../../src/storage/mysql/sample-tsv.js';

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
      slave: 1,
      address: 2000,
      raw: '00fd',
      quality: 'good',
    };
    expect(sampleLine({ ...row, value: 25.3, text: null })).toBe(
      '7\t1700000000123\t3\t1\t2000\t25.3\t\\N\t00fd\tgood\n',
    );
    expect(sampleLine({ ...row, value: null, text: 'SN\t1' })).toBe(
      '7\t1700000000123\t3\t1\t2000\t\\N\tSN\\t1\t00fd\tgood\n',
    );
    expect(sampleLine({ ...row, value: -1.5e-7, text: null })).toContain('\t-1.5e-7\t');
    expect(sampleLine({ ...row, value: 0.1 + 0.2, text: null })).toContain('\t0.30000000000000004\t');
  });
});
