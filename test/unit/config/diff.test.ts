// The config diff names exactly the parts a live reload must touch, and what needs a restart.
import { describe, expect, it } from 'vitest';
import { diffConfig, runningAfterReload, same } from '../../../src/config/diff.js';
import { loadConfig } from '../../../src/config/load.js';
import type { DtuhubConfig } from '../../../src/domain/config.js';
import { withConfigDir } from './temp-config.js';

const SERVER = `version: 1
storage: { driver: sqlite, path: ./a.db }
web: { enabled: false }
logging: { level: info }
listeners:
  - { name: north, port: 22401, link: plain }
  - { name: south, port: 22402, link: typed-link }
channels:
  - { name: plc, type: modbus-tcp, host: 127.0.0.1, port: 5020, device: plc-1, profile: meter }
  - { name: boiler, type: modbus-tcp, host: 127.0.0.1, port: 5021, device: boiler-1, profile: station }
`;

const POINTS = `version: 1
links:
  plain: { framing: transparent }
  typed-link: { framing: typed }
profiles:
  station:
    tasks: [{ name: all, points: all, every: 30s }]
    points: [{ name: temperature, address: 0, type: int16, scale: 0.1 }]
  meter:
    tasks: [{ name: all, points: all, every: 10s }]
    points: [{ name: energy, address: 0, type: uint32 }]
devices:
  - { id: DTU-1, profile: station, name: Boiler room }
  - { id: DTU-2, profile: meter }
  - default: station
`;

const RULES = `version: 1
webhooks:
  ops: { url: "http://127.0.0.1:9000/hook" }
  audit: { url: "http://127.0.0.1:9001/hook" }
mqtt:
  local: { url: "mqtt://127.0.0.1:1883" }
  cloud: { url: "mqtt://127.0.0.1:1884" }
rules:
  - { name: hot, point: temperature, when: { '>': 30 }, actions: [{ log: warn }] }
  - { name: up-down, on: [device.online, device.offline], actions: [{ webhook: ops }] }
  - { name: publish, on: device.online, actions: [{ mqtt: local, topic: up }, { mqtt: cloud, topic: up }] }
`;

function load(files: { server?: string; points?: string; rules?: string }): DtuhubConfig {
  return withConfigDir(
    { server: files.server ?? SERVER, points: files.points ?? POINTS, rules: files.rules ?? RULES },
    (dir) => loadConfig(dir, {}),
  );
}

const base = load({});

function changes(files: { server?: string; points?: string; rules?: string }) {
  const { changes, needsRestart } = diffConfig(base, load(files));
  return { changes: changes.map((c) => `${c.scope} ${c.name} ${c.action}`), needsRestart };
}

describe('diffConfig', () => {
  it('finds nothing between two loads of the same files', () => {
    expect(changes({})).toEqual({ changes: [], needsRestart: [] });
  });

  it('names a profile whose point changed, and the channel polling with it', () => {
    const points = POINTS.replace('scale: 0.1', 'scale: 0.5');
    expect(changes({ points }).changes).toEqual(['channel boiler changed', 'profile station changed']);
  });

  it('names a renamed device entry alone', () => {
    const points = POINTS.replace('name: Boiler room', 'name: Boiler hall');
    expect(changes({ points }).changes).toEqual(['device DTU-1 changed']);
  });

  it('names added and removed device entries by ID, pattern or * for the default', () => {
    const points = POINTS.replace('  - { id: DTU-2, profile: meter }\n', '  - { pattern: "^M-", profile: meter }\n');
    expect(changes({ points }).changes).toEqual(['device /^M-/ added', 'device DTU-2 removed']);
  });

  it('names a changed link and every listener speaking it', () => {
    const points = POINTS.replace(
      'typed-link: { framing: typed }',
      'typed-link: { framing: typed, unknownIds: reject }',
    );
    expect(changes({ points }).changes).toEqual(['link typed-link changed', 'listener south changed']);
  });

  it('names a listener whose port changed, and added and removed ones', () => {
    const server = SERVER.replace('port: 22402', 'port: 22412').replace(
      '  - { name: north, port: 22401, link: plain }\n',
      '  - { name: east, port: 22403, link: plain }\n',
    );
    expect(changes({ server }).changes).toEqual([
      'listener east added',
      'listener north removed',
      'listener south changed',
    ]);
  });

  it('names a changed channel alone', () => {
    const server = SERVER.replace('port: 5020', 'port: 5030');
    expect(changes({ server }).changes).toEqual(['channel plc changed']);
  });

  it('names a changed rule and a changed webhook endpoint alone', () => {
    const rules = RULES.replace("'>': 30", "'>': 35").replace('9001/hook', '9002/hook');
    expect(changes({ rules }).changes).toEqual(['rule hot changed', 'webhook audit changed']);
  });

  it('names a changed, an added and a removed MQTT broker alone, none as needing a restart', () => {
    const rules = RULES.replace('1883', '1885')
      .replace(
        '  cloud: { url: "mqtt://127.0.0.1:1884" }',
        '  edge: { url: "mqtt://127.0.0.1:1886", clientId: dtuhub-edge }',
      )
      .replace('{ mqtt: cloud, topic: up }', '{ mqtt: edge, topic: up }');
    expect(changes({ rules })).toEqual({
      changes: ['mqtt cloud removed', 'mqtt edge added', 'mqtt local changed', 'rule publish changed'],
      needsRestart: [],
    });
    // The running config takes the new brokers, so the next reload compares with them.
    expect(runningAfterReload(base, load({ rules })).rules?.mqtt.get('local')?.url).toBe('mqtt://127.0.0.1:1885');
  });

  it('lists live server sections as changes, the rest as needing a restart', () => {
    const server = SERVER.replace('level: info', 'level: debug')
      .replace('./a.db', './b.db')
      .replace(
        'web: { enabled: false }',
        'web: { enabled: false, port: 8099 }\nretention: { rawPackets: 2d, recordRawPackets: all }\nwriteBuffer: { maxRows: 500 }',
      );
    expect(changes({ server })).toEqual({
      changes: [
        'server logging.level changed',
        'server retention.rawPacketsMs changed',
        'server retention.recordRawPackets changed',
        'server writeBuffer changed',
      ],
      needsRestart: ['storage', 'web.port'],
    });
  });

  it('names each changed retention age, cap and the sweep interval as live, none as needing a restart', () => {
    const server = SERVER.replace(
      'web: { enabled: false }',
      'web: { enabled: false }\nretention: { deviceData: 30d, rawPacketsMaxRows: 500, rawPacketsMaxBytes: 1MiB, sweepInterval: 5m }',
    );
    expect(changes({ server })).toEqual({
      changes: [
        'server retention.deviceDataMs changed',
        'server retention.rawPacketsMaxBytes changed',
        'server retention.rawPacketsMaxRows changed',
        'server retention.sweepIntervalMs changed',
      ],
      needsRestart: [],
    });
  });

  it('does not ask for a restart when an automatic timer resolution follows a new poll interval', () => {
    const points = POINTS.replace('every: 10s', 'every: 1s');
    expect(changes({ points })).toEqual({
      changes: ['channel plc changed', 'profile meter changed'],
      needsRestart: [],
    });
  });

  it('asks for a restart when the session limits change', () => {
    const server = SERVER.replace('logging:', 'sessions: { heartbeatInterval: 120s }\nlogging:');
    expect(changes({ server }).needsRestart).toEqual(['sessions.heartbeatIntervalMs']);
  });
});

describe('runningAfterReload', () => {
  it('takes the new config but keeps what needs a restart, so later reloads still report it', () => {
    const server = SERVER.replace('./a.db', './b.db')
      .replace('level: info', 'level: debug')
      .replace(
        'web: { enabled: false }',
        'web: { enabled: false }\nretention: { rawPackets: 2d, recordRawPackets: all }',
      );
    const next = load({ server, points: POINTS.replace('scale: 0.1', 'scale: 0.5') });
    const running = runningAfterReload(base, next);
    expect(running.server.storage).toEqual(base.server.storage);
    expect(running.server.logging.level).toBe('debug');
    expect(running.server.retention).toEqual(next.server.retention);
    expect(running.points).toBe(next.points);
    expect(diffConfig(running, next)).toEqual({ changes: [], needsRestart: ['storage'] });
  });
});

describe('same', () => {
  it('compares maps, buffers, regexes, arrays and records by content', () => {
    expect(same(new Map([['a', [1, { b: /x/g }]]]), new Map([['a', [1, { b: /x/g }]]]))).toBe(true);
    expect(same(new Map([['a', 1]]), new Map([['a', 2]]))).toBe(false);
    expect(same(Buffer.from('ab'), Buffer.from('ab'))).toBe(true);
    expect(same(Buffer.from('ab'), Buffer.from('ac'))).toBe(false);
    expect(same(/x/g, /x/i)).toBe(false);
    expect(same({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(same([1, 2], [1, 2, 3])).toBe(false);
    expect(same(null, {})).toBe(false);
  });
});
