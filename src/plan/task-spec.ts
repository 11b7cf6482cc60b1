// What the planner needs to know about a task, independent of the YAML it came from.
import type { Schedule } from '../domain/config.js';
import type { ReadFunction } from '../domain/point.js';

/** A task naming one explicit address range: compiled to exactly one read block. */
export interface RangeTaskSpec {
  readonly kind: 'range';
  readonly name: string;
  readonly schedule: Schedule;
  readonly slave: number;
  readonly fn: ReadFunction;
  readonly address: number;
  readonly quantity: number;
}

/** A task naming points (or `all`): compiled to as few merged blocks as the limits allow. */
export interface PointListTaskSpec {
  readonly kind: 'points';
  readonly name: string;
  readonly schedule: Schedule;
  readonly points: readonly string[] | 'all';
}

export type TaskSpec = RangeTaskSpec | PointListTaskSpec;
