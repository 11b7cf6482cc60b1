// Compiles a profile's tasks and points into read plans once, at config load, so the
// poller only ever walks precomputed blocks (habit 4 in STYLE.md). Pure.
import type { MeterRead, ReadBlock, SlaveConfig, TaskPlan } from '../domain/config.js';
import type { PointDef, ReadFunction } from '../domain/point.js';
import { comparePoints, mergePointsIntoBlocks, pointSpan } from './merge-blocks.js';
import type { RangeTaskSpec, TaskSpec } from './task-spec.js';

export { mergePointsIntoBlocks } from './merge-blocks.js';
export type { TaskSpec, RangeTaskSpec, PointListTaskSpec } from './task-spec.js';

/**
 * One plan per task, in task order. Unknown point names in a point list are skipped here;
 * the config validator reports them. DL/T 645 meter points (`identifier`, of a slave with
 * a meter in `slaves`) become one meter read each; the rest are merged into Modbus blocks.
 */
export function compileReadPlan(
  tasks: readonly TaskSpec[],
  points: readonly PointDef[],
  maxReadGap: number,
  slaves: readonly SlaveConfig[] = [],
): TaskPlan[] {
  const registers = points.filter((p) => !p.identifier);
  return tasks.map((task) => {
    if (task.kind === 'range')
      return { name: task.name, schedule: task.schedule, blocks: [rangeBlock(task, registers)] };
    const chosen = choose(task.points, points);
    const blocks = mergePointsIntoBlocks(
      chosen.filter((p) => !p.identifier),
      maxReadGap,
    );
    const meterReads = meterReadsOf(chosen, slaves);
    return { name: task.name, schedule: task.schedule, blocks, ...(meterReads.length > 0 ? { meterReads } : {}) };
  });
}

function meterReadsOf(points: readonly PointDef[], slaves: readonly SlaveConfig[]): MeterRead[] {
  const reads: MeterRead[] = [];
  for (const point of points) {
    const meter = point.identifier && slaves.find((s) => s.id === point.slave)?.meter;
    if (meter) reads.push({ slave: point.slave, meter, point });
  }
  return reads;
}

/** Points of this slave and function lying wholly inside [address, address + quantity). */
export function pointsInRange(
  points: readonly PointDef[],
  slave: number,
  fn: ReadFunction,
  address: number,
  quantity: number,
): PointDef[] {
  const end = address + quantity;
  return points
    .filter((p) => {
      if (p.slave !== slave || p.fn !== fn) return false;
      const span = pointSpan(p);
      return span.start >= address && span.end <= end;
    })
    .sort(comparePoints);
}

function rangeBlock(task: RangeTaskSpec, points: readonly PointDef[]): ReadBlock {
  return {
    slave: task.slave,
    fn: task.fn,
    address: task.address,
    quantity: task.quantity,
    points: pointsInRange(points, task.slave, task.fn, task.address, task.quantity),
  };
}

function choose(names: readonly string[] | 'all', points: readonly PointDef[]): PointDef[] {
  if (names === 'all') return [...points];
  const byName = new Map(points.map((p) => [p.name, p]));
  const chosen = new Set<PointDef>();
  for (const name of names) {
    const point = byName.get(name);
    if (point) chosen.add(point);
  }
  return [...chosen];
}
