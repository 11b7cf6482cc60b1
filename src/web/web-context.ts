// Everything a route needs, built once by WebServer and handed to each route plugin.
import type { WebConfig } from '../domain/config.js';
import type { Logger } from '../log.js';
import type { AccountStore } from '../storage/index.js';
import type { AuditLog } from './audit-log.js';
import type { Authenticator } from './auth/authenticator.js';
import type { LoginLockout } from './auth/lockout.js';
import type { SessionStore } from './auth/session-store.js';
import type { LiveHub } from './live/live-hub.js';
import type { Services, StatusSampler } from '../services/index.js';

export interface WebContext {
  /** The runtime, through the façade only. */
  readonly services: Services;
  readonly web: WebConfig;
  readonly log: Logger;
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  readonly lockout: LoginLockout;
  readonly auth: Authenticator;
  readonly audit: AuditLog;
  readonly sampler: StatusSampler;
  readonly live: LiveHub;
  /** Resolves once the account store is open and the admin exists; else throws AccountStoreUnavailableError (503). */
  readonly accountsReady: () => Promise<void>;
  /** The generated admin password's file, deleted when that password is changed. */
  readonly initialPasswordFile: string | null;
  readonly version: string;
  readonly startedAt: number;
}
