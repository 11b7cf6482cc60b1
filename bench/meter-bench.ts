// What the meters scenario's parent (meter-scenario.ts) and its children (meter-inproc.ts)
// share: the two protocols compared, how a DTU's ID picks its profile, and the figures.
import type { ProcessWindow } from './process-sample.js';
import type { TransactionRates } from './loopback-dtu.js';

export type MeterBenchProtocol = 'dlt645' | 'modbus';

/** Registration IDs: the prefix picks the profile (points.yml `devices`). */
export const ID_PREFIX: Record<MeterBenchProtocol, string> = { dlt645: 'MTR', modbus: 'MBS' };
export const PROFILE_OF: Record<MeterBenchProtocol, string> = { dlt645: 'meters', modbus: 'modbus' };

export interface MeterArmArgs {
  readonly protocol: MeterBenchProtocol;
  readonly count: number;
  readonly warmupMs: number;
  readonly measureMs: number;
}

export interface MeterArmResult extends TransactionRates {
  readonly protocol: MeterBenchProtocol;
  readonly devices: number;
  readonly online: number;
  readonly window: ProcessWindow;
  /** Failed transactions in the window (timeouts and broken answers): 0 on a sound run. */
  readonly failures: number;
  readonly invalidValues: number;
}
