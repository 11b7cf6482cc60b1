// DL/T 645 meters in points.yml: a slave's `protocol` and `meterAddress`, points that name a
// data identifier, and the read plan they compile into (one meter read per identifier,
// beside the merged Modbus blocks of the same task). Every mistake is reported at once,
// each with its file, line and field.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { MINIMAL_SERVER, withConfigDir } from './temp-config.js';

const POINTS = (slaves: string, points: string, tasks = '      - { name: all, points: all, every: 1s }') => `version: 1
links:
  transparent:
    framing: transparent
profiles:
  meters:
    slaves:
${slaves}
    tasks:
${tasks}
    points:
${points}
devices:
  - default: meters
`;

function load(points: string) {
  return withConfigDir({ server: MINIMAL_SERVER, points }, (dir) => loadConfig(dir, {}));
}

function issues(points: string): string[] {
  try {
    load(points);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.file}:${i.line}:${i.field}: ${i.message}`);
    throw err;
  }
  return [];
}

/** The file part of an issue: the temporary directory changes per run. */
const at = (line: number, field: string) =>
  expect.stringMatching(new RegExp(`points\\.yml:${line}:${escape(field)}: `));
const escape = (s: string) => s.replace(/[.[\]]/g, '\\$&');

describe('DL/T 645 meters in points.yml', () => {
  it('compiles meters, their points and a read plan with one meter read per identifier', () => {
    const config = load(
      POINTS(
        `      - { id: 1, name: incomer, protocol: dlt645-2007, meterAddress: "210220003011" }
      - { id: 2, protocol: dlt645-1997, meterAddress: 2 }
      - { id: 3, protocol: dlt645-2007, meterAddress: " 000000000077 " }
      - { id: 5, name: sensor }`,
        `      - { name: a.voltage, slave: 1, identifier: voltage.a }
      - { name: b.energy, slave: 2, identifier: energy.active.forward, scale: 0.001, unit: MWh }
      - { name: a.date, slave: 1, identifier: date }
      - { name: level, slave: 5, address: 0, type: int16 }
      - { name: temp, slave: 5, address: 1, type: int16 }
      - { name: c.pf, slave: 3, identifier: power.factor }`,
        `      - { name: fast, points: [a.voltage, level, b.energy, temp], every: 1s }
      - { name: slow, points: [a.date, c.pf], every: 1m }`,
      ),
    );
    const profile = config.points.profiles.get('meters')!;
    // Unquoted, 2 is a number: the missing zeros are padding. Spaces around a quoted address go.
    expect(profile.slaves).toEqual([
      { id: 1, name: 'incomer', meter: { version: '2007', address: '210220003011' } },
      { id: 2, name: 'slave 2', meter: { version: '1997', address: '000000000002' } },
      { id: 3, name: 'slave 3', meter: { version: '2007', address: '000000000077' } },
      { id: 5, name: 'sensor' },
    ]);
    const [fast, slow] = profile.tasks;
    // The Modbus points are merged into one block; each identifier is a read of its own.
    expect(fast!.blocks.map((b) => [b.slave, b.fn, b.address, b.quantity])).toEqual([[5, 3, 0, 2]]);
    expect(fast!.meterReads!.map((r) => [r.slave, r.point.name, r.meter.address, r.point.identifier!.di])).toEqual([
      [1, 'a.voltage', '210220003011', 0x02010100],
      [2, 'b.energy', '000000000002', 0x9010],
    ]);
    // The read carries the slave's meter itself, the one the planner and the poller share.
    expect(fast!.meterReads![0]!.meter).toBe(profile.slaves[0]!.meter);
    expect(slow!.blocks).toEqual([]);
    expect(slow!.meterReads!.map((r) => r.point.name)).toEqual(['a.date', 'c.pf']);

    const energy = fast!.meterReads![1]!.point;
    // The identifier's unit is overridden, its two decimals grow by the scale's three.
    expect(energy).toMatchObject({ type: 'float64', scale: 0.001, unit: 'MWh', decimals: 5 });
    expect(energy.identifier).toMatchObject({ name: 'energy.active.forward', kind: 'number', length: 4 });
    const date = slow!.meterReads![0]!.point;
    expect(date).toMatchObject({ type: 'string', identifier: { kind: 'date' } });
    expect(date.decimals).toBeUndefined();
  });

  it('leaves a task of Modbus points alone: no meter reads at all', () => {
    const config = load(
      POINTS(
        `      - { id: 1, protocol: dlt645-2007, meterAddress: "000000000001" }
      - { id: 5 }`,
        `      - { name: a.voltage, slave: 1, identifier: voltage.a }
      - { name: level, slave: 5, address: 0, type: int16 }`,
        `      - { name: modbus, points: [level], every: 1s }
      - { name: meter, points: [a.voltage], every: 1s }`,
      ),
    );
    const [modbus, meter] = config.points.profiles.get('meters')!.tasks;
    expect(modbus!.meterReads).toBeUndefined();
    expect(meter!.blocks).toEqual([]);
    expect(meter!.meterReads).toHaveLength(1);
  });

  it('keeps a discover meter without an address until it answers', () => {
    const config = load(
      POINTS(
        `      - { id: 1, protocol: dlt645-2007, meterAddress: Discover }`,
        `      - { name: v, slave: 1, identifier: voltage.b }`,
      ),
    );
    const [task] = config.points.profiles.get('meters')!.tasks;
    expect(task!.meterReads![0]!.meter).toEqual({ version: '2007', address: null });
  });

  it('reports every slave mistake with its file, line and field', () => {
    const found = issues(
      POINTS(
        `      - { id: 1, protocol: dlt645-2007 }
      - { id: 2, protocol: dlt645-1997, meterAddress: discover }
      - { id: 3, protocol: dlt645-2007, meterAddress: "12345678901X" }
      - { id: 4, protocol: dlt645-2007, meterAddress: "AAAAAAAAAAAA" }
      - { id: 5, meterAddress: "000000000005" }
      - { id: 6, protocol: dlt645-2007, meterAddress: "000000000042" }
      - { id: 7, protocol: dlt645-2007, meterAddress: 42 }
      - { id: 8, protocol: dlt645-2007, meterAddress: discover }`,
        `      - { name: v, slave: 6, identifier: voltage.a }`,
      ),
    );
    expect(found).toEqual([
      at(8, 'profiles.meters.slaves[0]'),
      at(9, 'profiles.meters.slaves[1].meterAddress'),
      at(10, 'profiles.meters.slaves[2].meterAddress'),
      at(11, 'profiles.meters.slaves[3].meterAddress'),
      at(12, 'profiles.meters.slaves[4].meterAddress'),
      at(14, 'profiles.meters.slaves[6].meterAddress'),
      at(15, 'profiles.meters.slaves[7].meterAddress'),
    ]);
    expect(found[0]).toContain('a DL/T 645 meter needs meterAddress');
    expect(found[1]).toContain('discover needs DL/T 645-2007');
    expect(found[2]).toContain('"12345678901X" is not a meter address');
    expect(found[3]).toContain('"AAAAAAAAAAAA" is not a meter address');
    expect(found[4]).toContain('only for a DL/T 645 meter');
    expect(found[5]).toContain('slave 6 has the same meter address');
    expect(found[6]).toContain('discover only works for a meter alone on the bus');
  });

  it('reports every point mistake with its file, line and field', () => {
    const found = issues(
      POINTS(
        `      - { id: 1, protocol: dlt645-2007, meterAddress: "000000000001" }
      - { id: 2, protocol: dlt645-1997, meterAddress: "000000000002" }
      - { id: 5 }`,
        `      - { name: b, slave: 1, identifier: voltage.z }
      - { name: c, slave: 2, identifier: date.time }
      - { name: d, slave: 1, identifier: voltage.a, address: 10, type: int16 }
      - { name: e, slave: 1, identifier: date, scale: 2 }
      - { name: f, slave: 1, identifier: voltage.a, scale: 0 }
      - { name: g, slave: 5, identifier: voltage.a }`,
      ),
    );
    expect(found).toEqual([
      at(14, 'profiles.meters.points[0].identifier'),
      at(15, 'profiles.meters.points[1].identifier'),
      at(16, 'profiles.meters.points[2].address'),
      at(16, 'profiles.meters.points[2].type'),
      at(17, 'profiles.meters.points[3]'),
      at(18, 'profiles.meters.points[4].scale'),
      at(19, 'profiles.meters.points[5].identifier'),
    ]);
    expect(found[0]).toContain('unknown DL/T 645-2007 identifier "voltage.z"; known: ');
    expect(found[1]).toContain('unknown DL/T 645-1997 identifier "date.time"');
    expect(found[2]).toContain('does not apply to a DL/T 645 meter point');
    expect(found[4]).toContain('scale, offset and decimals do not apply to date');
    expect(found[5]).toContain('must not be 0');
    expect(found[6]).toContain('slave 5 is a Modbus slave; identifier is for DL/T 645 meters');
  });

  it('says a meter point without identifier may name one instead of address and type', () => {
    const found = issues(
      POINTS(`      - { id: 1, protocol: dlt645-2007, meterAddress: "000000000001" }`, `      - { name: v, slave: 1 }`),
    );
    expect(found).toEqual([at(12, 'profiles.meters.points[0].address'), at(12, 'profiles.meters.points[0].type')]);
    expect(found[0]).toContain('is required (or identifier: for a DL/T 645 meter point)');
  });
});
