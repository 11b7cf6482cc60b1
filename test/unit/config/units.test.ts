import { describe, expect, it } from 'vitest';
import { captureGroupCount, parseByteSize, parseDuration, parseHex } from '../../../src/config/units.js';
import { formatConfigIssues, formatYamlPath } from '../../../src/config/errors.js';

describe('parseDuration', () => {
  it('reads the documented units and plain milliseconds', () => {
    expect(['500ms', '30s', '2m', '1h', '7d', '1m30s', '1.5s', 250, '250'].map(parseDuration)).toEqual([
      500, 30_000, 120_000, 3_600_000, 604_800_000, 90_000, 1500, 250, 250,
    ]);
  });

  it('rejects anything else', () => {
    expect(['10 minutes', 's', '-5s', '5x', '', 1.5, -1, null].map(parseDuration)).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});

describe('byte strings and sizes', () => {
  it('parses sizes in bytes', () => {
    expect(['2 bytes', '4 bytes', '1 byte', '8bytes', 'two bytes', 4].map(parseByteSize)).toEqual([
      2,
      4,
      1,
      8,
      null,
      null,
    ]);
  });

  it('parses hex with optional spaces or 0x, and rejects odd digits', () => {
    expect(parseHex('fe 01')).toEqual(Buffer.from([0xfe, 0x01]));
    expect(parseHex('0xAA55')).toEqual(Buffer.from([0xaa, 0x55]));
    expect(parseHex('f0f')).toBeNull();
    expect(parseHex('zz')).toBeNull();
  });

  it('counts capture groups', () => {
    expect(captureGroupCount('^ID:(\\w+)$')).toBe(1);
    expect(captureGroupCount('^ID:\\w+$')).toBe(0);
  });
});

describe('issue formatting', () => {
  it('renders file:line:column field: message, one line each', () => {
    expect(
      formatConfigIssues([
        {
          file: 'config/points.yml',
          line: 42,
          column: 7,
          field: 'profiles.th-station.points[3].address',
          message: 'must be ≤ 65535',
        },
        { file: 'config/server.yml', line: null, column: null, field: '', message: 'file not found' },
      ]),
    ).toBe(
      'config/points.yml:42:7 profiles.th-station.points[3].address: must be ≤ 65535\nconfig/server.yml file not found',
    );
  });

  it('quotes path segments that are not plain names', () => {
    expect(formatYamlPath(['profiles', 'a.b', 'points', 0, 'name'])).toBe('profiles["a.b"].points[0].name');
    expect(formatYamlPath(['profiles', '温湿度', 'tasks', 1])).toBe('profiles.温湿度.tasks[1]');
  });
});
