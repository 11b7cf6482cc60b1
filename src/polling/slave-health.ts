// Backoff for slaves that keep failing. A dead slave behind a DTU costs a full response
// timeout per request and delays every other slave on the same bus, so after a few
// consecutive failures its polls are skipped for a while (doubling, capped), with one
// probe each time the wait runs out.

import type { ModbusTiming } from '../domain/config.js';

export interface SlaveState {
  readonly slave: number;
  readonly consecutiveFailures: number;
  readonly backedOff: boolean;
  /** Epoch ms when the next probe is allowed; 0 when not backed off. */
  readonly backoffUntil: number;
  readonly backoffMs: number;
  readonly lastSuccessAt: number | null;
  readonly lastFailureAt: number | null;
}

interface MutableState {
  failures: number;
  backoffUntil: number;
  backoffMs: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
}

export type FailureVerdict = { readonly backoffUntil: number; readonly failures: number } | null;

export class SlaveHealth {
  private readonly states = new Map<number, MutableState>();

  constructor(private readonly timing: ModbusTiming) {}

  canPoll(slave: number, now: number): boolean {
    const state = this.states.get(slave);
    return !state || state.backoffUntil <= now;
  }

  /** Returns true when the slave was backed off and has now recovered. */
  success(slave: number, now: number): boolean {
    const state = this.state(slave);
    const recovered = state.backoffMs > 0;
    state.failures = 0;
    state.backoffUntil = 0;
    state.backoffMs = 0;
    state.lastSuccessAt = now;
    return recovered;
  }

  /** Records a failure; returns the new backoff when the slave is (again) backed off. */
  failure(slave: number, now: number): FailureVerdict {
    const state = this.state(slave);
    state.failures++;
    state.lastFailureAt = now;
    if (state.failures < this.timing.backoffAfterFailures) return null;
    state.backoffMs =
      state.backoffMs === 0 ? this.timing.backoffInitialMs : Math.min(state.backoffMs * 2, this.timing.backoffMaxMs);
    state.backoffUntil = now + state.backoffMs;
    return { backoffUntil: state.backoffUntil, failures: state.failures };
  }

  snapshot(slaves: readonly number[]): SlaveState[] {
    return slaves.map((slave) => {
      const s = this.states.get(slave);
      return {
        slave,
        consecutiveFailures: s?.failures ?? 0,
        backedOff: (s?.backoffMs ?? 0) > 0,
        backoffUntil: s?.backoffUntil ?? 0,
        backoffMs: s?.backoffMs ?? 0,
        lastSuccessAt: s?.lastSuccessAt ?? null,
        lastFailureAt: s?.lastFailureAt ?? null,
      };
    });
  }

  private state(slave: number): MutableState {
    let state = this.states.get(slave);
    if (!state) {
      state = { failures: 0, backoffUntil: 0, backoffMs: 0, lastSuccessAt: null, lastFailureAt: null };
      this.states.set(slave, state);
    }
    return state;
  }
}
