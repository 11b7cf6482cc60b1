// One entry of a profile's `tasks:` → TaskSpec for the planner. Two kinds: an explicit
// range (`address` + `quantity`, the user's own style) or a list of points (`points:`).
import type { Schedule } from '../domain/config.js';
import { ADDRESS_SPACE, maxReadQuantity, quantityUnit } from '../plan/limits.js';
import type { TaskSpec } from '../plan/task-spec.js';
import type { YamlPath } from './errors.js';
import type { TaskYaml } from './schema/points.schema.js';
import { parseDuration } from './units.js';
import type { IssueSink } from './yaml-source.js';

export interface TaskContext {
  readonly slaveIds: ReadonlySet<number>;
  /** DL/T 645 meters by slave id: read by point lists only. */
  readonly meterSlaves: ReadonlyMap<number, unknown>;
  readonly defaultSlave: number;
  readonly pointNames: ReadonlySet<string>;
}

const RANGE_KEYS = ['slave', 'function', 'address', 'quantity'] as const;

/**
 * The task, or null when it cannot be understood. `usable` is false when the task is
 * understood but invalid (e.g. too long): its range still counts as covering its points,
 * so one mistake is not reported again as "point not read by any task".
 */
export interface CompiledTask {
  readonly spec: TaskSpec;
  readonly usable: boolean;
}

/**
 * Which keys the file gives, and which of them the schema rejected (dropped, so written
 * but without a value): the kind and schedule follow what the user wrote, and a task
 * whose range or schedule was rejected is not guessed at.
 */
interface Given {
  readonly written: (key: keyof TaskYaml) => boolean;
  readonly rejected: (key: keyof TaskYaml) => boolean;
}

/** `t` passed the schema; a task whose `function` was rejected never gets here. */
export function compileTask(t: TaskYaml, ctx: TaskContext, at: YamlPath, sink: IssueSink): CompiledTask | null {
  const written = (key: keyof TaskYaml): boolean => sink.written([...at, key]);
  const given: Given = { written, rejected: (key) => written(key) && t[key] === undefined };
  const schedule = compileSchedule(t, given, at, sink);
  const isList = written('points');
  const isRange = RANGE_KEYS.some(written);
  if (isList && isRange) {
    sink.add(at, 'give either points or address + quantity, not both');
    return null;
  }
  if (!isList && !isRange) {
    sink.add(at, 'needs address + quantity (one read of that range) or points: [names] | all');
    return null;
  }
  // A task with a bad schedule still tells which registers it meant to cover.
  const task = isList
    ? pointListTask(t.name, schedule ?? { kind: 'connect' }, t, ctx, at, sink)
    : rangeTask(t.name, schedule ?? { kind: 'connect' }, t, given, ctx, at, sink);
  if (!task) return null;
  return schedule === null ? { spec: task.spec, usable: false } : task;
}

function compileSchedule(t: TaskYaml, given: Given, at: YamlPath, sink: IssueSink): Schedule | null {
  if (given.written('every') && given.written('on')) {
    sink.add(at, 'give either every or on, not both');
    return null;
  }
  if (given.rejected('every') || given.rejected('on')) return null;
  if (t.every !== undefined) {
    const everyMs = parseDuration(t.every);
    if (everyMs === null) return null;
    if (everyMs === 0) {
      sink.add([...at, 'every'], 'must be longer than 0');
      return null;
    }
    return { kind: 'interval', everyMs };
  }
  if (t.on !== undefined) return { kind: t.on };
  sink.add(at, 'needs a schedule: every: <duration>, on: heartbeat or on: connect');
  return null;
}

function rangeTask(
  name: string,
  schedule: Schedule,
  t: TaskYaml,
  given: Given,
  ctx: TaskContext,
  at: YamlPath,
  sink: IssueSink,
): CompiledTask | null {
  const slave = t.slave ?? ctx.defaultSlave;
  const fn = t.function;
  const { address, quantity } = t;
  if (!given.written('address')) sink.add([...at, 'address'], 'is required for a range task');
  if (!given.written('quantity')) sink.add([...at, 'quantity'], 'is required for a range task');
  if (address === undefined || quantity === undefined || given.rejected('slave')) return null;

  let ok = true;
  if (!ctx.slaveIds.has(slave)) {
    sink.add([...at, 'slave'], `slave ${slave} is not in this profile's slaves`);
    ok = false;
  } else if (ctx.meterSlaves.has(slave)) {
    sink.add(
      [...at, given.written('slave') ? 'slave' : 'address'],
      `slave ${slave} is a DL/T 645 meter, which has no registers: list its points instead (points: [names] | all)`,
    );
    return null;
  }
  const limit = maxReadQuantity(fn);
  if (quantity > limit) {
    const unit = quantityUnit(fn);
    sink.add(
      [...at, 'quantity'],
      `reads ${quantity} ${unit}; Modbus allows at most ${limit} ${unit} per request with function ${fn}`,
    );
    ok = false;
  }
  if (address + quantity > ADDRESS_SPACE) {
    sink.add([...at, 'quantity'], `${address} + ${quantity} runs past the last address 65535`);
    ok = false;
  }
  return { spec: { kind: 'range', name, schedule, slave, fn, address, quantity }, usable: ok };
}

function pointListTask(
  name: string,
  schedule: Schedule,
  t: TaskYaml,
  ctx: TaskContext,
  at: YamlPath,
  sink: IssueSink,
): CompiledTask | null {
  const raw = t.points;
  if (raw === 'all') return { spec: { kind: 'points', name, schedule, points: 'all' }, usable: true };
  if (raw === undefined) return null; // rejected
  const names: string[] = [];
  // A rejected name left a hole, which forEach skips.
  raw.forEach((item, i) => {
    if (!ctx.pointNames.has(item)) sink.add([...at, 'points', i], `unknown point "${item}"`);
    else if (!names.includes(item)) names.push(item);
  });
  return { spec: { kind: 'points', name, schedule, points: names }, usable: true };
}
