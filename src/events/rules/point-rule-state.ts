// The state of one point rule for one device, and its step on each sample. Mutable and
// allocation-free: the engine keeps one per (rule, device) for the device's life, and a
// sample that fires nothing only reads and writes numbers here.
import type { RuleDef } from '../../domain/rules.js';
import { enters, stays } from './point-condition.js';

export const NOTHING = 0;
export const FIRE = 1;
export const RECOVER = 2;
export type Step = typeof NOTHING | typeof FIRE | typeof RECOVER;

type PointSource = Extract<RuleDef['source'], { kind: 'point' }>;

export class PointRuleState {
  active = false;
  /** Sample time since which the condition has held while not yet active (for `for:`). */
  pendingSince = Number.NaN;
  /** Sample time since which the condition has been clear while still active (for `clearFor:`). */
  clearSince = Number.NaN;
  /** changeBy: the value last reported (the first value seen, then each firing's value). */
  reference = Number.NaN;
  /** Value that fired (or, for changeBy, the reference before it). */
  lastValue = Number.NaN;
  /** Time of the last sample of this point (noDataFor). */
  lastSampleAt = 0;
  lastFiredAt = Number.NEGATIVE_INFINITY;
  /** The last firing was passed on (not held back by the cool-down): its recovery will be too. */
  notified = false;

  constructor(
    readonly rule: RuleDef,
    readonly source: PointSource,
    readonly deviceId: string,
  ) {}

  /** One sample of the rule's point. */
  step(value: number, ts: number): Step {
    const s = this.source;
    const c = s.condition;
    this.lastSampleAt = ts;
    switch (c.kind) {
      case 'noData':
        if (!this.active) return NOTHING;
        this.active = false;
        return RECOVER;
      case 'change': {
        if (Number.isNaN(this.reference)) {
          this.reference = value;
          return NOTHING;
        }
        if (!(Math.abs(value - this.reference) > c.by)) return NOTHING;
        this.lastValue = this.reference;
        this.reference = value;
        return FIRE;
      }
      default:
        break;
    }
    if (this.active) {
      if (stays(c, value, s.hysteresis)) {
        this.clearSince = Number.NaN;
        return NOTHING;
      }
      // A bit has no deadband: a hold time is what keeps a chattering input from flapping.
      if (s.clearForMs > 0) {
        if (Number.isNaN(this.clearSince)) this.clearSince = ts;
        if (ts - this.clearSince < s.clearForMs) return NOTHING;
      }
      this.active = false;
      this.clearSince = Number.NaN;
      this.pendingSince = Number.NaN;
      return RECOVER;
    }
    if (!enters(c, value)) {
      this.pendingSince = Number.NaN;
      return NOTHING;
    }
    if (s.forMs > 0) {
      if (Number.isNaN(this.pendingSince)) this.pendingSince = ts;
      if (ts - this.pendingSince < s.forMs) return NOTHING;
    }
    this.active = true;
    this.lastValue = value;
    return FIRE;
  }

  /** noDataFor: checked by the engine's sweep. Fires once per silence. */
  checkSilence(now: number): Step {
    const c = this.source.condition;
    if (c.kind !== 'noData' || this.active || this.lastSampleAt === 0) return NOTHING;
    if (now - this.lastSampleAt < c.forMs) return NOTHING;
    this.active = true;
    return FIRE;
  }

  /**
   * Applies the cool-down to a firing: true when it is passed on. A recovery is passed on
   * only when its firing was.
   */
  admit(step: Step, now: number): boolean {
    if (step === FIRE) {
      if (now - this.lastFiredAt < this.rule.cooldownMs) {
        this.notified = false;
        return false;
      }
      this.lastFiredAt = now;
      this.notified = this.source.recovery;
      return true;
    }
    const pass = this.notified;
    this.notified = false;
    return pass;
  }
}
