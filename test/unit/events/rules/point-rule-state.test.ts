// clearFor: a condition must stay clear for a hold time before the rule recovers, so a
// chattering bit (no deadband possible) fires once and recovers once.
import { describe, expect, it } from 'vitest';
import type { Condition, RuleDef } from '../../../../src/domain/rules.js';
import { FIRE, NOTHING, PointRuleState, RECOVER, type Step } from '../../../../src/events/rules/point-rule-state.js';

type PointSource = Extract<RuleDef['source'], { kind: 'point' }>;

function state(condition: Condition, clearForMs: number, hysteresis = 0, forMs = 0): PointRuleState {
  const source: PointSource = {
    kind: 'point',
    point: 'status',
    condition,
    hysteresis,
    forMs,
    recovery: true,
    clearForMs,
  };
  const rule: RuleDef = {
    name: 'r',
    description: '',
    severity: 'major',
    alarm: true,
    source,
    devices: { ids: null, pattern: null, profiles: null },
    cooldownMs: 0,
    debounceMs: 0,
    actions: [],
  };
  return new PointRuleState(rule, source, 'D1');
}

/** [value, seconds] pairs through one state; the steps that were not NOTHING, with their second. */
function steps(s: PointRuleState, samples: [number, number][]): [string, number][] {
  const names: Record<Step, string> = { [NOTHING]: '', [FIRE]: 'fire', [RECOVER]: 'recover' };
  return samples.flatMap(([v, sec]) => {
    const step = s.step(v, sec * 1000);
    return step === NOTHING ? [] : [[names[step], sec] as [string, number]];
  });
}

const BIT0: Condition = { kind: 'bit', bit: 0, set: true };

describe('clearFor (hold time before recovery)', () => {
  it('keeps a chattering bit active until it has stayed clear for the hold time', () => {
    const s = state(BIT0, 10_000);
    // Set at 0 s, then flips every 2 s until 12 s; clear from 12 s on: recovers at 22 s.
    const samples: [number, number][] = [
      [1, 0],
      [0, 2],
      [1, 4],
      [0, 6],
      [1, 8],
      [0, 10],
      [1, 11],
      [0, 12],
      [0, 16],
      [0, 21],
      [0, 22],
      [0, 30],
    ];
    expect(steps(s, samples)).toEqual([
      ['fire', 0],
      ['recover', 22],
    ]);
  });

  it('restarts the hold time when the condition comes back before it ends', () => {
    const s = state(BIT0, 5000);
    expect(
      steps(s, [
        [1, 0],
        [0, 1],
        [0, 5],
        [1, 5.5],
        [0, 6],
        [0, 10],
        [0, 11],
      ]),
    ).toEqual([
      ['fire', 0],
      ['recover', 11],
    ]);
  });

  it('adds to the hysteresis of a level condition: clear means past the deadband', () => {
    const s = state({ kind: 'compare', op: '>', value: 30 }, 3000, 1);
    expect(
      steps(s, [
        [31, 0],
        [29.5, 1], // inside the deadband: still active, no hold started
        [29.5, 10],
        [28, 11], // clear: the hold starts
        [29.5, 12], // back inside the deadband: the hold restarts later
        [28, 13],
        [28, 15],
        [28, 16],
      ]),
    ).toEqual([
      ['fire', 0],
      ['recover', 16],
    ]);
  });

  it('recovers on the first clear sample without a hold time, as before', () => {
    const s = state(BIT0, 0);
    expect(
      steps(s, [
        [1, 0],
        [0, 1],
        [1, 2],
      ]),
    ).toEqual([
      ['fire', 0],
      ['recover', 1],
      ['fire', 2],
    ]);
  });

  it('combines with for: both ends of the alarm are held', () => {
    const s = state(BIT0, 2000, 0, 2000);
    expect(
      steps(s, [
        [1, 0],
        [0, 1],
        [1, 2],
        [1, 4],
        [0, 5],
        [0, 7],
      ]),
    ).toEqual([
      ['fire', 4],
      ['recover', 7],
    ]);
  });
});
