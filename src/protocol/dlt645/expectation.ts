// What a DTU link waits for while a DL/T 645 request is in flight. The Modbus expectation
// carries slave and function; a meter's answer is told by its own frame (address, control
// code, identifier), so the request itself is what the link needs to know.
import type { Dlt645Request } from './request.js';

export interface Dlt645Expectation {
  readonly protocol: 'dlt645';
  readonly request: Exclude<Dlt645Request, { kind: 'broadcast-time' }>;
}

export function dlt645Expectation(request: Dlt645Expectation['request']): Dlt645Expectation {
  return { protocol: 'dlt645', request };
}

/** True for a DL/T 645 expectation among a link's others (they carry no `protocol`). */
export function isDlt645Expectation(exp: object): exp is Dlt645Expectation {
  return (exp as { protocol?: unknown }).protocol === 'dlt645';
}
