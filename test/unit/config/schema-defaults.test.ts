// Defaults come from the schema and are applied while checking; a value the schema rejects
// is reported once, and the checks that need more than one field still run in that pass.
import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { MINIMAL_POINTS, MINIMAL_SERVER, withConfigDir } from './temp-config.js';

function messages(files: { server?: string; points?: string }): string[] {
  return withConfigDir({ server: MINIMAL_SERVER, points: MINIMAL_POINTS, ...files }, (dir) => {
    try {
      loadConfig(dir, {});
    } catch (err) {
      return (err as ConfigError).issues.map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`);
    }
    return [];
  });
}

describe('schema defaults', () => {
  it('fills in every default of server.yml and of a profile’s timing', () => {
    withConfigDir({ server: MINIMAL_SERVER, points: MINIMAL_POINTS }, (dir) => {
      const { server, points } = loadConfig(dir, {});
      expect(server.retention).toEqual({
        deviceDataMs: 365 * 86_400_000,
        minuteRollupsMs: 730 * 86_400_000,
        hourRollupsMs: 0,
        heartbeatLogMs: 7 * 86_400_000,
        rawPacketsMs: 3 * 86_400_000,
        connectionHistoryMs: 90 * 86_400_000,
        rawPacketsMaxRows: 100_000,
        recordRawPackets: 'errors',
        rawPacketsMaxBytes: 16 * 2 ** 20,
        rawPacketMaxBytes: 256,
        rawPacketBytesPerMinute: 64 * 1024,
        sweepIntervalMs: 3_600_000,
      });
      expect(server.storage).toEqual({
        driver: 'sqlite',
        path: 'data/dtuhub.db',
        cacheSizeBytes: 32 * 2 ** 20,
        pageSizeBytes: 1024,
      });
      expect(server.logging).toEqual({ level: 'info', pretty: false });
      expect(points.profiles.get('station')?.timing).toEqual({
        responseTimeoutMs: 3000,
        retries: 1,
        interRequestDelayMs: 50,
        quietAfterTimeoutMs: 200,
        maxReadGap: 10,
        backoffAfterFailures: 3,
        backoffInitialMs: 5000,
        backoffMaxMs: 300_000,
      });
      expect(points.links.get('transparent')).toMatchObject({
        unknownIds: 'accept',
        duplicateIds: 'replace',
        typed: null,
      });
    });
  });

  it('reports a rejected value once and still runs the cross-field checks of the file', () => {
    const server = `version: 1
listeners:
  - { name: dtu, port: 22334, link: transparent }
  - { name: dtu, port: 22335, link: transparent }
  - { name: other, port: "x", link: transparent }
web:
  port: "eighty"
writeBuffer:
  maxRows: 0
  maxPendingRows: 10
`;
    expect(messages({ server })).toEqual([
      '4:7 listeners[1].name: duplicate listener name "dtu" (first at line 3)',
      '5:20 listeners[2].port: must be an integer',
      '7:3 web.port: must be an integer',
      '9:3 writeBuffer.maxRows: must be ≥ 1',
      // Checked against maxRows' default (5000), the rejected 0 having been dropped.
      '10:3 writeBuffer.maxPendingRows: must be at least writeBuffer.maxRows (5000)',
    ]);
  });

  it('reports only the storage keys written in the file as belonging to the other driver', () => {
    expect(
      messages({ server: `${MINIMAL_SERVER}storage:\n  driver: mysql\n  user: u\n  database: d\n  cacheSize: 8MiB\n` }),
    ).toEqual(['10:3 storage.cacheSize: applies only to driver: sqlite']);
  });

  it('fills in the defaults of points and tasks', () => {
    const points = MINIMAL_POINTS.replace(
      '        type: int16\n',
      '        type: int16\n      - { name: flag, address: 1, type: bool, bit: 0 }\n',
    ).replace(
      '        every: 30s\n',
      '        every: 30s\n      - { name: range, address: 0, quantity: 2, every: 1m }\n',
    );
    withConfigDir({ server: MINIMAL_SERVER, points }, (dir) => {
      const profile = loadConfig(dir, {}).points.profiles.get('station')!;
      expect(profile.slaves).toEqual([{ id: 1, name: 'slave 1' }]);
      expect(profile.points[0]).toEqual({
        name: 'temperature',
        slave: 1,
        fn: 3,
        address: 0,
        type: 'int16',
        order: 'ABCD',
        registers: 1,
        scale: 1,
        offset: 0,
        history: { mode: 'every' },
      });
      const range = profile.tasks.find((t) => t.name === 'range')!;
      expect(range.blocks.map((b) => [b.slave, b.fn, b.address, b.quantity])).toEqual([[1, 3, 0, 2]]);
    });
  });

  it('leaves out a point or task whose meaning a rejected value changes, without follow-on errors', () => {
    const points = MINIMAL_POINTS.replace(
      '        every: 30s\n',
      '        every: 30s\n      - { name: odd, function: 7, address: 0, quantity: 1, every: 1s }\n' +
        '      - { name: far, slave: 300, address: 0, quantity: 1, every: 1s }\n',
    ).replace(
      '        type: int16\n',
      '        type: int16\n      - { name: c, address: 5, type: int16, function: 9 }\n',
    );
    expect(messages({ points })).toEqual([
      '11:22 profiles.station.tasks[1].function: must be one of: 1, 2, 3, 4',
      '12:22 profiles.station.tasks[2].slave: must be ≤ 247',
      '17:45 profiles.station.points[1].function: must be one of: 1, 2, 3, 4',
    ]);
  });

  it('reports tasks that are not a list instead of failing', () => {
    const points = MINIMAL_POINTS.replace(/ {4}tasks:\n(?: {6}.*\n| {8}.*\n)+/, '    tasks: lots\n');
    expect(messages({ points })[0]).toBe('7:5 profiles.station.tasks: must be a list');
  });

  it('fills in the channel defaults of the type and reports only the keys written for another type', () => {
    const server = `${MINIMAL_SERVER}channels:
  - name: api
    type: http
    url: http://127.0.0.1:1/values
    device: api-1
    points: [{ name: t, path: temp }]
  - name: plc
    type: modbus-tcp
    host: 10.0.0.5
    port: 502
    device: plc-1
    profile: station
    qos: 7
`;
    expect(messages({ server })).toEqual([
      '18:5 channels[1].qos: must be one of: 0, 1, 2',
      '18:5 channels[1].qos: does not apply to a modbus-tcp channel',
    ]);
    withConfigDir({ server: server.replace(/ {4}qos: 7\n/, ''), points: MINIMAL_POINTS }, (dir) => {
      const [http, modbus] = loadConfig(dir, {}).server.channels;
      expect(http).toMatchObject({ enabled: true, method: 'GET', everyMs: 30_000, timeoutMs: 10_000 });
      expect(http).toMatchObject({ backoff: { initialMs: 1000, maxMs: 300_000 }, tls: null });
      expect(http).toMatchObject({ points: [{ name: 't', scale: 1, offset: 0 }] });
      expect(modbus).toMatchObject({ connectTimeoutMs: 10_000, maxInFlight: 1 });
      expect(modbus).not.toHaveProperty('method');
    });
  });

  it('counts a rejected required channel key as written: no follow-on "needs"', () => {
    const server = `${MINIMAL_SERVER}channels:
  - name: plc
    type: modbus-tcp
    host: 10.0.0.5
    port: http
    device: plc-1
    profile: station
`;
    expect(messages({ server })).toEqual(['10:5 channels[0].port: must be an integer']);
  });
});
