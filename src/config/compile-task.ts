// One entry of a profile's `tasks:` → TaskSpec for the planner. Two kinds: an explicit
// range (`address` + `quantity`, the user's own style) or a list of points (`points:`).
import type { Schedule } from '../domain/config.js';
import type { ReadFunction } from '../domain/point.js';
import { ADDRESS_SPACE, maxReadQuantity, quantityUnit } from '../plan/limits.js';
import type { TaskSpec } from '../plan/task-spec.js';
import { DEFAULT_FUNCTION } from './defaults.js';
import type { YamlPath } from './errors.js';
import { asMap, has, int, intIn, oneOf, str, type RawMap } from './raw.js';
import { parseDuration } from './units.js';
import type { IssueSink } from './yaml-source.js';

export interface TaskContext {
  readonly slaveIds: ReadonlySet<number>;
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

export function compileTask(raw: unknown, ctx: TaskContext, at: YamlPath, sink: IssueSink): CompiledTask | null {
  const m = asMap(raw);
  const name = str(m, 'name');
  const schedule = compileSchedule(m, at, sink);
  const isList = has(m, 'points');
  const isRange = RANGE_KEYS.some((k) => has(m, k));
  if (isList && isRange) {
    sink.add(at, 'give either points or address + quantity, not both');
    return null;
  }
  if (!isList && !isRange) {
    sink.add(at, 'needs address + quantity (one read of that range) or points: [names] | all');
    return null;
  }
  // A task with a bad name or schedule still tells which registers it meant to cover.
  const task = isList
    ? pointListTask(name ?? '', schedule ?? { kind: 'connect' }, m, ctx, at, sink)
    : rangeTask(name ?? '', schedule ?? { kind: 'connect' }, m, ctx, at, sink);
  if (!task) return null;
  return name === undefined || schedule === null ? { spec: task.spec, usable: false } : task;
}

function compileSchedule(m: RawMap, at: YamlPath, sink: IssueSink): Schedule | null {
  if (has(m, 'every') && has(m, 'on')) {
    sink.add(at, 'give either every or on, not both');
    return null;
  }
  if (has(m, 'every')) {
    const everyMs = parseDuration(m['every']);
    if (everyMs === null) return null;
    if (everyMs === 0) {
      sink.add([...at, 'every'], 'must be longer than 0');
      return null;
    }
    return { kind: 'interval', everyMs };
  }
  const on = oneOf(m, 'on', ['heartbeat', 'connect'] as const);
  if (on !== undefined) return { kind: on };
  if (!has(m, 'on')) sink.add(at, 'needs a schedule: every: <duration>, on: heartbeat or on: connect');
  return null;
}

function rangeTask(
  name: string,
  schedule: Schedule,
  m: RawMap,
  ctx: TaskContext,
  at: YamlPath,
  sink: IssueSink,
): CompiledTask | null {
  const slave = m['slave'] === undefined ? ctx.defaultSlave : intIn(m, 'slave', 1, 247);
  const fn = (m['function'] === undefined ? DEFAULT_FUNCTION : oneOf(m, 'function', [1, 2, 3, 4] as const)) as
    ReadFunction | undefined;
  const address = intIn(m, 'address', 0, 65535);
  const quantity = int(m, 'quantity');
  if (!has(m, 'address')) sink.add([...at, 'address'], 'is required for a range task');
  if (!has(m, 'quantity')) sink.add([...at, 'quantity'], 'is required for a range task');
  if (slave === undefined || fn === undefined || address === undefined || quantity === undefined || quantity < 1)
    return null;

  let ok = true;
  if (!ctx.slaveIds.has(slave)) {
    sink.add([...at, 'slave'], `slave ${slave} is not in this profile's slaves`);
    ok = false;
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
  m: RawMap,
  ctx: TaskContext,
  at: YamlPath,
  sink: IssueSink,
): CompiledTask | null {
  const raw = m['points'];
  if (raw === 'all') return { spec: { kind: 'points', name, schedule, points: 'all' }, usable: true };
  if (!Array.isArray(raw)) return null;
  const names: string[] = [];
  raw.forEach((item, i) => {
    if (typeof item !== 'string') return;
    if (!ctx.pointNames.has(item)) sink.add([...at, 'points', i], `unknown point "${item}"`);
    else if (!names.includes(item)) names.push(item);
  });
  return { spec: { kind: 'points', name, schedule, points: names }, usable: true };
}
