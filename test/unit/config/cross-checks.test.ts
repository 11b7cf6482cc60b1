import { describe, expect, it } from 'vitest';
import { type ConfigError } from '../../../src/config/errors.js';
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

/** points.yml with one profile whose tasks and points are given as YAML text. */
function profileYaml(body: string, extra = ''): string {
  return `version: 1
links:
  transparent:
    framing: transparent
profiles:
  station:
${body}
devices:
  - default: station
${extra}`;
}

describe('cross-field checks in points.yml', () => {
  it('lets two bool points share a register on different bits, but not on the same bit', () => {
    const body = `    tasks:
      - { name: status, address: 10, quantity: 1, every: 5s }
    points:
      - { name: running, address: 10, type: bool, bit: 0 }
      - { name: alarm, address: 10, type: bool, bit: 1 }
      - { name: fault, address: 10, type: bool, bit: 1 }`;
    expect(messages({ points: profileYaml(body) })).toEqual([
      '12:24 profiles.station.points[2].address: overlaps "alarm" (line 11): both read slave 1 function 3 address 10 bit 1 (alarm: 10)',
    ]);
  });

  it('does not treat the same register on another slave or function as an overlap', () => {
    const body = `    slaves: [{ id: 1 }, { id: 2 }]
    tasks:
      - { name: all, points: all, every: 5s }
    points:
      - { name: a, address: 10, type: uint16 }
      - { name: b, address: 10, type: uint16, slave: 2 }
      - { name: c, address: 10, type: uint16, function: 4 }`;
    expect(messages({ points: profileYaml(body) })).toEqual([]);
  });

  it('limits coil and discrete-input reads to 2000 bits and the address space to 65535', () => {
    const body = `    tasks:
      - { name: coils, function: 1, address: 0, quantity: 2001, every: 5s }
      - { name: tail, address: 65530, quantity: 10, every: 5s }
    points:
      - { name: pump, function: 1, address: 3, type: bool }
      - { name: last, address: 65535, type: uint16 }`;
    expect(messages({ points: profileYaml(body) })).toEqual([
      '8:49 profiles.station.tasks[0].quantity: reads 2001 bits; Modbus allows at most 2000 bits per request with function 1',
      '9:39 profiles.station.tasks[1].quantity: 65530 + 10 runs past the last address 65535',
    ]);
  });

  it('reports duplicate task names, unknown point names in a task and a point on an unlisted slave', () => {
    const body = `    slaves: [{ id: 1 }]
    tasks:
      - { name: fast, points: [temp, tmep], every: 5s }
      - { name: fast, points: [temp], on: heartbeat }
    points:
      - { name: temp, address: 0, type: int16 }
      - { name: other, address: 9, type: int16, slave: 2 }`;
    expect(messages({ points: profileYaml(body) })).toEqual([
      '9:38 profiles.station.tasks[0].points[1]: unknown point "tmep"',
      '10:11 profiles.station.tasks[1].name: duplicate task name "fast" (first at line 9)',
      "13:49 profiles.station.points[1].slave: slave 2 is not in this profile's slaves",
    ]);
  });

  it('requires exactly one kind of task and exactly one schedule', () => {
    const body = `    tasks:
      - { name: both, points: all, address: 0, quantity: 1, every: 5s }
      - { name: none, every: 5s }
      - { name: twice, points: all, every: 5s, on: connect }
      - { name: never, points: all }
    points:
      - { name: temp, address: 0, type: int16 }`;
    expect(messages({ points: profileYaml(body) })).toEqual([
      '8:9 profiles.station.tasks[0]: give either points or address + quantity, not both',
      '9:9 profiles.station.tasks[1]: needs address + quantity (one read of that range) or points: [names] | all',
      '10:9 profiles.station.tasks[2]: give either every or on, not both',
      '11:9 profiles.station.tasks[3]: needs a schedule: every: <duration>, on: heartbeat or on: connect',
    ]);
  });

  it('checks sizes against types, allowing any even size for strings', () => {
    const body = `    tasks:
      - { name: all, points: all, every: 5s }
    points:
      - { name: a, address: 0, type: int16, size: 4 bytes }
      - { name: b, address: 10, type: float32, registers: 1 }
      - { name: c, address: 20, type: string, size: 20 bytes }
      - { name: d, address: 40, type: string, size: 3 bytes }
      - { name: e, address: 50, type: string }
      - { name: f, address: 60, type: int32, size: 4 bytes, registers: 2 }
      - { name: g, address: 70, type: bcd, size: 2 bytes }
      - { name: h, address: 80, type: uint16, size: two bytes }`;
    expect(messages({ points: profileYaml(body) })).toEqual([
      '10:45 profiles.station.points[0].size: int16 is 2 bytes (1 register), not 4 bytes',
      '11:48 profiles.station.points[1].registers: float32 is 4 bytes (2 registers), not 1 registers',
      '13:47 profiles.station.points[3].size: 3 bytes is not a whole number of 16-bit registers',
      '14:9 profiles.station.points[4]: a string point needs its length: size: "N bytes" or registers: N',
      '15:9 profiles.station.points[5]: give either size or registers, not both',
      '17:47 profiles.station.points[7].size: must be a size like "2 bytes" (or use registers: N)',
    ]);
  });

  it('only allows bool on coils and requires a bit for a bool read from a register', () => {
    const body = `    tasks:
      - { name: all, points: all, every: 5s }
    points:
      - { name: a, function: 2, address: 0, type: uint16 }
      - { name: b, address: 10, type: bool }
      - { name: c, address: 20, type: uint16, bit: 3 }`;
    expect(messages({ points: profileYaml(body) })).toEqual([
      '10:45 profiles.station.points[0].type: function 2 reads single bits; only type bool is allowed',
      '11:9 profiles.station.points[1]: a bool read from a register needs bit: 0..15 (0 = least significant)',
      '12:47 profiles.station.points[2].bit: only applies to type bool',
    ]);
  });

  it('rejects blocks an unsolicited link could not tell apart, only when such a link is in use', () => {
    const points = `version: 1
links:
  transparent:
    framing: transparent
  push:
    framing: unsolicited
profiles:
  station:
    tasks:
      - { name: a, address: 0, quantity: 10, every: 5s }
      - { name: b, address: 100, quantity: 10, every: 5s }
      - { name: c, address: 0, quantity: 10, on: heartbeat }
    points:
      - { name: x, address: 0, type: int16 }
      - { name: y, address: 100, type: int16 }
`;
    expect(messages({ points })).toEqual([]);
    const server = `${MINIMAL_SERVER}  - name: push\n    port: 22336\n    link: push\n`;
    expect(messages({ server, points })).toEqual([
      '11:9 profiles.station.tasks[1]: unsolicited link: a response from slave 1 function 3 with 20 data bytes could be address 0 (task "a") or 100 (task "b"); make the reads differ in length',
    ]);
  });

  it('reports unknown and duplicate device rules', () => {
    const points = MINIMAL_POINTS.replace(
      '  - default: station\n',
      `  - { id: DTU1, profile: station }
  - { id: DTU1, profile: station }
  - { id: 007001, profile: station }
  - { pattern: "^DTU[", profile: station }
  - { pattern: "^X", profile: ghost }
  - { id: A, pattern: B, profile: station }
  - default: station
  - default: station
`,
    );
    expect(messages({ points })).toEqual([
      '17:7 devices[1].id: device "DTU1" is listed twice (first at line 16)',
      '18:7 devices[2].id: write the ID in quotes: unquoted 007001 reads as the number 7001',
      '19:7 devices[3].pattern: is not a valid regular expression: /^DTU[/: Unterminated character class',
      '20:22 devices[4].profile: unknown profile "ghost" (known: station)',
      '21:5 devices[5]: give only one of id, pattern',
      '23:5 devices[7].default: a second default (the first is at line 22)',
    ]);
  });
});

describe('cross-field checks in server.yml', () => {
  it('reports duplicate listener names, clashing ports and unknown links', () => {
    const server = `version: 1
listeners:
  - { name: dtu, port: 22334, link: transparent }
  - { name: dtu, port: 22335, link: transparent }
  - { name: second, host: 127.0.0.1, port: 22334, link: transparent }
  - { name: web, port: 8080, link: transparent }
  - { name: other, port: 22340, link: tcp }
`;
    expect(messages({ server })).toEqual([
      '4:7 listeners[1].name: duplicate listener name "dtu" (first at line 3)',
      '5:38 listeners[2].port: port 22334 is already used by listener "dtu"',
      '6:18 listeners[3].port: port 8080 is already used by the web server',
      '7:33 listeners[4].link: unknown link "tcp" in points.yml (known: transparent)',
    ]);
  });

  it('rejects zero where a duration must be positive', () => {
    const server = `${MINIMAL_SERVER}sessions:\n  heartbeatInterval: 0s\n`;
    expect(messages({ server })).toEqual(['7:3 sessions.heartbeatInterval: must be longer than 0']);
  });
});
