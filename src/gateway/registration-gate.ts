// The registration phase of one accepted connection: buffers its first bytes until a link's
// registration rule accepts them whole (or none can), with the two timers that phase needs:
// the registration timeout and the quiet gap that ends an ID nothing else ends.

import { DEFAULT_QUIET_GAP_MS, type LinkConfig } from '../domain/config.js';
import type { TickJob, TickScheduler } from '../link/index.js';
import { chooseLink } from '../protocol/dtu/link-choice.js';
import type { RegistrationFailure } from '../protocol/dtu/registration.js';

/** Why a connection did not register: its bytes, or `timeout` (nothing complete in time). */
export type GateFailure = RegistrationFailure | 'timeout';

const EMPTY = Buffer.alloc(0);

export interface GateOutcome {
  /** `links[index]` takes the connection with `bytes` (its ID and what followed); `quiet`: the line went quiet. */
  chosen(index: number, bytes: Buffer, quiet: boolean): void;
  failed(reason: GateFailure, bytes: Uint8Array): void;
}

export class RegistrationGate {
  private pending: Buffer = EMPTY;
  private readonly timeoutJob: TickJob;
  private readonly quietJob: TickJob;
  private deadline = 0;
  /** The candidate waiting for the quiet gap: link index and ID. */
  private quietIndex = -1;
  private quietId = '';
  private done = false;

  constructor(
    private readonly links: readonly LinkConfig[],
    private readonly scheduler: TickScheduler,
    private readonly limits: { readonly registrationTimeoutMs: number; readonly maxInputBytes: number },
    private readonly outcome: GateOutcome,
  ) {
    this.timeoutJob = scheduler.job(() => this.finish(() => this.outcome.failed('timeout', this.pending)));
    this.quietJob = scheduler.job(() => this.onQuiet());
  }

  start(now: number): void {
    this.deadline = now + this.limits.registrationTimeoutMs;
    this.scheduler.schedule(this.timeoutJob, this.limits.registrationTimeoutMs);
  }

  push(chunk: Buffer, now: number): void {
    if (this.done) return;
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.pending.length > this.limits.maxInputBytes) {
      this.finish(() => this.outcome.failed('too-long', this.pending));
      return;
    }
    const choice = chooseLink(this.links, this.pending, this.pending.length);
    const candidate = choice.kind === 'chosen' ? this.stablePart(choice.index, choice.id) : '';
    const sameCandidate = choice.kind === 'chosen' && choice.index === this.quietIndex && candidate === this.quietId;
    // Bytes that leave the ID as it was (heartbeats after it) do not restart the quiet gap:
    // a DTU beating every few seconds must not hold its own registration back.
    if (!sameCandidate) this.scheduler.cancel(this.quietJob);
    if (choice.kind === 'wait') {
      this.quietIndex = -1;
      return;
    }
    if (choice.kind === 'invalid') {
      this.finish(() => this.outcome.failed(choice.reason, this.pending));
      return;
    }
    if (choice.final) {
      this.finish(() => this.outcome.chosen(choice.index, this.pending, false));
      return;
    }
    if (sameCandidate) return;
    // Ends before the registration timeout would, so a quiet ID is never timed out instead.
    const rule = this.links[choice.index]!.registration;
    const gap = rule.type === 'ascii' ? (rule.quietGapMs ?? DEFAULT_QUIET_GAP_MS) : DEFAULT_QUIET_GAP_MS;
    const left = this.deadline - now - 2 * this.scheduler.tickMs;
    this.quietIndex = choice.index;
    this.quietId = candidate;
    this.scheduler.schedule(this.quietJob, Math.max(0, Math.min(gap, left)));
  }

  /**
   * A datagram ended (UDP): a packet is whole when it arrives, so an ID waiting for the
   * quiet gap is complete now, and one still incomplete never will be.
   */
  packetEnded(): void {
    if (this.done) return;
    if (this.quietIndex >= 0) this.onQuiet();
    // Nothing more of this registration is coming: a datagram that only begins one (or is
    // empty) fails now, not at the registration timeout, so it cannot hold a slot for long.
    else this.finish(() => this.outcome.failed(this.pending.length === 0 ? 'empty' : 'too-short', this.pending));
  }

  /** Drops the timers (the session closed or registered). */
  stop(): void {
    this.done = true;
    this.scheduler.cancel(this.timeoutJob);
    this.scheduler.cancel(this.quietJob);
    this.pending = EMPTY;
  }

  /**
   * The ID without the heartbeats after it, whole or begun (`H` of `HB`): heartbeats arriving
   * after the ID, even byte by byte, leave the candidate as it was and do not restart the
   * quiet gap.
   */
  private stablePart(index: number, id: string): string {
    const heartbeat = this.links[index]!.heartbeat?.pattern.toString('latin1') ?? '';
    if (heartbeat.length === 0) return id;
    let out = id;
    for (let n = Math.min(heartbeat.length - 1, out.length - 1); n > 0; n--) {
      if (out.endsWith(heartbeat.slice(0, n))) {
        out = out.slice(0, out.length - n);
        break;
      }
    }
    while (out.length > heartbeat.length && out.endsWith(heartbeat)) out = out.slice(0, out.length - heartbeat.length);
    return out;
  }

  private onQuiet(): void {
    const index = this.quietIndex;
    this.finish(() => this.outcome.chosen(index, this.pending, true));
  }

  private finish(report: () => void): void {
    if (this.done) return;
    this.done = true;
    this.scheduler.cancel(this.timeoutJob);
    this.scheduler.cancel(this.quietJob);
    report();
    this.pending = EMPTY;
  }
}
