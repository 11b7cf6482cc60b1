// Between the spool and the peer: counts what the peer took and knows the oldest sample not
// yet taken. Batches are noted as the writer seals them (in order) and forgotten when the
// peer takes them or sets them aside, so the first one noted holds the oldest sample waiting
// (rows still in the writer's open batch add up to queue.flushInterval more).
import type { SinkResult, WriteBatch } from '../storage/index.js';
import type { SinkPeer } from './sink-peer.js';

export class LagTracker implements SinkPeer {
  /** Batch id → its oldest sample time, in the order sealed. */
  private readonly waiting = new Map<string, number>();
  rowsSent = 0;
  readonly writeGroup?: (batches: readonly WriteBatch[]) => Promise<SinkResult>;

  constructor(private readonly peer: SinkPeer) {
    if (peer.writeGroup) {
      const group = peer.writeGroup.bind(peer);
      this.writeGroup = async (batches) => this.settled(batches, await group(batches));
    }
  }

  /** A sealed batch is on its way (to the peer or the journal). */
  accepted(batch: WriteBatch): void {
    const s = batch.samples;
    if (s.count === 0) return;
    let oldest = s.ts[0]!;
    for (let i = 1; i < s.count; i++) if (s.ts[i]! < oldest) oldest = s.ts[i]!;
    this.waiting.set(batch.id, oldest);
  }

  lagMs(now: number): number | null {
    for (const oldest of this.waiting.values()) return Math.max(0, Math.round(now - oldest));
    return null;
  }

  async write(batch: WriteBatch): Promise<SinkResult> {
    return this.settled([batch], await this.peer.write(batch));
  }

  close(): Promise<void> {
    return this.peer.close();
  }

  private settled(batches: readonly WriteBatch[], result: SinkResult): SinkResult {
    if (result.ok || result.permanent) {
      for (const batch of batches) {
        this.waiting.delete(batch.id);
        if (result.ok) this.rowsSent += batch.rows;
      }
    }
    return result;
  }
}
