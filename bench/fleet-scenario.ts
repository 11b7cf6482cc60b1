// One fleet scenario: a server process (dtuhub app, dtuhub gateway only, or the
// modbus-serial peer) and a simulated fleet process on 127.0.0.1. Connect, warm up,
// measure over a steady window, read every figure from the server's own process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchDatabase, storageSection } from './mysql-bench-db.js';
import { writeBenchConfig } from './bench-config.js';
import { BenchChild } from './child-rpc.js';
import type { FleetSnapshot } from './fleet-proc.js';
import type { PeerSnapshot } from './peer-proc.js';
import { processWindow, type ProcessSample, type ProcessWindow } from './process-sample.js';
import type { FlushSummary, ServerSnapshot } from './server-proc.js';
import type { LatencySummary } from './weighted-histogram.js';
import { WebhookSink, type WebhookSinkSummary } from './webhook-sink.js';

export type ServerKind = 'app' | 'gateway' | 'peer';

export interface FleetScenarioSpec {
  readonly title: string;
  readonly server: ServerKind;
  readonly dtus: number;
  readonly pollEveryMs: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Fleet heartbeat period; the server expects one per `serverHeartbeatMs`. */
  readonly heartbeatMs: number;
  readonly serverHeartbeatMs: number;
  readonly connectRate: number;
  readonly writeBuffer: { readonly maxRows: number; readonly flushIntervalMs: number };
  /** Extra node flags for the server process (e.g. --cpu-prof). */
  readonly serverNodeFlags?: readonly string[];
  /** dtuhub only: write a main-thread CPU profile of the window into this directory. */
  readonly profileDir?: string;
  /** Where the app stores history (default SQLite; MySQL: a fresh database on the local MariaDB). */
  readonly store?: 'sqlite' | 'mysql';
  /** App only: rules.yml for this run, given the URL of a webhook receiver in the runner process. */
  readonly rules?: (webhookUrl: string) => unknown;
  /** App only: called with the run's directory before the server starts (to put a database there: `bench.db`). */
  readonly prepare?: (dir: string) => Promise<void>;
  /** App only: a load on the app's web API over the measured window; returns what stops it. */
  readonly duringWindow?: (web: AppWeb) => () => Promise<void>;
}

/** Where the app's web API listens, and a viewer's session cookie for it. */
export interface AppWeb {
  readonly base: string;
  readonly cookie: string;
}

export interface MemoryReading {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

export interface BacklogPoint {
  readonly atS: number;
  /** Rows accepted by the history writer and not yet committed. */
  readonly rowsBuffered: number;
  readonly pendingPolls: number;
}

export interface FleetScenarioResult {
  readonly spec: FleetScenarioSpec;
  readonly connectionsHeld: number;
  readonly rampMs: number;
  readonly expectedTxPerSec: number;
  readonly txPerSec: number;
  readonly pointsDecodedPerSec: number;
  /** App only. */
  readonly pointsStoredPerSec: number | null;
  readonly pollToStoredMs: LatencySummary | null;
  readonly pollToDecodedMs: LatencySummary;
  readonly flushes: FlushSummary | null;
  readonly server: ProcessWindow;
  readonly cpuUsPerTx: number;
  readonly fleet: ProcessWindow;
  /** After full GCs: before any DTU connected, once the fleet was up, at the end. */
  readonly memory: { readonly base: MemoryReading; readonly connected: MemoryReading; readonly end: MemoryReading };
  readonly backlog: readonly BacklogPoint[];
  readonly rowsDropped: number;
  readonly failures: {
    readonly timeouts: number;
    readonly skippedOverrun: number;
    readonly errors: number;
    readonly heartbeatTimeouts: number;
    readonly fleetFailed: number;
  };
  /** With `rules`: what the webhook receiver saw, and how long the start-up burst took to deliver. */
  readonly webhooks?: WebhookSinkSummary & { readonly drainMs: number | null };
}

const DIST = new URL('./', import.meta.url);
const script = (name: string) => new URL(name, DIST).pathname;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const BACKLOG_EVERY_MS = 5_000;

type AnySnapshot = ServerSnapshot | PeerSnapshot;

function memoryOf(p: ProcessSample): MemoryReading {
  return { rss: p.rss, heapUsed: p.heapUsed, external: p.external };
}

export async function runFleetScenario(
  spec: FleetScenarioSpec,
  progress: (line: string) => void,
): Promise<FleetScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-'));
  let server: BenchChild | null = null;
  let fleet: BenchChild | null = null;
  const database = spec.store === 'mysql' ? await createBenchDatabase() : null;
  const sink = spec.rules ? new WebhookSink() : null;
  try {
    if (sink && spec.rules) {
      await sink.start();
      writeFileSync(join(dir, 'rules.yml'), JSON.stringify(spec.rules(sink.url), null, 2));
    }
    writeBenchConfig(dir, {
      dbPath: join(dir, 'bench.db'),
      ...(database ? { storage: storageSection(database.storage) } : {}),
      pollEveryMs: spec.pollEveryMs,
      connectStaggerMs: spec.pollEveryMs,
      heartbeatIntervalMs: spec.serverHeartbeatMs,
      maxConnections: Math.max(10_000, spec.dtus + 100),
      writeBuffer: spec.writeBuffer,
      logLevel: 'warn',
    });
    await spec.prepare?.(dir);
    const nodeFlags = ['--expose-gc', ...(spec.serverNodeFlags ?? [])];
    server =
      spec.server === 'peer'
        ? BenchChild.start('peer', script('peer-proc.js'), ['--period', String(spec.pollEveryMs)], { nodeFlags })
        : BenchChild.start(
            spec.server === 'app' ? 'dtuhub' : 'dtuhub-gateway',
            script('server-proc.js'),
            ['--config', dir, '--mode', spec.server],
            { nodeFlags },
          );
    const { port } = (await server.whenReady()) as unknown as { port: number };
    const snap = (gc = false, latency = true) => server!.request<AnySnapshot>('snapshot', { gc, latency });
    const base = await snap(true);

    progress(`  connecting ${spec.dtus} DTUs at ${spec.connectRate}/s…`);
    const rampTimeoutMs = Math.ceil((spec.dtus / spec.connectRate) * 1000) + 60_000;
    fleet = BenchChild.start(
      'fleet',
      script('fleet-proc.js'),
      [
        '--config',
        dir,
        '--port',
        String(port),
        '--count',
        String(spec.dtus),
        '--heartbeat',
        String(spec.heartbeatMs),
        '--connect-rate',
        String(spec.connectRate),
      ],
      { readyTimeoutMs: rampTimeoutMs },
    );
    const ready = (await fleet.whenReady()) as unknown as { rampMs: number };
    const connected = await snap(true);
    progress(`  connected in ${(ready.rampMs / 1000).toFixed(1)} s; warming up ${spec.warmupMs / 1000} s…`);
    await sleep(spec.warmupMs);
    const drainMs = spec.rules ? await drainWebhooks(snap, progress) : null;

    const web = spec.duringWindow ? await server.request<AppWeb>('web') : null;
    if (spec.profileDir) await server.request('profile-start');
    // Not `sink?.startWindow(await …)`: with no sink, optional chaining would skip the request.
    const windowStart = await server.request<number>('start-window');
    sink?.startWindow(windowStart);
    const s0 = await snap();
    const f0 = await fleet.request<FleetSnapshot>('snapshot');
    const stopLoad = web && spec.duringWindow ? spec.duringWindow(web) : null;
    progress(`  measuring ${spec.measureMs / 1000} s…`);
    const backlog: BacklogPoint[] = [backlogPoint(s0, s0)];
    const steps = Math.max(1, Math.round(spec.measureMs / BACKLOG_EVERY_MS));
    for (let i = 0; i < steps; i++) {
      await sleep(spec.measureMs / steps);
      if (i < steps - 1) backlog.push(backlogPoint(s0, await snap(false, false)));
    }
    const s1 = await snap();
    await stopLoad?.();
    sink?.endWindow(Date.now());
    const f1 = await fleet.request<FleetSnapshot>('snapshot');
    backlog.push(backlogPoint(s0, s1));
    if (spec.profileDir) await server.request('profile-stop', { dir: spec.profileDir });
    const end = await snap(true);

    const window = processWindow(s0.process, s1.process);
    const tx = transactions(s1) - transactions(s0);
    const result: FleetScenarioResult = {
      spec,
      connectionsHeld: s1.connections,
      rampMs: ready.rampMs,
      expectedTxPerSec: (spec.dtus * 1000) / spec.pollEveryMs,
      txPerSec: tx / window.seconds,
      pointsDecodedPerSec: (s1.samplesDecoded - s0.samplesDecoded) / window.seconds,
      pointsStoredPerSec:
        'stored' in s1 && s1.stored && 'stored' in s0 && s0.stored
          ? (s1.stored.samplesCommitted - s0.stored.samplesCommitted) / window.seconds
          : null,
      pollToStoredMs: 'stored' in s1 && s1.stored ? s1.stored.latencyMs : null,
      pollToDecodedMs: s1.pollToDecodedMs,
      flushes: 'flushes' in s1 ? s1.flushes : null,
      server: window,
      cpuUsPerTx: tx > 0 ? window.cpuUs / tx : 0,
      fleet: processWindow(f0.process, f1.process),
      memory: { base: memoryOf(base.process), connected: memoryOf(connected.process), end: memoryOf(end.process) },
      backlog,
      rowsDropped: 'writer' in s1 && s1.writer ? s1.writer.rowsDropped : 0,
      failures: failures(s0, s1, f1),
      ...(sink ? { webhooks: { ...sink.summary(), drainMs } } : {}),
    };
    return result;
  } finally {
    // Fleet first, so the server sees ordinary disconnects rather than a vanished peer.
    await fleet?.stop().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await database?.drop().catch(() => undefined);
    await sink?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Most waiting for the queue to drain after the warm-up. */
const DRAIN_LIMIT_MS = 180_000;

/**
 * Threshold rules fire for every device already past the limit when it connects: a burst of
 * thousands of webhooks. Waits (bounded) until the queue holds little more than what is
 * in flight, so the window measures the steady state; returns how long that took past the
 * warm-up, or null if it never got there.
 */
async function drainWebhooks(
  snap: () => Promise<AnySnapshot>,
  progress: (line: string) => void,
): Promise<number | null> {
  const started = Date.now();
  for (;;) {
    const s = await snap();
    const w = 'webhooks' in s ? s.webhooks : null;
    if (!w || w.queued <= 50) return Date.now() - started;
    if (Date.now() - started > DRAIN_LIMIT_MS) return null;
    progress(`  ${w.queued} webhooks queued (${w.delivered} delivered); waiting for the start-up burst to drain…`);
    await sleep(2000);
  }
}

function transactions(s: AnySnapshot): number {
  return 'transactions' in s ? s.transactions : s.responses;
}

function backlogPoint(start: AnySnapshot, s: AnySnapshot): BacklogPoint {
  const atS = (s.process.wallMs - start.process.wallMs) / 1000;
  if ('writer' in s && s.writer)
    return { atS, rowsBuffered: s.writer.rowsBuffered, pendingPolls: s.stored?.pendingPolls ?? 0 };
  return { atS, rowsBuffered: 0, pendingPolls: 0 };
}

function failures(s0: AnySnapshot, s1: AnySnapshot, f1: FleetSnapshot): FleetScenarioResult['failures'] {
  if ('transactions' in s1 && 'transactions' in s0) {
    return {
      timeouts: 0,
      skippedOverrun: s1.skipped - s0.skipped,
      errors: s1.errors - s0.errors,
      heartbeatTimeouts: 0,
      fleetFailed: f1.fleet.failed,
    };
  }
  const a = s0 as ServerSnapshot;
  const b = s1 as ServerSnapshot;
  return {
    timeouts: b.poller.timeouts - a.poller.timeouts,
    skippedOverrun: b.poller.skippedOverrun - a.poller.skippedOverrun,
    errors: b.badCrc - a.badCrc + (b.strayFrames - a.strayFrames) + (b.exceptions - a.exceptions),
    heartbeatTimeouts: b.heartbeatTimeouts,
    fleetFailed: f1.fleet.failed,
  };
}
