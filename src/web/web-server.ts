// The web server service: opens the account store, makes sure an admin exists, then serves
// the API on web.host:web.port. start() and stop() undo each other completely.
import type { FastifyInstance } from 'fastify';
import type { WebConfig } from '../domain/config.js';
import type { Logger } from '../log.js';
import type { AccountStore } from './accounts/account-store.js';
import { accountStoreFor } from './accounts/open-account-store.js';
import { AuditLog } from './audit-log.js';
import { Authenticator } from './auth/authenticator.js';
import { ensureAdmin } from './auth/bootstrap-admin.js';
import { LoginLockout } from './auth/lockout.js';
import { SessionStore } from './auth/session-store.js';
import { buildFastify, type RouteInfo } from './build-fastify.js';
import { LiveHub } from './live/live-hub.js';
import { serverStatus } from './status/server-status.js';
import { StatusSampler } from './status/status-sampler.js';
import { defaultUiDir, loadUiFiles } from './ui/ui-files.js';
import { packageVersion } from './version.js';
import type { WebApp } from './web-app.js';
import type { WebContext } from './web-context.js';

export interface WebServerOptions {
  /** Defaults to the store matching server.storage. */
  readonly accounts?: AccountStore;
  /** Where DTUHUB_ADMIN_PASSWORD is read (tests pass their own). */
  readonly env?: NodeJS.ProcessEnv;
  /** The built browser UI; defaults to this package's dist/ui. */
  readonly uiDir?: string;
}

export class WebServer {
  private fastify: FastifyInstance | null = null;
  private context: WebContext | null = null;
  private boundPort: number | null = null;
  private readonly registered: RouteInfo[] = [];

  constructor(
    private readonly app: WebApp,
    private readonly log: Logger,
    private readonly options: WebServerOptions = {},
  ) {}

  get config(): WebConfig {
    return this.app.config.server.web;
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
    const accounts = this.options.accounts ?? accountStoreFor(this.app.config.server.storage);
    await accounts.open();
    try {
      await ensureAdmin(web, accounts, this.log, this.options.env);
      const sessions = new SessionStore(web.sessionTtlMs);
      const sampler = new StatusSampler(this.app.gateway.counters, this.app.bus);
      const partial = {
        app: this.app,
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
      };
      const live: LiveHub = new LiveHub(this.app, web.live, this.log, async () => ({ ...(await serverStatus(ctx, false)), channels: this.app.gateway.channels() }));
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

  /** Closes viewers and sockets first, then the account store. */
  async stop(): Promise<void> {
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
