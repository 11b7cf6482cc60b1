// The rule engine on hand-made samples and events: what fires, when, and how often.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Sample } from '../../../../src/domain/point.js';
import type { CompareOp, Condition, RuleDef, RulesConfig } from '../../../../src/domain/rules.js';
import { makeEvent, type DtuEvent } from '../../../../src/events/event.js';
import { RuleEngine } from '../../../../src/events/rules/rule-engine.js';

const T0 = 1_700_000_000_000;
const EVERY_DEVICE = { ids: null, pattern: null, profiles: null };

function pointRule(
  name: string,
  condition: Condition,
  extra: Partial<RuleDef> & {
    hysteresis?: number;
    forMs?: number;
    recovery?: boolean;
    point?: string;
    clearForMs?: number;
  } = {},
): RuleDef {
  const {
    hysteresis = 0,
    forMs = 0,
    recovery = condition.kind !== 'change',
    point = 'temp',
    clearForMs = 0,
    ...rest
  } = extra;
  return {
    name,
    description: '',
    severity: 'warning',
    alarm: true,
    source: { kind: 'point', point, condition, hysteresis, forMs, recovery, clearForMs },
    devices: EVERY_DEVICE,
    cooldownMs: 0,
    debounceMs: 0,
    actions: [],
    ...rest,
  };
}

function config(...rules: RuleDef[]): RulesConfig {
  return { file: null, webhooks: new Map(), mqtt: new Map(), rules, notifiers: new Map() };
}

function sample(value: number | null, i: number, point = 'temp', deviceId = 'D1'): Sample {
  return { deviceId, point, slave: 1, address: 0, value, text: null, raw: '0000', ts: T0 + i * 1000, quality: 'good' };
}

/** Runs values through one rule on device D1 (profile p); returns what came out. */
function run(rule: RuleDef, values: (number | null)[]): { type: string; value: unknown }[] {
  const out: DtuEvent[] = [];
  const engine = new RuleEngine(config(rule), (e) => out.push(e));
  engine.deviceRegistered('D1', 'p');
  values.forEach((v, i) => engine.onSamples('D1', [sample(v, i)]));
  return out.map((e) => ({ type: e.type, value: e.payload['value'] }));
}

const fired = (value: number) => ({ type: 'rule.fired', value });
const recovered = (value: number) => ({ type: 'rule.recovered', value });

describe('point rules', () => {
  it('fire on crossing a threshold and recover once, whatever the number of samples in between', () => {
    expect(run(pointRule('r', { kind: 'compare', op: '>', value: 30 }), [10, 29, 31, 35, 40, 31, 30, 12, 12])).toEqual([
      fired(31),
      recovered(30),
    ]);
  });

  it('support every comparison', () => {
    const cases: [CompareOp, number[], unknown[]][] = [
      ['>=', [29, 30, 29], [fired(30), recovered(29)]],
      ['<', [31, 29, 30], [fired(29), recovered(30)]],
      ['<=', [31, 30, 31], [fired(30), recovered(31)]],
      ['==', [1, 30, 30, 2], [fired(30), recovered(2)]],
      ['!=', [30, 7, 8, 30], [fired(7), recovered(30)]],
    ];
    for (const [op, values, expected] of cases)
      expect(run(pointRule('r', { kind: 'compare', op, value: 30 }), values), op).toEqual(expected);
  });

  it('hold through an oscillation within the hysteresis band and recover beyond it', () => {
    const rule = pointRule('r', { kind: 'compare', op: '>', value: 30 }, { hysteresis: 2 });
    expect(run(rule, [31, 29, 31, 28.5, 31, 28, 31])).toEqual([fired(31), recovered(28), fired(31)]);
    const low = pointRule('r', { kind: 'compare', op: '<', value: 10 }, { hysteresis: 1 });
    expect(run(low, [9, 10.5, 9, 11.5])).toEqual([fired(9), recovered(11.5)]);
  });

  it('check between and outside with hysteresis at both ends', () => {
    expect(
      run(pointRule('r', { kind: 'between', low: 10, high: 20 }, { hysteresis: 1 }), [5, 10, 9.5, 20.5, 21.5]),
    ).toEqual([fired(10), recovered(21.5)]);
    expect(
      run(pointRule('r', { kind: 'outside', low: 10, high: 20 }, { hysteresis: 1 }), [15, 21, 19.5, 18.5, 9, 11.5]),
    ).toEqual([fired(21), recovered(18.5), fired(9), recovered(11.5)]);
  });

  it('fire only once the condition has held for the duration, in sample time', () => {
    const rule = pointRule('r', { kind: 'compare', op: '>', value: 30 }, { forMs: 2000 });
    // Samples are 1 s apart: 31 at t=1 s, still above at t=2 s, fires at t=3 s; a dip restarts the clock.
    expect(run(rule, [10, 31, 31, 29, 31, 31, 31, 10])).toEqual([fired(31), recovered(10)]);
    expect(run(rule, [31, 31, 29, 31, 31, 29])).toEqual([]);
  });

  it('fire on a change by more than X from the value last reported, with no recovery', () => {
    const events = run(pointRule('r', { kind: 'change', by: 5 }), [10, 12, 14, 15, 16, 10.5, 6]);
    expect(events).toEqual([fired(16), fired(10.5)]);
  });

  it('fire on a bit set and recover when it clears, for high bits too', () => {
    expect(run(pointRule('r', { kind: 'bit', bit: 2, set: true }), [0, 1, 4, 5, 7, 3, 0])).toEqual([
      fired(4),
      recovered(3),
    ]);
    expect(run(pointRule('r', { kind: 'bit', bit: 0, set: false }), [1, 3, 2, 0, 1])).toEqual([fired(2), recovered(1)]);
    expect(run(pointRule('r', { kind: 'bit', bit: 40, set: true }), [0, 2 ** 40 + 1, 1])).toEqual([
      fired(2 ** 40 + 1),
      recovered(1),
    ]);
  });

  it("read a negative value's bits as its two's complement (a signed int16 status word)", () => {
    // 0x8001 as int16 is -32767: bits 15 and 0 set, bit 1 clear.
    expect(run(pointRule('r', { kind: 'bit', bit: 15, set: true }), [1, -32767, 1])).toEqual([
      fired(-32767),
      recovered(1),
    ]);
    expect(run(pointRule('r', { kind: 'bit', bit: 1, set: true }), [-32767, -32768])).toEqual([]);
    expect(run(pointRule('r', { kind: 'bit', bit: 0, set: true }), [0, -32767])).toEqual([fired(-32767)]);
  });

  it('skip samples without a number (strings, NaN)', () => {
    expect(run(pointRule('r', { kind: 'compare', op: '>', value: 30 }), [null, Number.NaN, 31])).toEqual([fired(31)]);
  });

  it('hold a firing back during the cool-down, and then its recovery too', () => {
    const rule = pointRule('r', { kind: 'compare', op: '>', value: 30 }, { cooldownMs: 5000 });
    // t=0 fire, t=1 recover, t=2 fire held back (within 5 s), t=3 no recovery, t=6 fire again.
    expect(run(rule, [31, 10, 31, 10, 10, 10, 31])).toEqual([fired(31), recovered(10), fired(31)]);
  });

  it('fire noDataFor once per silence after the sweep finds it, and recover on the next sample', () => {
    const out: DtuEvent[] = [];
    const engine = new RuleEngine(config(pointRule('silent', { kind: 'noData', forMs: 10_000 })), (e) => out.push(e));
    engine.deviceRegistered('D1', 'p');
    engine.deviceRegistered('D2', 'p'); // never sends: not reported
    engine.sweep(T0 + 60_000);
    expect(out).toEqual([]);
    engine.onSamples('D1', [sample(1, 0)]);
    engine.sweep(T0 + 9_999);
    engine.sweep(T0 + 10_000);
    engine.sweep(T0 + 20_000);
    engine.onSamples('D1', [sample(2, 30)]);
    expect(out.map((e) => [e.type, e.deviceId, e.at])).toEqual([
      ['rule.fired', 'D1', T0 + 10_000],
      ['rule.recovered', 'D1', T0 + 30_000],
    ]);
    expect(out[0]!.payload).toMatchObject({ point: 'temp', lastSampleAt: T0, condition: 'noDataFor 10s' });
  });

  it('apply a rule only to the devices its filter takes, kept apart per device', () => {
    const out: DtuEvent[] = [];
    const rule = pointRule(
      'r',
      { kind: 'compare', op: '>', value: 30 },
      { devices: { ids: null, pattern: /^TH-/, profiles: ['p'] } },
    );
    const engine = new RuleEngine(config(rule), (e) => out.push(e));
    engine.deviceRegistered('TH-1', 'p');
    engine.deviceRegistered('TH-2', 'other');
    engine.deviceRegistered('XX-3', 'p');
    engine.deviceRegistered('TH-4', 'p');
    for (const id of ['TH-1', 'TH-2', 'XX-3', 'TH-4']) engine.onSamples(id, [sample(40, 0, 'temp', id)]);
    engine.onSamples('TH-1', [sample(10, 1, 'temp', 'TH-1'), sample(50, 1, 'other-point', 'TH-1')]);
    expect(out.map((e) => [e.type, e.deviceId])).toEqual([
      ['rule.fired', 'TH-1'],
      ['rule.fired', 'TH-4'],
      ['rule.recovered', 'TH-1'],
    ]);
    expect(engine.ruleCounters('r')).toMatchObject({ fired: 2, recovered: 1 });
  });
});

describe('event rules', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function eventRule(extra: Partial<RuleDef> = {}): RuleDef {
    return {
      name: 'ev',
      description: '',
      severity: 'warning',
      alarm: false,
      source: { kind: 'events', types: ['device.online', 'device.offline'] },
      devices: EVERY_DEVICE,
      cooldownMs: 0,
      debounceMs: 0,
      actions: [],
      ...extra,
    };
  }

  function engineFor(rule: RuleDef): { engine: RuleEngine; out: string[] } {
    const out: string[] = [];
    const engine = new RuleEngine(config(rule), (e, r) => out.push(`${r.name}:${e.type}:${e.deviceId}`), {
      now: () => Date.now(),
    });
    engine.deviceRegistered('D1', 'p');
    return { engine, out };
  }

  const online = (id = 'D1') => makeEvent('device.online', id, Date.now(), {});
  const offline = (id = 'D1', reason = 'closed') => makeEvent('device.offline', id, Date.now(), { reason });

  it('pass matching events on and ignore other types and a shutdown', () => {
    const { engine, out } = engineFor(eventRule());
    engine.onEvent(online());
    engine.onEvent(makeEvent('heartbeat.missed', 'D1', Date.now(), {}));
    engine.onEvent(offline('D1', 'shutdown'));
    engine.onEvent(offline());
    expect(out).toEqual(['ev:device.online:D1', 'ev:device.offline:D1']);
  });

  it('debounce: an offline followed by an online within the window sends neither', () => {
    const { engine, out } = engineFor(eventRule({ debounceMs: 30_000 }));
    engine.onEvent(online());
    engine.onEvent(offline());
    vi.advanceTimersByTime(29_000);
    engine.onEvent(online());
    vi.advanceTimersByTime(60_000);
    expect(out).toEqual(['ev:device.online:D1']);
    expect(engine.ruleCounters('ev')).toMatchObject({ fired: 1, debounced: 1 });

    engine.onEvent(offline());
    vi.advanceTimersByTime(30_000);
    expect(out).toEqual(['ev:device.online:D1', 'ev:device.offline:D1']);
  });

  it('cool-down: the same event type for the same device is passed once per window', () => {
    const { engine, out } = engineFor(eventRule({ cooldownMs: 10_000 }));
    engine.onEvent(online());
    engine.onEvent(offline());
    engine.onEvent(online());
    engine.onEvent(online('D2'));
    vi.advanceTimersByTime(10_000);
    engine.onEvent(online());
    expect(out).toEqual(['ev:device.online:D1', 'ev:device.offline:D1', 'ev:device.online:D2', 'ev:device.online:D1']);
    expect(engine.ruleCounters('ev')).toMatchObject({ fired: 4, suppressed: 1 });
  });
});

describe('a reload of rules.yml', () => {
  it('starts the changed rule afresh and keeps every other rule’s state and counters', () => {
    const out: DtuEvent[] = [];
    const hot = pointRule('hot', { kind: 'compare', op: '>', value: 30 });
    const warm = pointRule('warm', { kind: 'compare', op: '>', value: 20 });
    const engine = new RuleEngine(config(hot, warm), (e, rule) => out.push({ ...e, rule: rule.name }));
    engine.deviceRegistered('D1', 'p');
    engine.onSamples('D1', [sample(35, 0)]);
    expect(out.map((e) => e.rule)).toEqual(['hot', 'warm']);

    const hotter = pointRule('hot', { kind: 'compare', op: '>', value: 32 });
    engine.apply(config(hotter, warm), new Set(['hot']));
    expect(engine.ruleCounters('hot')?.fired).toBe(0);
    expect(engine.ruleCounters('warm')?.fired).toBe(1);
    // Still above both limits: only the rule that started afresh fires again.
    engine.onSamples('D1', [sample(35, 1)]);
    expect(out.map((e) => e.rule)).toEqual(['hot', 'warm', 'hot']);
    expect(engine.ruleCounters('hot')?.fired).toBe(1);
  });

  it('adds and removes rules for devices already registered', () => {
    const out: DtuEvent[] = [];
    const hot = pointRule('hot', { kind: 'compare', op: '>', value: 30 });
    const cold = pointRule('cold', { kind: 'compare', op: '<', value: 0 });
    const engine = new RuleEngine(config(hot), (e, rule) => out.push({ ...e, rule: rule.name }));
    engine.deviceRegistered('D1', 'p');
    engine.apply(config(cold), new Set(['hot', 'cold']));
    engine.onSamples('D1', [sample(35, 0), sample(-5, 1)]);
    expect(out.map((e) => e.rule)).toEqual(['cold']);
    expect(engine.ruleCounters('hot')).toBeNull();
  });
});
