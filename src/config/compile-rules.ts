// rules.yml (checked, repaired and completed with defaults by schema/rules.schema.ts) →
// RulesConfig, with the checks a schema cannot express: one condition per rule, references
// to endpoints, brokers, profiles and points, options that only fit some conditions.
// Problems go to the sink with their position; compilation carries on so the user sees
// every problem at once.
import type { PointsConfig } from '../domain/config.js';
import {
  EVENT_TYPES,
  type CompareOp,
  type Severity,
  type Condition,
  type DeviceFilter,
  type EventType,
  type MqttBroker,
  type RuleAction,
  type RuleDef,
  type RuleSource,
  type RulesConfig,
  type WebhookEndpoint,
} from '../domain/rules.js';
import { known } from './compile-devices.js';
import { compileNotifiers } from './compile-notifiers.js';
import { ms, positiveMs } from './durations.js';
import type { YamlPath } from './errors.js';
import { asList, asMap, bool, has, int, isRawMap, num, str, type RawMap } from './raw.js';
import { defaultOf, type DurationText, type JsonSchema } from './schema/common.js';
import { WEBHOOK_SCHEMA } from './schema/rules.schema.js';
import { compileRegex, regexError } from './units.js';
import type { IssueSink } from './yaml-source.js';

const COMPARE_OPS: readonly CompareOp[] = ['>', '>=', '<', '<=', '==', '!='];
const CONDITION_KEYS = [...COMPARE_OPS, 'between', 'outside', 'changeBy', 'bitSet', 'bitCleared', 'noDataFor'] as const;
const RETRY_SCHEMA = (WEBHOOK_SCHEMA['properties'] as Record<string, JsonSchema>)['retry']!;

export function compileRules(raw: unknown, file: string, points: PointsConfig | null, sink: IssueSink): RulesConfig {
  const doc = asMap(raw);
  const webhooks = compileWebhooks(asMap(doc['webhooks']), sink);
  const mqtt = compileBrokers(asMap(doc['mqtt']), sink);
  const notifiers = compileNotifiers(asMap(doc['notifiers']), sink);
  const rules: RuleDef[] = [];
  const seen = new Map<string, YamlPath>();
  asList(doc['rules']).forEach((item, i) => {
    const at: YamlPath = ['rules', i];
    const m = asMap(item);
    const name = str(m, 'name');
    if (name !== undefined) {
      const first = seen.get(name);
      if (first) sink.add([...at, 'name'], `rule "${name}" is defined twice (first at line ${sink.lineOf(first)})`);
      else seen.set(name, at);
    }
    const rule = compileRule(m, at, { webhooks, mqtt, points, notifiers }, sink);
    if (rule && m['enabled'] === true) rules.push(rule);
  });
  return { file, webhooks, mqtt, rules, notifiers };
}

interface References {
  readonly webhooks: ReadonlyMap<string, WebhookEndpoint>;
  readonly mqtt: ReadonlyMap<string, MqttBroker>;
  readonly points: PointsConfig | null;
  readonly notifiers: ReadonlyMap<string, unknown>;
}

function compileWebhooks(raw: RawMap, sink: IssueSink): Map<string, WebhookEndpoint> {
  const out = new Map<string, WebhookEndpoint>();
  for (const [name, value] of Object.entries(raw)) {
    const at: YamlPath = ['webhooks', name];
    const m = asMap(value);
    const url = str(m, 'url');
    if (url === undefined) continue;
    try {
      new URL(url);
    } catch {
      sink.add([...at, 'url'], 'is not a valid URL');
      continue;
    }
    // Written counts even when the schema rejected (and dropped) the value.
    if (sink.writtenValue([...at, 'secret']) && sink.writtenValue([...at, 'secrets']))
      sink.add([...at, 'secrets'], 'give either secret or secrets, not both');
    const list = has(m, 'secrets') ? asList(m['secrets']) : has(m, 'secret') ? [m['secret']] : [];
    const secrets: string[] = [];
    // A rejected secret is a hole: skipped, the indexes kept for the messages.
    list.forEach((value, i) => {
      const s = String(value);
      if (s.length < 16)
        sink.add(
          has(m, 'secrets') ? [...at, 'secrets', i] : [...at, 'secret'],
          'a signing secret needs at least 16 characters',
        );
      secrets.push(s);
    });
    // The schema has filled in every default; a 0 duration is reported and the default used.
    const retry = asMap(m['retry']);
    const positive = (map: RawMap, key: string, schema: JsonSchema, where: YamlPath): number =>
      positiveMs(map[key] as DurationText, defaultOf(schema, key) as DurationText, [...where, key], sink);
    const backoffInitialMs = positive(retry, 'initialDelay', RETRY_SCHEMA, [...at, 'retry']);
    const backoffMaxMs = positive(retry, 'maxDelay', RETRY_SCHEMA, [...at, 'retry']);
    if (backoffMaxMs < backoffInitialMs)
      sink.add([...at, 'retry', 'maxDelay'], 'must not be shorter than initialDelay');
    const headers: Record<string, string> = {};
    for (const [key, v] of Object.entries(asMap(m['headers']))) headers[key] = String(v);
    out.set(name, {
      name,
      url,
      method: m['method'] as WebhookEndpoint['method'],
      headers,
      secrets,
      timeoutMs: positive(m, 'timeout', WEBHOOK_SCHEMA, at),
      concurrency: m['concurrency'] as number,
      maxAttempts: retry['maxAttempts'] as number,
      backoffInitialMs,
      backoffMaxMs,
      enabled: m['enabled'] as boolean,
    });
  }
  return out;
}

function compileBrokers(raw: RawMap, _sink: IssueSink): Map<string, MqttBroker> {
  const out = new Map<string, MqttBroker>();
  for (const [name, value] of Object.entries(raw)) {
    const m = asMap(value);
    const url = str(m, 'url');
    if (url === undefined) continue;
    out.set(name, {
      name,
      url,
      username: has(m, 'username') ? String(m['username']) : null,
      password: has(m, 'password') ? String(m['password']) : null,
      clientId: str(m, 'clientId') ?? null,
    });
  }
  return out;
}

function compileRule(m: RawMap, at: YamlPath, refs: References, sink: IssueSink): RuleDef | null {
  const name = str(m, 'name');
  const devices = compileDeviceFilter(asMap(m['devices']), [...at, 'devices'], refs.points, sink);
  const source = compileSource(m, at, devices, refs.points, sink);
  const actions = asList(m['actions'])
    .map((a, i) => compileAction(asMap(a), [...at, 'actions', i], refs, sink))
    .filter((a): a is RuleAction => a !== null);
  // Written in the file, not filled in by the schema's default.
  if (
    sink.writtenValue([...at, 'debounce']) &&
    !(source?.kind === 'events' && source.types.includes('device.offline'))
  ) {
    sink.add(
      [...at, 'debounce'],
      'only applies to a rule on device.offline (it holds offline events back to hide flapping)',
    );
  }
  if (name === undefined || source === null || devices === null) return null;
  return {
    name,
    description: m['description'] as string,
    severity: m['severity'] as Severity,
    // Point rules watch a process value: an alarm by default. Event rules mostly report.
    alarm: bool(m, 'alarm') ?? source.kind === 'point',
    source,
    devices,
    cooldownMs: ms(m['cooldown'] as DurationText),
    debounceMs: ms(m['debounce'] as DurationText),
    actions,
  };
}

function compileSource(
  m: RawMap,
  at: YamlPath,
  devices: DeviceFilter | null,
  points: PointsConfig | null,
  sink: IssueSink,
): RuleSource | null {
  const hasOn = has(m, 'on');
  const hasPoint = has(m, 'point');
  if (hasOn === hasPoint) {
    sink.add(
      at,
      hasOn
        ? 'give either on (events) or point (values), not both'
        : 'needs on (event types) or point (a point condition)',
    );
    return null;
  }
  if (hasOn) {
    for (const key of ['when', 'hysteresis', 'for', 'recovery', 'clearFor'] as const) {
      if (sink.writtenValue([...at, key])) sink.add([...at, key], 'only applies to a rule on a point');
    }
    const list = Array.isArray(m['on']) ? m['on'] : [m['on']];
    const types: EventType[] = [];
    list.forEach((t, i) => {
      const path = Array.isArray(m['on']) ? [...at, 'on', i] : [...at, 'on'];
      if (typeof t === 'string' && (EVENT_TYPES as readonly string[]).includes(t)) types.push(t as EventType);
      else sink.add(path, `unknown event type ${JSON.stringify(t)} (known: ${EVENT_TYPES.join(', ')})`);
    });
    return types.length === list.length ? { kind: 'events', types } : null;
  }

  const point = str(m, 'point')!;
  checkPointExists(point, [...at, 'point'], devices, points, sink);
  if (!has(m, 'when')) {
    sink.add([...at, 'when'], 'is required for a rule on a point');
    return null;
  }
  const condition = compileCondition(asMap(m['when']), [...at, 'when'], sink);
  if (condition === null) return null;
  const written = (key: string): boolean => sink.writtenValue([...at, key]);
  const level = condition.kind === 'compare' || condition.kind === 'between' || condition.kind === 'outside';
  if (written('hysteresis') && !level)
    sink.add([...at, 'hysteresis'], 'only applies to comparisons, between and outside');
  if (written('for') && condition.kind === 'noData')
    sink.add([...at, 'for'], 'does not apply to noDataFor (its duration is the condition)');
  if (written('recovery') && condition.kind === 'change')
    sink.add([...at, 'recovery'], 'does not apply to changeBy (it has no state to recover from)');
  if (written('clearFor') && (condition.kind === 'change' || condition.kind === 'noData'))
    sink.add([...at, 'clearFor'], 'only applies to comparisons, between, outside and bits');
  return {
    kind: 'point',
    point,
    condition,
    hysteresis: m['hysteresis'] as number,
    forMs: ms(m['for'] as DurationText),
    recovery: condition.kind === 'change' ? false : (m['recovery'] as boolean),
    clearForMs: condition.kind === 'change' || condition.kind === 'noData' ? 0 : ms(m['clearFor'] as DurationText),
  };
}

function compileCondition(when: RawMap, at: YamlPath, sink: IssueSink): Condition | null {
  const keys = CONDITION_KEYS.filter((k) => has(when, k));
  if (keys.length !== 1) {
    sink.add(
      at,
      keys.length === 0 ? `needs one of ${CONDITION_KEYS.join(', ')}` : `give only one of ${keys.join(', ')}`,
    );
    return null;
  }
  const key = keys[0]!;
  if ((COMPARE_OPS as readonly string[]).includes(key)) {
    const value = num(when, key);
    return value === undefined ? null : { kind: 'compare', op: key as CompareOp, value };
  }
  switch (key) {
    case 'between':
    case 'outside': {
      const [low, high] = asList(when[key]);
      if (typeof low !== 'number' || typeof high !== 'number') return null;
      if (!(low < high)) {
        sink.add([...at, key], 'the first number must be below the second');
        return null;
      }
      return { kind: key, low, high };
    }
    case 'changeBy': {
      const by = num(when, key);
      return by === undefined ? null : { kind: 'change', by };
    }
    case 'bitSet':
    case 'bitCleared': {
      const bit = int(when, key);
      return bit === undefined ? null : { kind: 'bit', bit, set: key === 'bitSet' };
    }
    default: {
      const forMs = ms(when['noDataFor'] as DurationText);
      if (forMs > 0) return { kind: 'noData', forMs };
      sink.add([...at, 'noDataFor'], 'must be longer than 0');
      return null;
    }
  }
}

function compileDeviceFilter(
  m: RawMap,
  at: YamlPath,
  points: PointsConfig | null,
  sink: IssueSink,
): DeviceFilter | null {
  const ids = has(m, 'ids') ? asList(m['ids']).map(String) : null;
  const source = str(m, 'pattern');
  const pattern = source !== undefined && regexError(source) === null ? compileRegex(source) : null;
  const profiles = has(m, 'profiles') ? asList(m['profiles']).filter((p): p is string => typeof p === 'string') : null;
  if (points && profiles) {
    const names = new Set(points.profiles.keys());
    profiles.forEach((p, i) => {
      if (!names.has(p)) sink.add([...at, 'profiles', i], `unknown profile "${p}" in points.yml${known(names)}`);
    });
  }
  return { ids, pattern, profiles };
}

function checkPointExists(
  point: string,
  at: YamlPath,
  devices: DeviceFilter | null,
  points: PointsConfig | null,
  sink: IssueSink,
): void {
  if (!points) return;
  const profiles = [...points.profiles.values()].filter((p) => !devices?.profiles || devices.profiles.includes(p.name));
  if (profiles.some((p) => p.points.some((def) => def.name === point))) return;
  const where = devices?.profiles ? `profiles ${devices.profiles.join(', ')}` : 'any profile';
  sink.add(at, `no point "${point}" in ${where} of points.yml`);
}

function compileAction(m: RawMap, at: YamlPath, refs: References, sink: IssueSink): RuleAction | null {
  const kinds = (['webhook', 'log', 'mqtt', 'notify'] as const).filter((k) => has(m, k));
  if (kinds.length !== 1) {
    sink.add(
      at,
      kinds.length === 0 ? 'needs one of webhook, log, mqtt or notify' : `give only one of ${kinds.join(', ')}`,
    );
    return null;
  }
  const kind = kinds[0]!;
  const allowed: Record<typeof kind, readonly string[]> = {
    webhook: ['webhook', 'body'],
    log: ['log'],
    mqtt: ['mqtt', 'topic', 'qos', 'retain', 'payload'],
    notify: ['notify'],
  };
  for (const key of Object.keys(m)) {
    if (!allowed[kind].includes(key)) sink.add([...at, key], `does not apply to a ${kind} action`);
  }
  if (kind === 'log') return { kind: 'log', level: (str(m, 'log') as 'info' | 'warn' | 'error' | undefined) ?? 'info' };
  if (kind === 'notify') {
    const notifier = str(m, 'notify')!;
    if (!refs.notifiers.has(notifier)) {
      sink.add([...at, 'notify'], `unknown notifier "${notifier}"${known(new Set(refs.notifiers.keys()))}`);
      return null;
    }
    return { kind: 'notify', notifier };
  }
  if (kind === 'webhook') {
    const endpoint = str(m, 'webhook')!;
    if (!refs.webhooks.has(endpoint)) {
      sink.add([...at, 'webhook'], `unknown webhook "${endpoint}"${known(new Set(refs.webhooks.keys()))}`);
      return null;
    }
    if (has(m, 'body') && !isRawMap(m['body']) && !Array.isArray(m['body']))
      sink.add([...at, 'body'], 'must be a mapping or a list (sent as JSON)');
    return { kind: 'webhook', endpoint, body: m['body'] ?? null };
  }
  const broker = str(m, 'mqtt')!;
  if (!refs.mqtt.has(broker)) {
    sink.add([...at, 'mqtt'], `unknown MQTT broker "${broker}"${known(new Set(refs.mqtt.keys()))}`);
    return null;
  }
  const topic = str(m, 'topic');
  if (topic === undefined) {
    sink.add([...at, 'topic'], 'is required for an mqtt action');
    return null;
  }
  return {
    kind: 'mqtt',
    broker,
    topic,
    qos: (int(m, 'qos') as 0 | 1 | 2 | undefined) ?? 1,
    retain: bool(m, 'retain') ?? false,
    payload: m['payload'] ?? null,
  };
}
