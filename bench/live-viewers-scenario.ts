// Live viewers (issue 23): 1,000 simulated DTUs polled every second, then 200 hostile
// WebSocket viewers, each its own user, subscribing to the fleet and 199 devices and
// re-subscribing the fleet as fast as the server answers. The figures are the server's:
// event-loop delay and memory read inside its process over the viewers' run, and whether the
// gateway kept its schedule (skipped polls, timeouts, missed heartbeats). The fleet and the
// viewers run in processes of their own. The integration test runs the same scenario with the
// server in the test's process (`inProcessServer`); the benchmark with it in a child.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDtuId } from './bench-config.js';
import { BenchChild } from './child-rpc.js';
import { probeHealth, type HealthProbeResult } from './health-probe.js';
import type { LiveViewersLoadResult } from './live-viewers-load.js';
import { LiveServer, writeLiveViewersConfig, type LiveServerCounters } from './live-viewers-server.js';
import { watchLoop, type LoopWatchResult } from './loop-watch.js';
import type { FleetSnapshot } from './fleet-proc.js';

export interface LiveViewersSpec {
  readonly dtus: number;
  readonly pollEveryMs: number;
  readonly viewers: number;
  /** Device topics per viewer, beside the fleet. */
  readonly topicsPerViewer: number;
  readonly loadMs: number;
  readonly maxFleetRounds: number;
}

export const LIVE_VIEWERS_SPEC: LiveViewersSpec = {
  dtus: 1000,
  pollEveryMs: 1000,
  viewers: 200,
  topicsPerViewer: 199,
  loadMs: 15_000,
  maxFleetRounds: 500,
};

/**
 * The scenario's goals, from the issue. "RSS bounded": the server grew by 500 MiB under 100
 * such viewers before the budgets; it may grow by this much at most over the viewers' run.
 */
export const LIVE_VIEWERS_GOALS = { loopDelayP99Ms: 20, loopDelayMaxMs: 100, rssGrowthMiB: 150 } as const;

export interface LiveViewersResult {
  readonly spec: LiveViewersSpec;
  readonly loop: LoopWatchResult;
  /** Over the viewers' run. */
  readonly gateway: Omit<LiveServerCounters, 'online'> & { readonly online: number };
  readonly fleetConnected: number;
  readonly viewers: LiveViewersLoadResult;
  /** GET /api/health every HEALTH_EVERY_MS over the run, from the scenario's own process. */
  readonly health: HealthProbeResult;
}

/** What the scenario needs of the server, wherever it runs. */
export interface LiveServerHandle {
  readonly dtuPort: number;
  readonly webUrl: string;
  viewerCookies(count: number): Promise<string[]>;
  counters(): Promise<LiveServerCounters>;
  watchStart(): Promise<void>;
  watchStop(): Promise<LoopWatchResult>;
  stop(): Promise<void>;
}

const FLEET_HEARTBEAT_MS = 5_000;
const SERVER_HEARTBEAT_MS = 10_000;
const POLLED_LIMIT_MS = 30_000;
const HEALTH_EVERY_MS = 100;
/** The compiled child scripts: beside this module when it runs from dist/bench. */
const OWN_DIR = new URL('./', import.meta.url).pathname;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The server in the calling process: its loop is the one measured. */
export async function inProcessServer(dir: string): Promise<LiveServerHandle> {
  const server = await LiveServer.start(dir, true);
  let watch: ReturnType<typeof watchLoop> | null = null;
  return {
    dtuPort: server.dtuPort,
    webUrl: server.webUrl,
    viewerCookies: (count) => Promise.resolve(server.viewerCookies(count)),
    counters: () => Promise.resolve(server.counters()),
    watchStart: () => {
      watch = watchLoop();
      return Promise.resolve();
    },
    watchStop: () => {
      if (!watch) return Promise.reject(new Error('not watching'));
      const stopping = watch.stop();
      watch = null;
      return stopping;
    },
    stop: () => server.stop(),
  };
}

/** The server in a child process (the benchmark). */
export async function childServer(dir: string): Promise<LiveServerHandle> {
  const child = BenchChild.start('live-server', join(OWN_DIR, 'live-viewers-server-proc.js'), ['--config', dir]);
  const ready = await child.whenReady();
  return {
    dtuPort: ready['dtuPort'] as number,
    webUrl: ready['webUrl'] as string,
    viewerCookies: (count) => child.request<string[]>('cookies', { count }),
    counters: () => child.request<LiveServerCounters>('counters'),
    watchStart: () => child.request<void>('watch-start'),
    watchStop: () => child.request<LoopWatchResult>('watch-stop'),
    stop: () => child.stop(),
  };
}

export interface LiveViewersRun {
  readonly startServer: (dir: string) => Promise<LiveServerHandle>;
  /** Where the compiled fleet-proc.js and live-viewers-proc.js are (default: beside this module). */
  readonly scriptsDir?: string;
  readonly progress?: (line: string) => void;
}

export async function runLiveViewersScenario(spec: LiveViewersSpec, run: LiveViewersRun): Promise<LiveViewersResult> {
  const script = (name: string) => join(run.scriptsDir ?? OWN_DIR, name);
  const progress = run.progress ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-live-'));
  const children: BenchChild[] = [];
  let server: LiveServerHandle | null = null;
  try {
    writeLiveViewersConfig(dir, {
      dbPath: join(dir, 'live.db'),
      dtus: spec.dtus,
      pollEveryMs: spec.pollEveryMs,
      heartbeatIntervalMs: SERVER_HEARTBEAT_MS,
    });
    server = await run.startServer(dir);
    const fleetArgs = ['--config', dir, '--port', String(server.dtuPort), '--count', String(spec.dtus)];
    const fleet = BenchChild.start('live-fleet', script('fleet-proc.js'), [
      ...fleetArgs,
      '--heartbeat',
      String(FLEET_HEARTBEAT_MS),
    ]);
    children.push(fleet);
    const viewersProc = BenchChild.start('live-viewers', script('live-viewers-proc.js'), []);
    children.push(viewersProc);
    await Promise.all([fleet.whenReady(), viewersProc.whenReady()]);
    const deadline = Date.now() + POLLED_LIMIT_MS;
    while ((await server.counters()).polls < spec.dtus * 2) {
      if (Date.now() > deadline) throw new Error(`not every DTU was polled twice within ${POLLED_LIMIT_MS} ms`);
      await sleep(200);
    }
    progress(`  ${spec.dtus} DTUs online and polled; ${spec.viewers} viewers start`);
    const cookies = await server.viewerCookies(spec.viewers);
    const before = await server.counters();
    await server.watchStart();
    const health = probeHealth(`${server.webUrl}/api/health`, HEALTH_EVERY_MS);
    const viewers = await viewersProc.request<LiveViewersLoadResult>('run', {
      url: `${server.webUrl.replace('http', 'ws')}/api/live`,
      headers: cookies.map((cookie) => ({ cookie })),
      deviceIds: Array.from({ length: spec.dtus }, (_, i) => benchDtuId(i)),
      topicsPerViewer: spec.topicsPerViewer,
      loadMs: spec.loadMs,
      maxFleetRounds: spec.maxFleetRounds,
    });
    const healthResult = await health.stop();
    const loop = await server.watchStop();
    const after = await server.counters();
    const fleetStats = await fleet.request<FleetSnapshot>('snapshot');
    return {
      spec,
      loop,
      gateway: {
        online: after.online,
        polls: after.polls - before.polls,
        skippedOverrun: after.skippedOverrun - before.skippedOverrun,
        pollTimeouts: after.pollTimeouts - before.pollTimeouts,
        heartbeatTimeouts: after.heartbeatTimeouts - before.heartbeatTimeouts,
      },
      fleetConnected: fleetStats.fleet.connected,
      viewers,
      health: healthResult,
    };
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
