// Login sessions in memory: a random 256-bit id → who and until when. Expiry slides with
// use. A restart logs everybody out, which is acceptable for a gateway's web UI and keeps
// session ids out of the database.
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../clock.js';
import type { Role } from './roles.js';

export interface WebSession {
  readonly id: string;
  readonly username: string;
  role: Role;
  expiresAt: number;
  /** The user logged in with a generated password: only the password change is open to them. */
  mustChangePassword: boolean;
}

const SWEEP_EVERY_MS = 60_000;

export class SessionStore {
  private readonly sessions = new Map<string, WebSession>();
  private lastSweep = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  create(username: string, role: Role, mustChangePassword = false): WebSession {
    this.sweep();
    const session: WebSession = {
      id: randomBytes(32).toString('base64url'),
      username,
      role,
      expiresAt: this.clock.now() + this.ttlMs,
      mustChangePassword,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, its expiry extended; null when unknown or expired. */
  touch(id: string): WebSession | null {
    const session = this.sessions.get(id);
    if (!session) return null;
    const now = this.clock.now();
    if (session.expiresAt <= now) {
      this.sessions.delete(id);
      return null;
    }
    session.expiresAt = now + this.ttlMs;
    return session;
  }

  /** True while the session exists and has not expired; does not extend it. */
  alive(id: string): boolean {
    const session = this.sessions.get(id);
    return session !== undefined && session.expiresAt > this.clock.now();
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** A user's role changed: their open sessions follow at once. */
  setRole(username: string, role: Role): void {
    for (const s of this.sessions.values()) if (s.username === username) s.role = role;
  }

  /**
   * The user changed their own password in session `keep`: it is free of the forced change,
   * and their other sessions end (whoever held the old password is logged out).
   */
  passwordChanged(username: string, keep: string): void {
    for (const [id, s] of this.sessions) {
      if (s.username !== username) continue;
      if (id === keep) s.mustChangePassword = false;
      else this.sessions.delete(id);
    }
  }

  deleteUser(username: string): void {
    for (const [id, s] of this.sessions) if (s.username === username) this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.clock.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}
