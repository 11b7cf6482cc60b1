// Runs the real dtuhub app on 127.0.0.1 with ephemeral ports, a temporary SQLite file and
// the shipped example config (plus whatever a test patches in), for integration tests.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { parseDocument } from 'yaml';
import { DtuhubApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import type { DtuhubConfig } from '../../src/domain/config.js';
import { silentLogger, type Logger } from '../../src/log.js';
import { SimulatedDtu, type SimulatedDtuOptions } from '../../src/simulator/index.js';

const ROOT = new URL('../../', import.meta.url);

type Patch = (doc: Record<string, any>) => void;

/** The admin password every test app is started with. */
export const TEST_ADMIN_PASSWORD = 'test-admin-password';

export interface HarnessOptions {
  /** Edits to server.yml as a plain object (after ports, paths and logging are set for tests). */
  server?: Patch;
  /** Edits to points.yml as a plain object. */
  points?: Patch;
  /** rules.yml as a plain object or as YAML text; without it the app runs with no rules. */
  rules?: Record<string, unknown> | string;
  /** The app's logger; silent without one. */
  log?: Logger;
}

export interface Harness {
  app: DtuhubApp;
  config: DtuhubConfig;
  dir: string;
  port(listener: string): number;
  /** Base URL of the web server, e.g. http://127.0.0.1:40123 */
  webUrl(): string;
  stop(): Promise<void>;
  /** Restart on the same database (after stop). */
  restart(): Promise<Harness>;
}

export function writeConfigDir(options: HarnessOptions = {}): { dir: string; dbPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-it-'));
  const dbPath = join(dir, 'dtuhub.db');
  const server = yamlObject(readFileSync(new URL('config/server.yml', ROOT), 'utf8'));
  for (const listener of server.listeners) {
    listener.host = '127.0.0.1';
    listener.port = 0;
  }
  server.storage.path = dbPath;
  server.web = {
    ...server.web,
    host: '127.0.0.1',
    port: 0,
    admin: { username: 'admin', password: TEST_ADMIN_PASSWORD },
  };
  server.logging.level = 'silent';
  server.sessions.connectStagger = '1ms';
  server.writeBuffer.flushInterval = '50ms';
  options.server?.(server);
  const points = yamlObject(readFileSync(new URL('config/points.yml', ROOT), 'utf8'));
  options.points?.(points);
  writeFileSync(join(dir, 'server.yml'), JSON.stringify(server, null, 2));
  writeFileSync(join(dir, 'points.yml'), JSON.stringify(points, null, 2));
  if (options.rules)
    writeFileSync(
      join(dir, 'rules.yml'),
      typeof options.rules === 'string' ? options.rules : JSON.stringify(options.rules, null, 2),
    );
  return { dir, dbPath };
}

export async function startApp(options: HarnessOptions = {}): Promise<Harness> {
  const { dir } = writeConfigDir(options);
  return startIn(dir, true, options.log);
}

async function startIn(dir: string, owned: boolean, log: Logger = silentLogger()): Promise<Harness> {
  const config = loadConfig(dir);
  const app = new DtuhubApp(config, log);
  await app.start();
  let stopped = false;
  const harness: Harness = {
    app,
    config,
    dir,
    port: (name) => {
      const port = app.gateway.ports()[name];
      if (port === undefined) throw new Error(`no listener ${name}`);
      return port;
    },
    webUrl: () => {
      const port = app.web?.port;
      if (port === null || port === undefined) throw new Error('the web server is not running');
      return `http://127.0.0.1:${port}`;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await app.stop();
    },
    restart: async () => {
      await harness.stop();
      return startIn(dir, owned, log);
    },
  };
  return harness;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Stops a test's app (if any) and removes its directory; returns null for the test's variable. */
export async function disposeApp(h: Harness | null): Promise<null> {
  await h?.stop();
  if (h) removeDir(h.dir);
  return null;
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function yamlObject(text: string): Record<string, any> {
  return parseDocument(text).toJS() as Record<string, any>;
}

/**
 * Per-file context for gateway integration tests: boots the app, builds simulated DTUs on
 * a listener's link, and stops and removes everything after each test.
 */
export function gatewayTests() {
  let current: Harness | null = null;
  const dtus: SimulatedDtu[] = [];
  afterEach(async () => {
    await Promise.all(dtus.splice(0).map((d) => d.stop()));
    if (current) {
      await current.stop();
      removeDir(current.dir);
      current = null;
    }
  });
  return {
    async boot(options: HarnessOptions = {}): Promise<Harness> {
      current = await startApp(options);
      return current;
    },
    /** A simulated DTU on `listener`'s link with the given profile (not started). */
    dtu(
      h: Harness,
      listener: string,
      options: Partial<SimulatedDtuOptions> & { id: string },
      profile = 'th-station',
    ): SimulatedDtu {
      const linkName = h.config.server.listeners.find((l) => l.name === listener)!.link;
      const sim = new SimulatedDtu({
        target: { host: '127.0.0.1', port: h.port(listener) },
        link: h.config.points.links.get(linkName)!,
        profile: h.config.points.profiles.get(profile)!,
        heartbeatIntervalMs: 0,
        ...options,
      });
      dtus.push(sim);
      return sim;
    },
  };
}
