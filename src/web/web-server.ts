// The web server service: opens the account store, makes sure an admin exists, then serves
// the API on web.host:web.port. start() and stop() undo each other completely.
import type { FastifyInstance } from 'fastify';
import type { WebConfig } from '../domain/config.js';
import type { Logger } from '../log.js';
import { accountStoreFor, AccountStoreUnavailableError, type AccountStore } from '../storage/index.js';
import { AuditLog } from './audit-log.js';
import { Authenticator } from './auth/authenticator.js';
import { AdminPasswordMissingError, ensureAdmin } from './auth/bootstrap-admin.js';
import { LoginLockout } from './auth/lockout.js';
import { initialPasswordPath } from './auth/initial-password.js';
import { SessionStore } from './auth/session-store.js';
import { buildFastify, type RouteInfo } from './build-fastify.js';
import { LiveHub } from './live/live-hub.js';
import { serverStatus } from './status/server-status.js';
import { defaultUiDir, loadUiFiles } from './ui/ui-files.js';
import { packageVersion } from './version.js';
import type { Services } from '../services/index.js';
import type { WebContext } from './web-context.js';

/** How often an account database that could not be opened is tried again. */
const ACCOUNT_RETRY_MS = 5000;

export interface WebServerOptions {
  /** Defaults to the store matching server.storage. */
  readonly accounts?: AccountStore;
  /** Where DTUHUB_ADMIN_PASSWORD is read (tests pass their own). */
  readonly env?: NodeJS.ProcessEnv;
  /** The built browser UI; defaults to this package's dist/ui. */
  readonly uiDir?: string;
  /** Where the generated admin password's plain line goes (default stderr; tests capture it). */
  readonly printInitialPassword?: (line: string) => void;
}

export class WebServer {
  private fastify: FastifyInstance | null = null;
  private context: WebContext | null = null;
  private boundPort: number | null = null;
  private readonly registered: RouteInfo[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private accountsPrepared = false;
  private preparing: Promise<void> | null = null;

  constructor(
    private readonly services: Services,
    private readonly log: Logger,
    private readonly options: WebServerOptions = {},
  ) {}

  get config(): WebConfig {
    return this.services.config.server.web;
  }

  /** The owner-only file holding a generated admin password (initial-password.ts). */
  get initialPasswordFile(): string | null {
    return initialPasswordPath(this.services.config.server.storage);
  }

  /** The bound port (the configured one, or the ephemeral one for port 0). */
  get port(): number | null {
    return this.boundPort;
  }

  /** The running fastify instance, for `inject()` in tests. */
  get server(): FastifyInstance {
    if (!this.fastify) throw new Error('web server is not started');
    return this.fastify;
  }

  /** Every route with its method and role (for docs checks). */
  routes(): readonly RouteInfo[] {
    return this.registered;
  }

  get ctx(): WebContext {
    if (!this.context) throw new Error('web server is not started');
    return this.context;
  }

  async start(): Promise<void> {
    if (this.fastify) return;
    const web = this.config;
    const accounts = this.options.accounts ?? accountStoreFor(this.services.config.server.storage);
    try {
      await this.prepareAccounts(accounts);
      const sessions = new SessionStore(web.sessionTtlMs);
      const sampler = this.services.status.sampler();
      const partial = {
        services: this.services,
        web,
        log: this.log,
        accounts,
        sessions,
        lockout: new LoginLockout(web.lockout.maxFailures, web.lockout.durationMs),
        auth: new Authenticator(accounts, sessions),
        audit: new AuditLog(accounts, this.log),
        sampler,
        version: packageVersion(),
        startedAt: Date.now(),
        accountsReady: () => this.accountsReady(),
        initialPasswordFile: this.initialPasswordFile,
      };
      const { devices, feed, listeners, channels } = this.services;
      const live: LiveHub = new LiveHub(devices, feed, web.live, this.log, async () => ({
        ...(await serverStatus(ctx, false)),
        listeners: listeners.list(),
        channels: channels.list(),
      }));
      const ctx: WebContext = { ...partial, live };
      sampler.start();
      live.start();
      this.context = ctx;
      this.registered.length = 0;
      this.fastify = await buildFastify(ctx, this.registered, loadUiFiles(this.options.uiDir ?? defaultUiDir()));
      await this.fastify.listen({ host: web.host, port: web.port });
      const address = this.fastify.server.address();
      this.boundPort = typeof address === 'object' && address ? address.port : web.port;
      this.log.info({ host: web.host, port: this.boundPort }, 'web server listening');
    } catch (err) {
      await this.stop();
      await accounts.close();
      throw err;
    }
  }

  /**
   * Opens the account store and makes sure the admin exists. The database may be down at
   * start (MySQL): dtuhub runs anyway, like the history store, and the web API answers
   * 503 STORE_UNAVAILABLE for logins and tokens until a retry opens the store. A missing
   * admin password is a configuration error and is thrown when it can be decided.
   */
  private async prepareAccounts(accounts: AccountStore): Promise<void> {
    this.preparing = (async () => {
      await accounts.open();
      await ensureAdmin(this.config, accounts, this.log, this.options.env, {
        file: this.initialPasswordFile,
        ...(this.options.printInitialPassword ? { print: this.options.printInitialPassword } : {}),
      });
      this.accountsPrepared = true;
    })();
    try {
      await this.preparing;
      return;
    } catch (err) {
      if (err instanceof AdminPasswordMissingError || !this.retryable(err)) throw err;
      this.log.warn(
        { err, retryInMs: ACCOUNT_RETRY_MS },
        'the account database cannot be opened; logins answer 503 until it can',
      );
    } finally {
      this.preparing = null;
    }
    await accounts.close().catch(() => undefined);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.context) return;
      this.prepareAccounts(accounts).then(
        () => this.log.info('account database open'),
        (err: unknown) =>
          this.log.error({ err }, 'web accounts cannot be prepared; nobody can log in until this is fixed'),
      );
    }, ACCOUNT_RETRY_MS);
    this.retryTimer.unref();
  }

  /**
   * For logins: resolves once the store is open and the admin exists (waiting for a
   * preparation in progress), else throws "unavailable" (503). Without this, a login in the
   * moment between the database coming back and the admin being created would be refused as
   * a wrong password and count towards the lockout.
   */
  private async accountsReady(): Promise<void> {
    if (this.accountsPrepared) return;
    await this.preparing?.catch(() => undefined);
    if (!this.accountsPrepared) throw new AccountStoreUnavailableError('the account database is not ready yet');
  }

  /** Every open failure is retried except where the store is local (SQLite: the history store would have failed first). */
  private retryable(err: unknown): boolean {
    return this.services.config.server.storage.driver === 'mysql' || err instanceof AccountStoreUnavailableError;
  }

  /** Closes viewers and sockets first, then the account store. */
  async stop(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const ctx = this.context;
    const fastify = this.fastify;
    this.context = null;
    this.fastify = null;
    this.boundPort = null;
    ctx?.live.stop();
    ctx?.sampler.stop();
    await fastify?.close();
    await ctx?.accounts.close();
  }
}
