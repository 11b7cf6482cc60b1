// Child process running dtuhub for the benchmark, from a config directory the runner wrote.
//
//   node dist/bench/server-proc.js --config DIR --mode app|gateway|channels
//
// `app`: the whole DtuhubApp (gateway, history recorder, SQLite writer thread), with
// poll-to-stored latency measured from the writer's own counters.
// `gateway`: the Gateway service alone on the same bus; the only `data` listener counts
// samples and drops them, so CPU time is the gateway path (socket IO, parse, match,
// decode) without storage.
// `channels`: the outbound channels (server.yml `channels:`) alone on a bus whose only
// `data` listener counts and drops, as `gateway` does for DTUs (scenario 8).
import { parseArgs } from 'node:util';
import { DtuhubApp } from '../src/app.js';
import { EventBus } from '../src/bus.js';
import { ChannelManager, channelBuilder } from '../src/channels/channel-manager.js';
import { CHANNEL_FACTORIES } from '../src/channels/factories.js';
import { loadConfig } from '../src/config/load.js';
import type { GatewayEvents } from '../src/domain/events.js';
import { Gateway } from '../src/gateway/gateway.js';
import { createLogger } from '../src/log.js';
import type { PollerCounters } from '../src/polling/device-poller.js';
import type { WriterStats } from '../src/storage/index.js';
import { SESSION_COOKIE } from '../src/web/auth/authenticator.js';
import { announceReady, serveRequests } from './child-rpc.js';
import { PollToStoredTracker, type PollToStoredSnapshot } from './poll-to-stored.js';
import { sampleProcess, type ProcessSample } from './process-sample.js';
import { WeightedHistogram, type LatencySummary } from './weighted-histogram.js';
import { WindowProfiler } from './window-profiler.js';

export type ServerMode = 'app' | 'gateway' | 'channels';

export interface ServerSnapshot {
  readonly process: ProcessSample;
  readonly connections: number;
  readonly online: number;
  readonly requestsSent: number;
  readonly responses: number;
  readonly exceptions: number;
  readonly badCrc: number;
  readonly strayFrames: number;
  readonly garbageBytes: number;
  readonly heartbeats: number;
  readonly heartbeatTimeouts: number;
  readonly connectionsRefused: number;
  /** Summed over the pollers of every online device. */
  readonly poller: PollerCounters;
  readonly dataEvents: number;
  readonly samplesDecoded: number;
  /** Request sent → response decoded, for polls answered since the window started. */
  readonly pollToDecodedMs: LatencySummary;
  /** App mode only. */
  readonly writer: WriterStats | null;
  readonly stored: PollToStoredSnapshot | null;
  /** App mode: batches committed since the window started. */
  readonly flushes: FlushSummary | null;
  /** App and channels modes: outbound channels (scenario 8), summed; `collects` counts answered polls. */
  readonly channels: ChannelTotals | null;
  /** App mode: the webhook delivery queue. */
  readonly webhooks: {
    readonly queued: number;
    readonly inFlight: number;
    readonly delivered: number;
    readonly dead: number;
  } | null;
}

export interface ChannelTotals {
  readonly configured: number;
  readonly connected: number;
  readonly collects: number;
  readonly collectErrors: number;
  readonly disconnects: number;
  readonly samples: number;
}

export interface FlushSummary {
  readonly count: number;
  readonly rowsPerFlush: number;
  /** Sealing a batch → its commit (queueing behind earlier batches included). */
  readonly sealToCommitMs: LatencySummary;
  /** Time the database spent in the commit. */
  readonly commitMs: LatencySummary;
}

const { values } = parseArgs({
  options: { config: { type: 'string' }, mode: { type: 'string', default: 'app' } },
});
if (!values.config) throw new Error('--config DIR is required');
const mode = values.mode as ServerMode;
if (mode !== 'app' && mode !== 'gateway' && mode !== 'channels')
  throw new Error(`--mode must be app, gateway or channels, got ${mode}`);

const config = loadConfig(values.config);
// Logs go to stderr so the runner's stdout stays the report.
const log = createLogger(config.server.logging, process.stderr);

let tracker: PollToStoredTracker | null = null;
const sealToCommit = new WeightedHistogram();
const commit = new WeightedHistogram();
let flushedRows = 0;
let flushCount = 0;
let app: DtuhubApp | null = null;
let channels: ChannelManager | null = null;
let gateway: Gateway;
let bus: EventBus<GatewayEvents>;

if (mode === 'app') {
  const started = new DtuhubApp(config, log, {
    onFlush: (info) => {
      tracker?.onFlush();
      flushCount++;
      flushedRows += info.rows;
      sealToCommit.add(info.ms);
      if (info.writeMs !== null) commit.add(info.writeMs);
    },
  });
  app = started;
  await started.start();
  // Held directly: flushes still report while app.stop() drains, after app.writer is gone.
  const writer = started.writer;
  tracker = new PollToStoredTracker(() => writer.stats());
  gateway = started.gateway;
  bus = started.bus;
  channels = started.channels;
} else {
  bus = new EventBus<GatewayEvents>(log.child({ module: 'bus' }));
  gateway = new Gateway({ server: config.server, points: config.points, bus, log: log.child({ module: 'gateway' }) });
  await gateway.start();
  if (mode === 'channels') {
    const services = { bus, log: log.child({ module: 'channels' }), points: config.points, gateway };
    channels = new ChannelManager(config.server.channels, channelBuilder(CHANNEL_FACTORIES, services));
    channels.start();
  }
}

const decoded = new WeightedHistogram();
let recordFrom = Number.POSITIVE_INFINITY;
let dataEvents = 0;
let samplesDecoded = 0;
// Subscribed after app.start(): the history recorder's listener runs first, so the
// writer has already accepted this event's rows when the tracker reads its counters.
bus.on('data', (e) => {
  dataEvents++;
  samplesDecoded += e.samples.length;
  if (e.polledAt >= recordFrom) decoded.add(e.at - e.polledAt, e.samples.length);
  tracker?.onData(e.polledAt, e.samples.length);
});

function pollerTotals(): PollerCounters {
  const total: PollerCounters = {
    polls: 0,
    ok: 0,
    timeouts: 0,
    badResponses: 0,
    exceptions: 0,
    skippedBackoff: 0,
    skippedOverrun: 0,
    invalidValues: 0,
    samples: 0,
  };
  for (const session of gateway.registry.devices()) {
    const counters = session.devicePoller?.counters;
    if (!counters) continue;
    for (const key of Object.keys(total) as (keyof PollerCounters)[]) total[key] += counters[key];
  }
  return total;
}

function channelTotals(manager: ChannelManager): ChannelTotals {
  const total = { configured: 0, connected: 0, collects: 0, collectErrors: 0, disconnects: 0, samples: 0 };
  for (const status of manager.list()) {
    total.configured++;
    if (status.state === 'connected') total.connected++;
    total.collects += status.counters.collects;
    total.collectErrors += status.counters.collectErrors;
    total.disconnects += status.counters.disconnects;
    total.samples += status.counters.samples;
  }
  return total;
}

const NO_LATENCY: LatencySummary = { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };

/** `gc`: collect garbage first; `latency`: compute the percentiles (a sort: only at the end of a window). */
function snapshot(args: unknown): ServerSnapshot {
  const { gc = false, latency = true } = (args ?? {}) as { gc?: boolean; latency?: boolean };
  const c = gateway.counters;
  return {
    process: sampleProcess(gc),
    connections: gateway.registry.connections,
    online: gateway.registry.online,
    requestsSent: c.requestsSent,
    responses: c.responses,
    exceptions: c.exceptions,
    badCrc: c.badCrc,
    strayFrames: c.strayFrames,
    garbageBytes: c.garbageBytes,
    heartbeats: c.heartbeats,
    heartbeatTimeouts: c.heartbeatTimeouts,
    connectionsRefused: c.connectionsRefused,
    poller: pollerTotals(),
    dataEvents,
    samplesDecoded,
    pollToDecodedMs: latency ? decoded.summary() : NO_LATENCY,
    writer: app ? app.writer.stats() : null,
    stored: tracker ? tracker.snapshot(latency) : null,
    channels: channels ? channelTotals(channels) : null,
    webhooks: app
      ? (({ queued, inFlight, delivered, dead }) => ({ queued, inFlight, delivered, dead }))(app.webhooks.stats())
      : null,
    flushes: app
      ? {
          count: flushCount,
          rowsPerFlush: flushCount > 0 ? flushedRows / flushCount : 0,
          sealToCommitMs: latency ? sealToCommit.summary() : NO_LATENCY,
          commitMs: latency ? commit.summary() : NO_LATENCY,
        }
      : null,
  };
}

const profiler = new WindowProfiler();

serveRequests(
  {
    snapshot,
    'profile-start': () => profiler.start(),
    'profile-stop': (args) => profiler.stop((args as { dir: string }).dir),
    // App mode: the web API's address and a viewer's session (a chart client during the window).
    web: () => {
      const web = app?.web;
      if (!web?.port) throw new Error('the web server is not running');
      return {
        base: `http://127.0.0.1:${web.port}`,
        cookie: `${SESSION_COOKIE}=${web.ctx.sessions.create('bench', 'viewer').id}`,
      };
    },
    'start-window': () => {
      const now = Date.now();
      recordFrom = now;
      decoded.clear();
      sealToCommit.clear();
      commit.clear();
      flushCount = 0;
      flushedRows = 0;
      tracker?.startWindow(now);
      return now;
    },
  },
  async () => {
    if (app) await app.stop();
    else {
      await channels?.stop();
      await gateway.stop();
    }
  },
);

announceReady({ port: gateway.ports()['dtu'], mode, pid: process.pid });
