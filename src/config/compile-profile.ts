// One entry of `profiles:` → DeviceProfile: slaves, points, tasks and the compiled read
// plan, with the checks that relate them (duplicates, overlaps, unread points).
import type { DeviceProfile, MeterConfig, ModbusTiming, SlaveConfig } from '../domain/config.js';
import { STORE_EVERY_SAMPLE, type HistoryPolicy } from '../domain/history-policy.js';
import type { PointDef } from '../domain/point.js';
import { compileReadPlan } from '../plan/read-plan.js';
import type { TaskSpec } from '../plan/task-spec.js';
import { compileHeartbeat } from './compile-bytes.js';
import { compileHistory } from './compile-history.js';
import { checkMeters, compileMeter, compileMeterPoint } from './compile-meter.js';
import { compilePoint } from './compile-point.js';
import { compileTask } from './compile-task.js';
import { checkOverlaps, type LocatedPoint } from './check-overlaps.js';
import { ms, positiveMs } from './durations.js';
import type { YamlPath } from './errors.js';
import {
  SLAVES_SCHEMA,
  TIMING_SCHEMA,
  type PointYaml,
  type ProfileYaml,
  type TimingYaml,
} from './schema/points.schema.js';
import type { IssueSink } from './yaml-source.js';

export interface CompiledProfile {
  readonly profile: DeviceProfile;
  /** Path of each task in `profile.tasks`, for messages about the plan. */
  readonly taskPaths: readonly YamlPath[];
}

export function compileProfile(name: string, m: ProfileYaml, at: YamlPath, sink: IssueSink): CompiledProfile {
  const slaves = compileSlaves(m.slaves, [...at, 'slaves'], sink);
  const slaveIds = new Set(slaves.map((s) => s.id));
  const meters = new Map(slaves.flatMap((s) => (s.meter ? [[s.id, s.meter] as const] : [])));
  const defaultSlave = slaves[0]!.id;
  const timing = compileTiming(m.timing, [...at, 'timing'], sink);

  // Off unless written: every sample a row, the table the user asked for.
  const history = m.history === undefined ? STORE_EVERY_SAMPLE : compileHistory(m.history, [...at, 'history'], sink);
  const points = compilePoints(m.points, { defaultSlave, history }, slaveIds, meters, [...at, 'points'], sink);
  checkOverlaps(
    points.filter((p) => !p.def.identifier),
    sink,
  );
  checkMeterPoints(points, sink);
  const defs = points.map((p) => p.def);

  const tasks: TaskSpec[] = [];
  const taskPaths: YamlPath[] = [];
  const coverage: TaskSpec[] = []; // every understood task, usable or not
  let allUnderstood = true;
  const taskNames = new Map<string, YamlPath>();
  const pointNames = new Set(defs.map((p) => p.name));
  for (const [i, item] of m.tasks.entries()) {
    // A task left out for a rejected value is one we could not understand either.
    if (item === undefined) {
      allUnderstood = false;
      continue;
    }
    const taskAt = [...at, 'tasks', i];
    const first = taskNames.get(item.name);
    if (first)
      sink.add([...taskAt, 'name'], `duplicate task name "${item.name}" (first at line ${sink.lineOf(first)})`);
    else taskNames.set(item.name, taskAt);
    const task = compileTask(item, { slaveIds, meterSlaves: meters, defaultSlave, pointNames }, taskAt, sink);
    if (!task) {
      allUnderstood = false;
      continue;
    }
    coverage.push(task.spec);
    if (task.usable) {
      tasks.push(task.spec);
      taskPaths.push(taskAt);
    }
  }

  const plan = compileReadPlan(tasks, defs, timing.maxReadGap, slaves);
  // With a task we could not understand, "not read by any task" would only guess.
  if (allUnderstood) {
    const covered = compileReadPlan(coverage, defs, timing.maxReadGap, slaves);
    checkEveryPointRead(
      points,
      covered.flatMap((t) => [...t.blocks.flatMap((b) => b.points), ...(t.meterReads ?? []).map((r) => r.point)]),
      sink,
    );
  }

  return {
    profile: {
      name,
      description: m.description,
      heartbeat: compileHeartbeat(m.heartbeat, [...at, 'heartbeat'], sink),
      timing,
      slaves,
      points: defs,
      tasks: plan,
      pollOnConnect: m.pollOnConnect,
    },
    taskPaths,
  };
}

function compileSlaves(list: ProfileYaml['slaves'], at: YamlPath, sink: IssueSink): SlaveConfig[] {
  const slaves: SlaveConfig[] = [];
  // Every entry rejected (left out): the default slaves, as if none were written.
  const entries = list.some((s) => s !== undefined) ? list : (SLAVES_SCHEMA.default as ProfileYaml['slaves']);
  entries.forEach((entry, i) => {
    const { id, name } = entry;
    if (slaves.some((s) => s.id === id)) {
      sink.add([...at, i, 'id'], `slave ${id} is listed twice`);
      return;
    }
    const meter = compileMeter(entry, [...at, i], sink);
    // A meter whose address is wrong still names its points: they are checked as a meter's.
    const fallback: MeterConfig = { version: entry.protocol === 'dlt645-1997' ? '1997' : '2007', address: '' };
    const own = meter === null ? { meter: fallback } : meter ? { meter } : {};
    slaves.push({ id, name: name ?? `slave ${id}`, ...own });
  });
  checkMeters(slaves, at, sink);
  return slaves;
}

function compileTiming(t: TimingYaml, at: YamlPath, sink: IssueSink): ModbusTiming {
  const d = TIMING_SCHEMA.properties;
  const positive = (key: 'responseTimeout' | 'backoffInitial' | 'backoffMax'): number =>
    positiveMs(t[key], d[key].default as string, [...at, key], sink);
  const timing: ModbusTiming = {
    responseTimeoutMs: positive('responseTimeout'),
    retries: t.retries,
    interRequestDelayMs: ms(t.interRequestDelay),
    quietAfterTimeoutMs: ms(t.quietAfterTimeout),
    maxReadGap: t.maxReadGap,
    backoffAfterFailures: t.backoffAfterFailures,
    backoffInitialMs: positive('backoffInitial'),
    backoffMaxMs: positive('backoffMax'),
  };
  if (timing.backoffMaxMs < timing.backoffInitialMs)
    sink.add([...at, 'backoffMax'], 'must not be shorter than backoffInitial');
  return timing;
}

function compilePoints(
  list: readonly PointYaml[],
  defaults: { readonly defaultSlave: number; readonly history: HistoryPolicy },
  slaveIds: ReadonlySet<number>,
  meters: ReadonlyMap<number, MeterConfig>,
  at: YamlPath,
  sink: IssueSink,
): LocatedPoint[] {
  const points: LocatedPoint[] = [];
  const names = new Map<string, YamlPath>();
  list.forEach((item, i) => {
    const pointAt = [...at, i];
    const slave = item.slave ?? defaults.defaultSlave;
    const meterPoint = meters.has(slave) || sink.written([...pointAt, 'identifier']);
    if (meterPoint && sink.written([...pointAt, 'slave']) && item.slave === undefined) return;
    const def = meterPoint
      ? compileMeterPoint(item, slave, meters.get(slave), defaults.history, pointAt, sink)
      : compilePoint(item, defaults, pointAt, sink);
    if (!def) return;
    const first = names.get(def.name);
    if (first) {
      sink.add([...pointAt, 'name'], `duplicate point name "${def.name}" (first at line ${sink.lineOf(first)})`);
      return;
    }
    names.set(def.name, pointAt);
    if (!slaveIds.has(def.slave)) {
      sink.add([...pointAt, 'slave'], `slave ${def.slave} is not in this profile's slaves`);
      return;
    }
    points.push({ def, at: pointAt });
  });
  return points;
}

/** A meter answers one identifier per request: two points of one identifier read it twice. */
function checkMeterPoints(points: readonly LocatedPoint[], sink: IssueSink): void {
  const seen = new Map<string, string>();
  for (const { def, at } of points) {
    if (!def.identifier) continue;
    const key = `${def.slave}/${def.identifier.name}`;
    const first = seen.get(key);
    if (first) sink.add([...at, 'identifier'], `"${first}" already reads ${def.identifier.name} of slave ${def.slave}`);
    else seen.set(key, def.name);
  }
}

/** A point no task reads would silently never get a value. */
function checkEveryPointRead(points: readonly LocatedPoint[], read: readonly PointDef[], sink: IssueSink): void {
  const readSet = new Set(read);
  for (const { def, at } of points) {
    if (readSet.has(def)) continue;
    const what = def.identifier
      ? `slave ${def.slave} identifier ${def.identifier.name}`
      : `slave ${def.slave} function ${def.fn} address ${def.address}`;
    const why = def.identifier ? 'no task lists it' : 'it is not wholly inside any task range and no task lists it';
    sink.add(at, `"${def.name}" (${what}) is not read by any task: ${why}`);
  }
}
