// Who on the simulated bus answers a request: a broadcast is applied by every slave and
// answered by none, an absent or silent slave says nothing, the rest answer from the model.
import type { DtuFaults } from './dtu-options.js';
import type { RegisterModel } from './register-model.js';
import { answerRequest, applyWrite, type Answer } from './slave-responder.js';
import type { SlaveRequest } from './slave-request.js';

export type BusFaults = Pick<DtuFaults, 'silentSlaves' | 'exceptionCodes'>;

export type BusOutcome =
  | { readonly kind: 'answer'; readonly answer: Answer }
  | { readonly kind: 'broadcast' }
  /** Nobody answers: the slave is not on the bus, or is set silent. */
  | { readonly kind: 'silent' };

const BROADCAST: BusOutcome = Object.freeze({ kind: 'broadcast' });
const SILENT: BusOutcome = Object.freeze({ kind: 'silent' });

export function serveOnBus(
  model: RegisterModel,
  request: SlaveRequest,
  atMs: number,
  slaves: readonly number[],
  faults: BusFaults,
  strictAddresses: boolean,
): BusOutcome {
  if (request.slave === 0) {
    for (const slave of slaves) applyWrite(model, request, slave);
    return BROADCAST;
  }
  if (!slaves.includes(request.slave) || faults.silentSlaves?.includes(request.slave)) return SILENT;
  const answer = answerRequest(model, request, atMs, {
    strictAddresses,
    exceptionCode: faults.exceptionCodes?.[request.slave] ?? null,
  });
  return { kind: 'answer', answer };
}
