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

describe('pointsInRange', () => {
  it('includes a point ending exactly at the end of the range', () => {
    expect(pointsInRange(points, 1, 3, 2010, 2).map((p) => p.name)).toEqual(['humidity']);
    expect(pointsInRange(points, 1, 3, 2010, 1)).toEqual([]);
  });
});
