// Who is online: registration ID → session, and every open connection (registered or
// not) for the connection limit and for shutdown.

import type { DtuSession } from './session.js';

export type ClaimResult = 'claimed' | 'replaced' | 'rejected';

export class DeviceRegistry {
  private readonly byId = new Map<string, DtuSession>();
  private readonly all = new Set<DtuSession>();

  get connections(): number {
    return this.all.size;
  }

  get online(): number {
    return this.byId.size;
  }

  add(session: DtuSession): void {
    this.all.add(session);
  }

  /**
   * Binds `id` to `session` under the link's duplicate policy: the newest connection
   * replaces the old one (a DTU that reconnected before its old socket timed out), or the
   * newcomer is refused.
   */
  claim(id: string, session: DtuSession, policy: 'replace' | 'reject'): ClaimResult {
    const existing = this.byId.get(id);
    if (existing && existing !== session) {
      if (policy === 'reject') return 'rejected';
      this.byId.delete(id);
      existing.close('replaced', `replaced by ${session.remote.ip}:${session.remote.port}`);
      this.byId.set(id, session);
      return 'replaced';
    }
    this.byId.set(id, session);
    return 'claimed';
  }

  release(session: DtuSession): void {
    this.all.delete(session);
    if (session.deviceId !== null && this.byId.get(session.deviceId) === session) this.byId.delete(session.deviceId);
  }

  get(id: string): DtuSession | undefined {
    return this.byId.get(id);
  }

  sessions(): IterableIterator<DtuSession> {
    return this.all.values();
  }

  devices(): IterableIterator<DtuSession> {
    return this.byId.values();
  }
}
