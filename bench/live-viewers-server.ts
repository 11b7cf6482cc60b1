// The dtuhub side of the live-viewers scenario (issue 23): the whole app with its web server,
// 1,000 DTUs' worth of listener, a small profile (two points every second, so the feed's
// frames are its own cost, not the samples'), and the counts that say whether the gateway
// kept up. Started in the integration test's own process, or in live-viewers-server-proc.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DtuhubApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { createLogger, silentLogger } from '../src/log.js';
import { SESSION_COOKIE } from '../src/web/auth/authenticator.js';
import { HEARTBEAT_ASCII, LINK_NAME, PROFILE_NAME } from './bench-config.js';

export interface LiveServerOptions {
  readonly dbPath: string;
  readonly dtus: number;
  readonly pollEveryMs: number;
  /** The server counts a missed heartbeat per this long without one. */
  readonly heartbeatIntervalMs: number;
}

export interface LiveServerCounters {
  readonly online: number;
  readonly polls: number;
  readonly skippedOverrun: number;
  readonly pollTimeouts: number;
  readonly heartbeatTimeouts: number;
}

/** server.yml and points.yml for the scenario, with the link and profile names fleet-proc.ts expects. */
export function writeLiveViewersConfig(dir: string, options: LiveServerOptions): void {
  const server = {
    version: 1,
    listeners: [{ name: 'dtu', host: '127.0.0.1', port: 0, link: LINK_NAME }],
    web: { host: '127.0.0.1', port: 0, admin: { username: 'admin', password: 'live-viewers-bench' } },
    sessions: {
      heartbeatInterval: `${options.heartbeatIntervalMs}ms`,
      heartbeatMaxMisses: 3,
      registrationTimeout: '30s',
      maxConnections: options.dtus + 100,
      maxInputBytes: 4096,
      connectStagger: `${options.pollEveryMs}ms`,
    },
    storage: { driver: 'sqlite', path: options.dbPath },
    writeBuffer: { maxRows: 5000, flushInterval: '200ms' },
    logging: { level: 'warn', pretty: false },
  };
  const points = {
    version: 1,
    links: {
      [LINK_NAME]: {
        framing: 'transparent',
        registration: { type: 'ascii', maxLength: 40, mode: 'once' },
        heartbeat: { ascii: HEARTBEAT_ASCII },
        unknownIds: 'accept',
        duplicateIds: 'replace',
      },
    },
    profiles: {
      [PROFILE_NAME]: {
        description: 'live viewers: an energy meter, two points',
        timing: { responseTimeout: '3s', retries: 1, interRequestDelay: '0ms', quietAfterTimeout: '200ms' },
        slaves: [{ id: 1, name: 'meter' }],
        pollOnConnect: true,
        tasks: [{ name: 'meter', address: 0, quantity: 4, every: `${options.pollEveryMs}ms` }],
        points: [
          { name: 'energy', address: 0, type: 'uint32', unit: 'kWh' },
          { name: 'power', address: 2, type: 'uint16', unit: 'W' },
        ],
      },
    },
    devices: [{ default: PROFILE_NAME }],
  };
  writeFileSync(join(dir, 'server.yml'), JSON.stringify(server, null, 2));
  writeFileSync(join(dir, 'points.yml'), JSON.stringify(points, null, 2));
}

export class LiveServer {
  private constructor(private readonly app: DtuhubApp) {}

  /** Starts the app from a directory writeLiveViewersConfig() wrote. */
  static async start(dir: string, quiet = false): Promise<LiveServer> {
    const config = loadConfig(dir);
    const app = new DtuhubApp(config, quiet ? silentLogger() : createLogger(config.server.logging, process.stderr));
    await app.start();
    return new LiveServer(app);
  }

  get dtuPort(): number {
    const port = this.app.gateway.ports()['dtu'];
    if (port === undefined) throw new Error('the dtu listener is not running');
    return port;
  }

  get webUrl(): string {
    const port = this.app.web?.port;
    if (port === null || port === undefined) throw new Error('the web server is not running');
    return `http://127.0.0.1:${port}`;
  }

  /** Session cookies of `count` viewers, each its own user: per-user budgets then limit nobody. */
  viewerCookies(count: number): string[] {
    const web = this.app.web;
    if (!web) throw new Error('the web server is not running');
    return Array.from(
      { length: count },
      (_, i) => `${SESSION_COOKIE}=${web.ctx.sessions.create(`viewer-${i}`, 'viewer').id}`,
    );
  }

  counters(): LiveServerCounters {
    let polls = 0;
    let skippedOverrun = 0;
    let pollTimeouts = 0;
    for (const session of this.app.gateway.registry.devices()) {
      const c = session.devicePoller?.counters;
      if (!c) continue;
      polls += c.polls;
      skippedOverrun += c.skippedOverrun;
      pollTimeouts += c.timeouts;
    }
    const gateway = this.app.gateway;
    return {
      online: gateway.registry.online,
      polls,
      skippedOverrun,
      pollTimeouts,
      heartbeatTimeouts: gateway.counters.heartbeatTimeouts,
    };
  }

  stop(): Promise<void> {
    return this.app.stop();
  }
}
