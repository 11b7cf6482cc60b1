import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { csvField, csvLine, CsvWriter } from '../../../src/web/export/csv-writer.js';

describe('CSV fields', () => {
  it('quote fields with commas, quotes and line breaks, doubling the quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('write numbers as numbers, null as empty and dates as ISO 8601 UTC', () => {
    expect(csvField(-12.5)).toBe('-12.5');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)))).toBe('2026-01-02T03:04:05.006Z');
  });

  it('neutralise text a spreadsheet would run as a formula', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])
      expect(csvField(text).replace(/^"|"$/g, '').startsWith(`'`)).toBe(true);
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('温度')).toBe('温度');
  });

  it('end every line with CRLF', () => {
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
  });

  it('start the file with a UTF-8 byte-order mark and the header', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const writer = new CsvWriter(out, [
      { header: 'time', width: 1 },
      { header: '设备', width: 1 },
    ]);
    await writer.writePage([[new Date(0), 'DTU-1']]);
    await writer.end();
    const bytes = Buffer.concat(chunks);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe('time,设备\r\n1970-01-01T00:00:00.000Z,DTU-1\r\n');
  });
});
