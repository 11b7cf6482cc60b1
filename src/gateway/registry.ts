// Who is online: registration ID → session, and every open connection (registered or
// not) for the connection limit and for shutdown.

import type { OfflineReason, Remote } from '../domain/events.js';

export type ClaimResult = 'claimed' | 'replaced' | 'rejected';

/** What the registry needs of a session (S is one). */
export interface RegisteredSession {
  readonly deviceId: string | null;
  readonly remote: Remote;
  /** True when an outbound channel opened the connection. */
  readonly isOutbound: boolean;
  close(reason: OfflineReason, details: string | null): void;
}

export class DeviceRegistry<S extends RegisteredSession = RegisteredSession> {
  private readonly byId = new Map<string, S>();
  private readonly all = new Set<S>();

  get connections(): number {
    return this.all.size;
  }

  get online(): number {
    return this.byId.size;
  }

  add(session: S): void {
    this.all.add(session);
  }

  /**
   * Binds `id` to `session` under the link's duplicate policy: the newest connection
   * replaces the old one (a DTU that reconnected before its old socket timed out), or the
   * newcomer is refused.
   */
  claim(id: string, session: S, policy: 'replace' | 'reject'): ClaimResult {
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

  /**
   * Claims `id` for a session under its link's duplicate policy and the rule between the two
   * kinds of link. A channel's link never replaces a DTU online through a listener: the DTU's
   * own connection comes first, and replacing would have each side throw the other out,
   * again and again. The other way round, the DTU's own connection replaces a channel's link
   * even where its listener's link rejects duplicates. `reason` says why a claim was refused.
   */
  claimFor(id: string, session: S, duplicateIds: 'replace' | 'reject'): { result: ClaimResult; reason: string } {
    const holder = this.byId.get(id);
    const other = holder !== undefined && holder !== session ? holder : null;
    if (session.isOutbound && other !== null && !other.isOutbound) {
      return {
        result: 'rejected',
        reason: `duplicate registration ID: online through listener ${other.remote.listener}`,
      };
    }
    const policy = !session.isOutbound && other?.isOutbound ? 'replace' : duplicateIds;
    const result = this.claim(id, session, policy);
    return { result, reason: result === 'rejected' ? 'duplicate registration ID: already online' : '' };
  }

  release(session: S): void {
    this.all.delete(session);
    if (session.deviceId !== null && this.byId.get(session.deviceId) === session) this.byId.delete(session.deviceId);
  }

  get(id: string): S | undefined {
    return this.byId.get(id);
  }

  sessions(): IterableIterator<S> {
    return this.all.values();
  }

  devices(): IterableIterator<S> {
    return this.byId.values();
  }
}
