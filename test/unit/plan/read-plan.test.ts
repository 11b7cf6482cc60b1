import { describe, expect, it } from 'vitest';
import { compileReadPlan, pointsInRange } from '../../../src/plan/read-plan.js';
import type { TaskSpec } from '../../../src/plan/task-spec.js';
import { point } from './points.js';

const points = [
  point('temperature', 2000, { type: 'int16', scale: 0.1 }),
  point('humidity', 2010, { type: 'float32', registers: 2 }),
  point('straddles', 2099, { type: 'float32', registers: 2 }),
  point('voltage', 2200),
  point('other-slave', 2005, { slave: 2 }),
  point('input', 2001, { fn: 4 }),
];

describe('compileReadPlan', () => {
  it('turns an explicit range into exactly that one read, with the points wholly inside it', () => {
    const tasks: TaskSpec[] = [
      {
        kind: 'range',
        name: 'main',
        schedule: { kind: 'interval', everyMs: 30_000 },
        slave: 1,
        fn: 3,
        address: 2000,
        quantity: 100,
      },
    ];
    const [plan] = compileReadPlan(tasks, points, 10);
    expect(plan!.name).toBe('main');
    expect(plan!.schedule).toEqual({ kind: 'interval', everyMs: 30_000 });
    expect(plan!.blocks).toHaveLength(1);
    const block = plan!.blocks[0]!;
    expect([block.slave, block.fn, block.address, block.quantity]).toEqual([1, 3, 2000, 100]);
    // `straddles` ends at 2100, past the range; other slaves and functions are not in this read.
    expect(block.points.map((p) => p.name)).toEqual(['temperature', 'humidity']);
  });

  it('merges a point list per slave and function, skipping unknown names', () => {
    const tasks: TaskSpec[] = [
      {
        kind: 'points',
        name: 'fast',
        schedule: { kind: 'heartbeat' },
        points: ['voltage', 'temperature', 'humidity', 'nope', 'other-slave'],
      },
    ];
    const [plan] = compileReadPlan(tasks, points, 10);
    expect(plan!.blocks.map((b) => [b.slave, b.fn, b.address, b.quantity, b.points.map((p) => p.name)])).toEqual([
      [1, 3, 2000, 12, ['temperature', 'humidity']],
      [1, 3, 2200, 1, ['voltage']],
      [2, 3, 2005, 1, ['other-slave']],
    ]);
  });

  it('reads every point for `all`', () => {
    const [plan] = compileReadPlan(
      [{ kind: 'points', name: 'all', schedule: { kind: 'connect' }, points: 'all' }],
      points,
      10,
    );
    const names = plan!.blocks.flatMap((b) => b.points.map((p) => p.name)).sort();
    expect(names).toEqual(points.map((p) => p.name).sort());
  });
});

describe('compileReadPlan with DL/T 645 meters', () => {
  const meter = { version: '2007', address: '000000000007' } as const;
  const slaves = [
    { id: 1, name: 'slave 1' },
    { id: 7, name: 'meter', meter },
  ];
  const voltage = point('meter.voltage', 0x02010100, {
    slave: 7,
    identifier: { name: 'voltage.a', di: 0x02010100, kind: 'number', length: 2, decimals: 1, signed: false },
  });
  const energy = point('meter.energy', 0x00010000, {
    slave: 7,
    identifier: {
      name: 'energy.active.forward',
      di: 0x00010000,
      kind: 'number',
      length: 4,
      decimals: 2,
      signed: false,
    },
  });
  const all = [...points, voltage, energy];

  it('makes one meter read per identifier, in the order the task lists them, beside the Modbus blocks', () => {
    const [plan] = compileReadPlan(
      [
        {
          kind: 'points',
          name: 'mixed',
          schedule: { kind: 'connect' },
          points: ['meter.energy', 'temperature', 'meter.voltage'],
        },
      ],
      all,
      10,
      slaves,
    );
    expect(plan!.blocks.map((b) => [b.slave, b.address, b.quantity])).toEqual([[1, 2000, 1]]);
    expect(plan!.meterReads).toEqual([
      { slave: 7, meter, point: energy },
      { slave: 7, meter, point: voltage },
    ]);
  });

  it('never merges an identifier into a register block, not even in a range task', () => {
    const [list, range] = compileReadPlan(
      [
        { kind: 'points', name: 'all', schedule: { kind: 'connect' }, points: 'all' },
        {
          kind: 'range',
          name: 'range',
          schedule: { kind: 'connect' },
          slave: 7,
          fn: 3,
          address: 0,
          quantity: 125,
        },
      ],
      all,
      10,
      slaves,
    );
    expect(list!.blocks.flatMap((b) => b.points).some((p) => p.identifier)).toBe(false);
    expect(list!.meterReads!.map((r) => r.point.name)).toEqual(['meter.voltage', 'meter.energy']);
    expect(range!.blocks[0]!.points).toEqual([]);
    expect(range!.meterReads).toBeUndefined();
  });

  it('reads no identifier of a slave that is not a meter', () => {
    const [plan] = compileReadPlan(
      [{ kind: 'points', name: 'all', schedule: { kind: 'connect' }, points: ['meter.voltage'] }],
      [voltage],
      10,
      [{ id: 7, name: 'modbus after all' }],
    );
    expect(plan).toEqual({ name: 'all', schedule: { kind: 'connect' }, blocks: [] });
  });
});

describe('pointsInRange', () => {
  it('includes a point ending exactly at the end of the range', () => {
    expect(pointsInRange(points, 1, 3, 2010, 2).map((p) => p.name)).toEqual(['humidity']);
    expect(pointsInRange(points, 1, 3, 2010, 1)).toEqual([]);
  });
});
