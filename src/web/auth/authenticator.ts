// Who is calling: the session cookie (browser) or `Authorization: Bearer` (scripts).
import { systemClock, type Clock } from '../../clock.js';
import type { AccountStore } from '../../storage/index.js';
import type { Principal } from './roles.js';
import type { SessionStore } from './session-store.js';
import { TOKEN_PREFIX, tokenDigest } from './tokens.js';

export const SESSION_COOKIE = 'dtuhub_session';
/** last_used_at of a token is written at most this often, not on every request. */
const TOKEN_TOUCH_MS = 60_000;

export interface Credentials {
  readonly authorization?: string | undefined;
  readonly sessionId?: string | undefined;
}

export class Authenticator {
  constructor(
    private readonly accounts: AccountStore,
    private readonly sessions: SessionStore,
    private readonly clock: Clock = systemClock,
  ) {}

  async principal(credentials: Credentials): Promise<Principal | null> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(credentials.authorization ?? '')?.[1];
    if (bearer !== undefined) return this.fromToken(bearer);
    if (credentials.sessionId) {
      const session = this.sessions.touch(credentials.sessionId);
      if (session)
        return {
          username: session.username,
          role: session.role,
          via: 'session',
          credentialId: session.id,
          mustChangePassword: session.mustChangePassword,
        };
    }
    return null;
  }

  private async fromToken(secret: string): Promise<Principal | null> {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
    const token = await this.accounts.tokenByDigest(tokenDigest(secret));
    const now = this.clock.now();
    if (!token || (token.expiresAt !== null && token.expiresAt <= now)) return null;
    if (token.lastUsedAt === null || now - token.lastUsedAt > TOKEN_TOUCH_MS)
      await this.accounts.touchToken(token.id, now);
    return { username: token.name, role: token.role, via: 'token', credentialId: String(token.id) };
  }
}
