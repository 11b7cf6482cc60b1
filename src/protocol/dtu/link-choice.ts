// One port, mixed fleets: which of a listener's links a connection speaks, from its first
// bytes. Pure; the session buffers the bytes and owns the quiet-gap timer.

import type { LinkConfig } from '../../domain/config.js';
import { matchRegistration, type RegistrationFailure } from './registration.js';

export type LinkChoice =
  /** A link (before any that accepts) still needs more bytes to decide. */
  | { readonly kind: 'wait' }
  /** `links[index]` accepts `id`; `final: false` means only once the line stays quiet. */
  | { readonly kind: 'chosen'; readonly index: number; readonly id: string; readonly final: boolean }
  /** No link accepts these bytes: the reason is the first link's. */
  | { readonly kind: 'invalid'; readonly reason: RegistrationFailure };

/**
 * The first link, in the listener's order, whose registration rule accepts `buf[0, end)`.
 * A link that cannot decide yet holds the choice back, so the order always wins: an ASCII
 * DTU is never taken for a typed one just because four bytes happen to be in.
 */
export function chooseLink(links: readonly LinkConfig[], buf: Uint8Array, end: number): LinkChoice {
  let reason: RegistrationFailure | null = null;
  for (let index = 0; index < links.length; index++) {
    const link = links[index]!;
    const match = matchRegistration(link.registration, buf, 0, end, link.heartbeat?.pattern ?? null);
    if (match.kind === 'incomplete') return { kind: 'wait' };
    if (match.kind === 'invalid') {
      reason ??= match.reason;
      continue;
    }
    if (!framingFollows(link, buf, match.consumed, end)) {
      reason ??= 'wrong-framing';
      continue;
    }
    return { kind: 'chosen', index, id: match.id, final: match.kind === 'matched' };
  }
  return { kind: 'invalid', reason: reason ?? 'empty' };
}

/**
 * Whether the bytes after the ID can be this link's: a typed DTU's next byte is a message
 * type. Transparent bytes may be anything (a heartbeat, a pushed frame).
 */
function framingFollows(link: LinkConfig, buf: Uint8Array, at: number, end: number): boolean {
  if (link.framing !== 'typed' || at >= end || !link.typed) return true;
  const type = buf[at];
  return type === link.typed.heartbeatType || type === link.typed.dataType || type === link.typed.modbusType;
}
