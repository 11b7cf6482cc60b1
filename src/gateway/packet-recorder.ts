// A session's raw packet records and its warnings about discarded input. Records go on the
// bus only for the kinds the retention setting keeps; warnings are rate-limited per session
// (the counters keep the full story), so a DTU spewing garbage cannot flood the log.

import type { PacketKind, Remote } from '../domain/events.js';
import type { SessionContext } from './session-types.js';

/** At most one warning per session per window about discarded input; the counters keep the rest. */
const DISCARD_LOG_WINDOW_MS = 10_000;

const ERROR_KINDS: ReadonlySet<PacketKind> = new Set(['garbage', 'stray', 'exception']);

export class PacketRecorder {
  private lastDiscardLogAt = -Infinity;
  private suppressedDiscards = 0;

  constructor(
    private readonly ctx: SessionContext,
    private readonly remote: Remote,
  ) {}

  /** The retention setting keeps packets of this kind. */
  records(kind: PacketKind): boolean {
    const mode = this.ctx.recordPackets;
    return mode === 'all' || (mode === 'errors' && ERROR_KINDS.has(kind));
  }

  /** Emits a packet record when the retention setting keeps this kind. */
  record(
    deviceId: string | null,
    direction: 'in' | 'out',
    kind: PacketKind,
    raw: Uint8Array,
    note: string | null,
  ): void {
    if (!this.records(kind)) return;
    this.ctx.bus.emit('packet', {
      deviceId,
      remote: this.remote,
      direction,
      kind,
      bytes: Buffer.from(raw),
      at: this.ctx.clock.now(),
      note,
    });
  }

  logDiscard(deviceId: string | null, reason: string, bytes: number): void {
    const now = this.ctx.clock.now();
    if (now - this.lastDiscardLogAt < DISCARD_LOG_WINDOW_MS) {
      this.suppressedDiscards++;
      return;
    }
    this.ctx.log.warn(
      {
        device: deviceId,
        remote: `${this.remote.ip}:${this.remote.port}`,
        reason,
        bytes,
        suppressed: this.suppressedDiscards,
      },
      'discarded input',
    );
    this.lastDiscardLogAt = now;
    this.suppressedDiscards = 0;
  }
}
