// The fleet topic as the server sends it — a snapshot in pages, then deltas against the last
// version — turned back into whole snapshots, so pages only ever see the fleet complete. Kept
// for the life of one WebSocket: the server answers a re-subscription within a minute with a
// delta against what this connection already has.
import type { FleetDevice, FleetSnapshot, LiveFrame } from './types.js';

type FleetFrame = Extract<LiveFrame, { topic: 'fleet'; type: 'snapshot' | 'delta' }>;

export class FleetAssembly {
  private devices: Map<string, FleetDevice> | null = null;
  private incoming: Map<string, FleetDevice> | null = null;

  /** The whole snapshot after this frame, or null while pages are still coming. */
  apply(frame: FleetFrame): FleetSnapshot | null {
    if (frame.type === 'snapshot') {
      if (frame.page <= 1) this.incoming = new Map();
      if (!this.incoming) return null;
      for (const d of frame.devices) this.incoming.set(d.registrationId, d);
      if (frame.page < frame.pages) return null;
      this.devices = this.incoming;
      this.incoming = null;
      return this.whole(frame.version, frame.at);
    }
    // A delta for a connection that has no fleet yet cannot happen; ignore it if it does.
    if (!this.devices) return null;
    for (const id of frame.removed) this.devices.delete(id);
    for (const d of frame.devices) this.devices.set(d.registrationId, d);
    return this.whole(frame.version, frame.at);
  }

  /** A new connection starts from nothing. */
  reset(): void {
    this.devices = null;
    this.incoming = null;
  }

  private whole(version: number, at: number): FleetSnapshot {
    const devices = [...this.devices!.values()];
    return { type: 'snapshot', topic: 'fleet', version, page: 1, pages: 1, online: devices.length, devices, at };
  }
}

export function isFleetFrame(frame: LiveFrame): frame is FleetFrame {
  return 'topic' in frame && frame.topic === 'fleet' && (frame.type === 'snapshot' || frame.type === 'delta');
}
