// Evaluates the rules: point rules on every sample, event rules on every framework event.
//
// Compiled once: point rules are grouped by point name; when a device registers, the rules
// whose device filter takes it become that device's dispatch table (point name → states).
// A sample costs one Map lookup, plus a few number comparisons per rule on its point, and
// allocates nothing unless a rule fires.
//
// Event rules add a cool-down per rule and device, and for device.offline an optional
// debounce: the offline is held back, and an online within the window cancels both, so a
// flapping DTU does not page anyone.
import { systemClock, type Clock } from '../../clock.js';
import type { Sample } from '../../domain/point.js';
import type { EventType, RuleDef, RulesConfig } from '../../domain/rules.js';
import { makeEvent, type DtuEvent } from '../event.js';
import { matchesDevice } from './device-filter.js';
import { describeCondition } from './point-condition.js';
import { FIRE, NOTHING, PointRuleState, type Step } from './point-rule-state.js';

/** What the engine passes on: the event to act on, and the rule whose actions run. */
export type RuleOutput = (event: DtuEvent, rule: RuleDef) => void;

export interface RuleCounters {
  /** Firings passed on to the actions (for event rules: events matched). */
  fired: number;
  recovered: number;
  /** Held back by the cool-down. */
  suppressed: number;
  /** Offline/online pairs swallowed by the debounce. */
  debounced: number;
  lastFiredAt: number | null;
}

interface DeviceTable {
  profile: string | null;
  /** point name → states of the rules on that point that take this device. */
  byPoint: Map<string, PointRuleState[]>;
  all: PointRuleState[];
}

type EventRule = RuleDef & { readonly source: { readonly kind: 'events'; readonly types: readonly EventType[] } };

/** Shortest and longest interval between noData sweeps. */
const SWEEP_MIN_MS = 50;
const SWEEP_MAX_MS = 5000;

export class RuleEngine {
  private pointRules: RuleDef[] = [];
  private readonly eventRules = new Map<string, EventRule[]>();
  private readonly devices = new Map<string, DeviceTable>();
  private readonly counters = new Map<string, RuleCounters>();
  private readonly lastEventFired = new Map<string, number>();
  /** `${rule}\0${device}` → the held offline. */
  private readonly heldOffline = new Map<string, { event: DtuEvent; timer: NodeJS.Timeout }>();
  private readonly conditionText = new Map<string, string>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweepEveryMs = 0;
  wantsDataEvents = false;

  constructor(
    public config: RulesConfig,
    private readonly output: RuleOutput,
    private readonly clock: Clock = systemClock,
  ) {
    this.compile(config);
  }

  private compile(config: RulesConfig): void {
    this.config = config;
    this.pointRules = config.rules.filter((r) => r.source.kind === 'point');
    this.eventRules.clear();
    this.conditionText.clear();
    for (const rule of config.rules) {
      if (!this.counters.has(rule.name)) {
        this.counters.set(rule.name, { fired: 0, recovered: 0, suppressed: 0, debounced: 0, lastFiredAt: null });
      }
      if (rule.source.kind === 'point') this.conditionText.set(rule.name, describeCondition(rule.source.condition));
      else
        for (const type of rule.source.types) {
          let list = this.eventRules.get(type);
          if (!list) this.eventRules.set(type, (list = []));
          list.push(rule as EventRule);
        }
    }
    this.wantsDataEvents = this.eventRules.has('data.received');
    const silences = this.pointRules.flatMap((r) =>
      r.source.kind === 'point' && r.source.condition.kind === 'noData' ? [r.source.condition.forMs] : [],
    );
    this.sweepEveryMs =
      silences.length === 0 ? 0 : Math.min(SWEEP_MAX_MS, Math.max(SWEEP_MIN_MS, Math.min(...silences) / 4));
  }

  /**
   * rules.yml reloaded: the rules named in `changed` (added, changed or removed) lose their
   * state (conditions held, cool-downs, debounced offlines, counters) and start afresh; every
   * other rule keeps its state for every device.
   */
  apply(config: RulesConfig, changed: ReadonlySet<string>): void {
    for (const name of changed) this.counters.delete(name);
    const forget = (key: string) => changed.has(key.slice(0, key.indexOf('\0')));
    for (const key of [...this.lastEventFired.keys()]) if (forget(key)) this.lastEventFired.delete(key);
    for (const [key, held] of [...this.heldOffline]) {
      if (!forget(key)) continue;
      clearTimeout(held.timer);
      this.heldOffline.delete(key);
    }
    const running = this.sweepTimer !== null;
    this.stopSweep();
    this.compile(config);
    for (const [deviceId, table] of this.devices)
      this.devices.set(deviceId, this.table(deviceId, table.profile, table, changed));
    if (running) this.start();
  }

  start(): void {
    if (this.sweepEveryMs > 0 && this.sweepTimer === null) {
      this.sweepTimer = setInterval(() => this.sweep(this.clock.now()), this.sweepEveryMs);
      this.sweepTimer.unref();
    }
  }

  private stopSweep(): void {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  stop(): void {
    this.stopSweep();
    for (const held of this.heldOffline.values()) clearTimeout(held.timer);
    this.heldOffline.clear();
  }

  /** Builds (or rebuilds, for a new profile) the device's dispatch table. */
  deviceRegistered(deviceId: string, profile: string): void {
    const existing = this.devices.get(deviceId);
    if (existing && existing.profile === profile) return;
    this.devices.set(deviceId, this.table(deviceId, profile, null, null));
  }

  /** The rules whose filter takes the device; states of `kept` are reused unless their rule is in `changed`. */
  private table(
    deviceId: string,
    profile: string | null,
    kept: DeviceTable | null,
    changed: ReadonlySet<string> | null,
  ): DeviceTable {
    const table: DeviceTable = { profile, byPoint: new Map(), all: [] };
    for (const rule of this.pointRules) {
      if (rule.source.kind !== 'point' || !matchesDevice(rule.devices, deviceId, profile)) continue;
      const reuse = changed?.has(rule.name) === false ? kept?.all.find((s) => s.rule.name === rule.name) : undefined;
      const state = reuse ?? new PointRuleState(rule, rule.source, deviceId);
      let list = table.byPoint.get(rule.source.point);
      if (!list) table.byPoint.set(rule.source.point, (list = []));
      list.push(state);
      table.all.push(state);
    }
    return table;
  }

  profileOf(deviceId: string): string | null {
    return this.devices.get(deviceId)?.profile ?? null;
  }

  /** The hot path: every decoded sample of a device. */
  onSamples(deviceId: string, samples: readonly Sample[]): void {
    const table = this.devices.get(deviceId);
    if (table === undefined || table.all.length === 0) return;
    const byPoint = table.byPoint;
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i]!;
      const states = byPoint.get(sample.point);
      if (states === undefined) continue;
      const value = sample.value;
      if (value === null || Number.isNaN(value)) continue;
      for (let j = 0; j < states.length; j++) {
        const state = states[j]!;
        const step = state.step(value, sample.ts);
        if (step !== NOTHING) this.pointStep(state, step, value, sample.ts);
      }
    }
  }

  /** A framework event (not rule.*): runs the event rules on its type. */
  onEvent(event: DtuEvent): void {
    const rules = this.eventRules.get(event.type);
    if (!rules) return;
    // dtuhub stopping is not the device going offline.
    if (event.type === 'device.offline' && event.payload['reason'] === 'shutdown') return;
    const profile = event.deviceId === null ? null : this.profileOf(event.deviceId);
    for (const rule of rules) {
      if (event.deviceId !== null && !matchesDevice(rule.devices, event.deviceId, profile)) continue;
      if (event.deviceId === null && (rule.devices.ids || rule.devices.pattern || rule.devices.profiles)) continue;
      this.eventRule(rule, event);
    }
  }

  /** noDataFor rules: fires for every (rule, device) whose point has been silent long enough. */
  sweep(now: number): void {
    for (const table of this.devices.values()) {
      for (const state of table.all) {
        const step = state.checkSilence(now);
        if (step !== NOTHING) this.pointStep(state, step, null, now);
      }
    }
  }

  ruleCounters(name: string): Readonly<RuleCounters> | null {
    return this.counters.get(name) ?? null;
  }

  private pointStep(state: PointRuleState, step: Step, value: number | null, at: number): void {
    const counters = this.counters.get(state.rule.name)!;
    if (!state.admit(step, at)) {
      if (step === FIRE) counters.suppressed++;
      return;
    }
    const source = state.source;
    const payload: Record<string, unknown> = {
      point: source.point,
      value,
      condition: this.conditionText.get(state.rule.name),
    };
    if (source.condition.kind === 'change') payload['previous'] = state.lastValue;
    if (source.condition.kind === 'noData') payload['lastSampleAt'] = state.lastSampleAt;
    if (step === FIRE) {
      counters.fired++;
      counters.lastFiredAt = at;
      this.output(makeEvent('rule.fired', state.deviceId, at, payload, state.rule.name), state.rule);
    } else {
      counters.recovered++;
      if (value !== null && source.condition.kind !== 'noData') payload['firedValue'] = state.lastValue;
      this.output(makeEvent('rule.recovered', state.deviceId, at, payload, state.rule.name), state.rule);
    }
  }

  private eventRule(rule: EventRule, event: DtuEvent): void {
    const key = `${rule.name}\0${event.deviceId ?? ''}`;
    const counters = this.counters.get(rule.name)!;
    if (rule.debounceMs > 0) {
      if (event.type === 'device.offline') {
        const previous = this.heldOffline.get(key);
        if (previous) clearTimeout(previous.timer);
        const timer = setTimeout(() => {
          this.heldOffline.delete(key);
          this.pass(rule, event, key, counters);
        }, rule.debounceMs);
        timer.unref();
        this.heldOffline.set(key, { event, timer });
        return;
      }
      if (event.type === 'device.online') {
        const held = this.heldOffline.get(key);
        if (held) {
          // Back within the window: neither the offline nor this online is news.
          clearTimeout(held.timer);
          this.heldOffline.delete(key);
          counters.debounced++;
          return;
        }
      }
    }
    this.pass(rule, event, key, counters);
  }

  private pass(rule: EventRule, event: DtuEvent, key: string, counters: RuleCounters): void {
    const now = this.clock.now();
    if (rule.cooldownMs > 0) {
      // Per event type too: an online right after an offline is not a repeat.
      const typeKey = `${key}\0${event.type}`;
      const last = this.lastEventFired.get(typeKey);
      if (last !== undefined && now - last < rule.cooldownMs) {
        counters.suppressed++;
        return;
      }
      this.lastEventFired.set(typeKey, now);
    }
    counters.fired++;
    counters.lastFiredAt = now;
    this.output(event, rule);
  }
}
