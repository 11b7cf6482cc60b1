// A session's raw packet records and its warnings about discarded input. Records go on the
// bus only for the kinds the retention setting keeps, and within a byte budget: one packet
// keeps at most `rawPacketMaxBytes` (its first bytes, its length in the note), and one
// connection records at most `rawPacketBytesPerMinute`; past it packets are only counted.
// A DTU spewing 20 MB of garbage so costs the database a few kilobytes, not 40 MB of hex,
// and the writer never holds or ships a flood-sized batch. Warnings are rate-limited per
// session (the counters keep the full story), so the same flood cannot fill the log.

import type { PacketKind, Remote } from '../domain/events.js';
import type { SessionContext } from './session-types.js';

/** At most one warning per session per window about discarded input; the counters keep the rest. */
const DISCARD_LOG_WINDOW_MS = 10_000;
/** The window of `rawPacketBytesPerMinute`. */
const BUDGET_WINDOW_MS = 60_000;

const ERROR_KINDS: ReadonlySet<PacketKind> = new Set(['garbage', 'stray', 'exception']);

export class PacketRecorder {
  private lastDiscardLogAt = -Infinity;
  private suppressedDiscards = 0;
  private budgetWindowAt = -Infinity;
  private budgetUsed = 0;

  constructor(
    private readonly ctx: SessionContext,
    private readonly remote: Remote,
  ) {}

  /** The retention setting keeps packets of this kind. */
  records(kind: PacketKind): boolean {
    const mode = this.ctx.recording.recordRawPackets;
    return mode === 'all' || (mode === 'errors' && ERROR_KINDS.has(kind));
  }

  /** Emits a packet record when the retention setting keeps this kind and the budget allows. */
  record(
    deviceId: string | null,
    direction: 'in' | 'out',
    kind: PacketKind,
    raw: Uint8Array,
    note: string | null,
  ): void {
    if (!this.records(kind)) return;
    const keep = this.take(raw.length);
    if (keep < 0) {
      this.ctx.counters.packetsNotRecorded++;
      return;
    }
    this.ctx.bus.emit('packet', {
      deviceId,
      remote: this.remote,
      direction,
      kind,
      // A copy of what is kept only: a view would pin the socket's whole chunk.
      bytes: Buffer.from(raw.subarray(0, keep)),
      at: this.ctx.clock.now(),
      note: keep < raw.length ? truncatedNote(note, raw.length, keep) : note,
    });
  }

  /** Bytes of a packet of `length` to record, or -1: this minute's budget is spent. */
  private take(length: number): number {
    const { rawPacketMaxBytes, rawPacketBytesPerMinute } = this.ctx.recording;
    const keep = Math.min(length, rawPacketMaxBytes);
    if (rawPacketBytesPerMinute === 0) return keep;
    const now = this.ctx.clock.now();
    if (now - this.budgetWindowAt >= BUDGET_WINDOW_MS) {
      this.budgetWindowAt = now;
      this.budgetUsed = 0;
    }
    const left = rawPacketBytesPerMinute - this.budgetUsed;
    // An empty packet (a heartbeat without pattern) costs nothing but needs a byte left too,
    // so a spent budget stops every record until the next window.
    if (left <= 0) return -1;
    const kept = Math.min(keep, left);
    this.budgetUsed += kept;
    return kept;
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

/** `garbage; 65536 bytes, first 256 kept`: the row says how long the packet really was. */
function truncatedNote(note: string | null, length: number, kept: number): string {
  const size = `${length} bytes, first ${kept} kept`;
  return note === null ? size : `${note}; ${size}`;
}
