import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { MINIMAL_POINTS, MINIMAL_SERVER, withConfigDir } from './temp-config.js';

/** Loads and returns the issues (relative file names), failing if the config loads. */
function issuesOf(files: { server?: string; points?: string }, env: NodeJS.ProcessEnv = {}): ConfigIssue[] {
  return withConfigDir(files, (dir) => {
    try {
      loadConfig(dir, env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).issues.map((i) => ({ ...i, file: i.file.replace(dir + '/', '') }));
    }
    throw new Error('expected the config to be rejected');
  });
}

/** `file:line:column field: message` lines, for compact assertions. */
function linesOf(files: { server?: string; points?: string }, env: NodeJS.ProcessEnv = {}): string[] {
  return issuesOf(files, env).map((i) => `${i.file}:${i.line}:${i.column} ${i.field}: ${i.message}`);
}

const BROKEN_SERVER = `version: 1
listeners:
  - name: dtu
    port: 22334
    link: transparent
    colour: blue
web:
  port: "eighty"
sessions:
  heartbeatInterval: 10 minutes
storage:
  path: \${DB_PATH}
`;

const BROKEN_POINTS = `version: 1
links:
  transparent:
    framing: transparent
    registration:
      type: ascii
      pattern: "^ID:(\\\\w+"
profiles:
  station:
    tasks:
      - name: big
        address: 0
        quantity: 126
        every: 30s
      - name: small
        address: 1000
        quantity: 10
        every: 1m
    points:
      - name: a
        address: 0
        type: int16
      - name: b
        address: 1000
        type: float32
      - name: c
        address: 1001
        type: uint16
      - name: a
        address: 1005
        type: uint16
      - name: d
        address: 5000
        type: uint16
devices:
  - default: nowhere
`;

describe('a broken config', () => {
  it('reports every problem at once with file, line, column and field', () => {
    expect(linesOf({ server: BROKEN_SERVER, points: BROKEN_POINTS })).toEqual([
      'points.yml:7:7 links.transparent.registration.pattern: is not a valid regular expression: /^ID:(\\w+/: Unterminated group',
      'points.yml:13:9 profiles.station.tasks[0].quantity: reads 126 registers; Modbus allows at most 125 registers per request with function 3',
      'points.yml:27:9 profiles.station.points[2].address: overlaps "b" (line 23): both read slave 1 function 3 address 1001 (b: 1000–1001)',
      'points.yml:29:9 profiles.station.points[3].name: duplicate point name "a" (first at line 20)',
      'points.yml:32:9 profiles.station.points[4]: "d" (slave 1 function 3 address 5000) is not read by any task: it is not wholly inside any task range and no task lists it',
      'points.yml:36:5 devices[0].default: unknown profile "nowhere" (known: station)',
      'server.yml:6:5 listeners[0].colour: unknown key',
      'server.yml:8:3 web.port: must be an integer',
      'server.yml:10:3 sessions.heartbeatInterval: must be a duration like 30s, 500ms, 2m, 1h, 7d, or whole milliseconds',
      'server.yml:12:3 storage.path: environment variable DB_PATH is not set',
    ]);
  });

  it('carries the issues on the error message too, one line each', () => {
    withConfigDir({ server: BROKEN_SERVER, points: BROKEN_POINTS }, (dir) => {
      expect(() => loadConfig(dir, {})).toThrow(
        `${join(dir, 'server.yml')}:12:3 storage.path: environment variable DB_PATH is not set`,
      );
    });
  });
});

describe('file-level problems', () => {
  it('names a missing file without a line', () => {
    const issues = issuesOf({ server: MINIMAL_SERVER });
    expect(issues).toEqual([{ file: 'points.yml', line: null, column: null, field: '', message: 'file not found' }]);
  });

  it('reports YAML syntax errors with their line, and nothing that follows from them', () => {
    const lines = linesOf({ server: MINIMAL_SERVER, points: 'version: 1\nlinks: [a, b\nprofiles: {}\n' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^points\.yml:3:1 : YAML: /);
  });

  it('reports a duplicate profile name and still checks the rest of the file', () => {
    const points = MINIMAL_POINTS.replace('devices:', '  station:\n    colour: red\ndevices:');
    expect(linesOf({ server: MINIMAL_SERVER, points })).toEqual([
      'points.yml:15:3 : duplicate key: each name may appear only once in a mapping',
      'points.yml:16:5 profiles.station.colour: unknown key',
    ]);
  });

  it('requires the format version', () => {
    expect(linesOf({ server: MINIMAL_SERVER.replace('version: 1', 'version: 2'), points: MINIMAL_POINTS })).toEqual([
      'server.yml:1:1 version: must be 1',
    ]);
  });

  it('treats an empty file as a missing mapping', () => {
    expect(linesOf({ server: '', points: MINIMAL_POINTS })).toEqual(['server.yml:1:1 : must be a mapping']);
  });
});

describe('schema checks', () => {
  it('suggests the intended key for a typo', () => {
    const points = MINIMAL_POINTS.replace('        address: 0', '        adress: 0');
    expect(linesOf({ server: MINIMAL_SERVER, points })).toEqual([
      'points.yml:12:9 profiles.station.points[0].address: is required (or identifier: for a DL/T 645 meter point)',
      'points.yml:13:9 profiles.station.points[0].adress: unknown key (did you mean "address"?)',
    ]);
  });

  it('points a missing field at its parent mapping', () => {
    const issues = issuesOf({ server: MINIMAL_SERVER, points: MINIMAL_POINTS.replace('        type: int16\n', '') });
    expect(issues).toEqual([
      {
        file: 'points.yml',
        line: 12,
        column: 9,
        field: 'profiles.station.points[0].type',
        message: 'is required (or identifier: for a DL/T 645 meter point)',
      },
    ]);
  });

  it('rejects an address beyond 65535 and an unknown type', () => {
    const points = MINIMAL_POINTS.replace('address: 0', 'address: 70000').replace('type: int16', 'type: int24');
    expect(linesOf({ server: MINIMAL_SERVER, points })).toEqual([
      'points.yml:13:9 profiles.station.points[0].address: must be ≤ 65535',
      'points.yml:14:9 profiles.station.points[0].type: must be one of: bool, int16, uint16, int32, uint32, int64, uint64, float32, float64, string, bcd, bcd16, bcd32',
    ]);
  });

  it('rejects an unknown registration type', () => {
    const points = MINIMAL_POINTS.replace(
      '    framing: transparent\n',
      '    framing: transparent\n    registration: { type: imei }\n',
    );
    expect(linesOf({ server: MINIMAL_SERVER, points })).toEqual([
      'points.yml:5:21 links.transparent.registration.type: must be one of: ascii, hex, integer, fixed',
    ]);
  });

  it('rejects a key that belongs to another registration type', () => {
    const points = MINIMAL_POINTS.replace(
      '    framing: transparent\n',
      '    framing: transparent\n    registration: { type: integer, length: 4 }\n',
    );
    expect(linesOf({ server: MINIMAL_SERVER, points })).toEqual([
      'points.yml:5:36 links.transparent.registration.length: unknown key',
    ]);
  });
});
