// Northbound sinks at 50,000 points/s with history on (issue 21). For each sink type in
// turn a child process (bench/sinks-proc.ts) runs the SQLite history store and the sink,
// fed the same paced load (1,000 devices × 50 points every second); the sink's peer sits
// behind a TCP switch this process owns: the InfluxDB stand-in (v2 write endpoint) or a
// private Mosquitto, whose subscriber counts what arrives. A baseline child runs the
// history store alone under the same load, so the sink's CPU is the difference.
//
// Each sink run: warm-up, a measured window (delivered vs offered, delivery lag, CPU, RSS),
// then the switch refuses for the outage while the load goes on (the sink journals), then
// forwards again: the replay runs with the load still coming, until the sink is out of
// `spilling`. Last the load stops, the sink drains, and the receiver's sequence check says
// whether every poll arrived, in order. Every wait is bounded; all traffic is on 127.0.0.1.
import { loadavg } from 'node:os';
import { BenchChild } from './child-rpc.js';
import { runEncodingBench, type EncodingResult } from './line-encoding.js';
import { startBenchBroker, type BenchBroker } from './private-broker.js';
import { processWindow } from './process-sample.js';
import type { SequenceSummary } from './sequence-check.js';
import { InfluxStandIn, MqttCounter, type SinkReceiver } from './sink-receivers.js';
import type { SinkKindUnderTest, SinksProcFinish, SinksProcSample, SinksProcStart } from './sinks-proc.js';
import { startSwitch } from './tcp-switch.js';
import type { LatencySummary } from './weighted-histogram.js';

export type SinkUnderTest = Exclude<SinkKindUnderTest, 'none'>;

export interface SinksBenchSpec {
  readonly devices: number;
  readonly points: number;
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
  readonly outageSeconds: number;
  /** The replay phase ends here even if the sink is still spilling. */
  readonly replayLimitSeconds: number;
  readonly sinks: readonly SinkUnderTest[];
}

export const SINKS_FULL: SinksBenchSpec = {
  devices: 1000,
  points: 50,
  warmupSeconds: 10,
  measureSeconds: 30,
  outageSeconds: 60,
  replayLimitSeconds: 120,
  sinks: ['influxdb', 'mqtt'],
};
export const SINKS_QUICK: SinksBenchSpec = {
  ...SINKS_FULL,
  warmupSeconds: 4,
  measureSeconds: 10,
  outageSeconds: 15,
  replayLimitSeconds: 45,
};

export interface SteadyWindow {
  readonly seconds: number;
  readonly offeredPerSecond: number;
  /** Points the receiver got per second over the window (null for the baseline, which has no sink). */
  readonly deliveredPerSecond: number | null;
  /** Sample time → arrival at the receiver, ms, weighted by points. */
  readonly lagMs: LatencySummary | null;
  readonly cpuCores: number;
  readonly cpuUsPerPoint: number;
  readonly rssBytes: number;
  /** Rows the history store dropped in the window (its backlog cap: it fell behind). */
  readonly historyDropped: number;
}

export interface OutageResult {
  readonly outageSeconds: number;
  /** Points journaled during the outage, and on disk when the peer came back. */
  readonly spilledRows: number;
  readonly rowsOnDiskAtReturn: number;
  readonly bytesOnDiskAtReturn: number;
  /** Seconds from the peer's return to the first replayed batch, and to the end of `spilling` (null: not within the limit). */
  readonly firstReplaySeconds: number | null;
  readonly drainSeconds: number | null;
  /** Points replayed from the journal (the backlog and what was journaled behind it meanwhile). */
  readonly replayedRows: number;
  /** replayedRows over the time from the first replay to the end of `spilling` (or the limit). */
  readonly replayRowsPerSecond: number;
  /** Points offered per second while the replay ran. */
  readonly loadPerSecond: number;
  readonly rssPeakBytes: number;
  /** Rows the history store dropped during the outage and during the replay. */
  readonly historyDroppedOutage: number;
  readonly historyDroppedReplay: number;
}

export interface DeliveryCheck {
  /** Polls offered (one record each: an InfluxDB line, an MQTT message) and their points. */
  readonly offeredRecords: number;
  readonly offeredPoints: number;
  readonly received: SequenceSummary;
  /** Records the receiver could not read as the bench's. */
  readonly unreadable: number;
  /** The sink took everything within the time given after the load stopped. */
  readonly drained: boolean;
  /** Points still in the sink's journal when that time was up (counted as missing above). */
  readonly leftInJournal: number;
  readonly droppedRows: number;
  readonly rejectedRows: number;
  readonly historyDropped: number;
}

export interface SinkRun {
  readonly sink: SinkUnderTest;
  readonly steady: SteadyWindow;
  /** (CPU with the sink − CPU of the baseline) per point offered, µs. */
  readonly addedCpuUsPerPoint: number;
  readonly outage: OutageResult;
  readonly delivery: DeliveryCheck;
  /** 1-minute load average at the run's start and end (the machine is shared). */
  readonly loadAverage: readonly [number, number];
}

export interface SinksBenchResult {
  readonly spec: SinksBenchSpec;
  readonly baseline: SteadyWindow & { readonly loadAverage: readonly [number, number] };
  readonly runs: readonly SinkRun[];
  readonly encoding: EncodingResult;
}

const SAMPLE_EVERY_MS = 250;
/** After the load stops: time for the sink to empty its journal (a backlog that did not drain under load). */
const FINISH_LIMIT_MS = 240_000;
const QUIET_MS = 1500;
const QUIET_LIMIT_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load1 = () => loadavg()[0] ?? 0;
const script = (name: string) => new URL(name, new URL('./', import.meta.url)).pathname;

export async function runSinksScenario(spec: SinksBenchSpec, log: (line: string) => void): Promise<SinksBenchResult> {
  const encoding = runEncodingBench();
  for (const r of encoding.runs) log(`  line encoding: ${r.usPerLine.toFixed(2)} µs/line — ${r.encoder}`);
  const before = load1();
  log(`  baseline: history alone, ${spec.devices * spec.points} points/s`);
  const baseline = await withChild('baseline', async (child) => {
    await child.request('start', startArgs(spec, 'none', '', ''));
    await sleep(spec.warmupSeconds * 1000);
    return (await steadyWindow(child, spec, null)).steady;
  });
  log(
    `  → ${baseline.cpuCores.toFixed(3)} cores, ${baseline.cpuUsPerPoint.toFixed(2)} µs/point, RSS ${mb(baseline.rssBytes)}`,
  );
  const runs: SinkRun[] = [];
  for (const sink of spec.sinks) {
    log(`  ${sink}: ${spec.measureSeconds} s measured, then ${spec.outageSeconds} s outage under load`);
    const run = await sinkRun(spec, sink, baseline);
    const o = run.outage;
    const d = run.delivery;
    log(
      `  → delivered ${Math.round(run.steady.deliveredPerSecond ?? 0)} of ${Math.round(run.steady.offeredPerSecond)} points/s, lag p99 ${run.steady.lagMs?.p99 ?? '-'} ms, +${run.addedCpuUsPerPoint.toFixed(2)} µs/point; ` +
        `spilled ${o.spilledRows}, replay ${Math.round(o.replayRowsPerSecond)} rows/s, drained ${o.drainSeconds === null ? 'no' : `in ${o.drainSeconds.toFixed(1)} s`}; ` +
        `missing ${d.received.missing}, out of order ${d.received.outOfOrder}, duplicates ${d.received.duplicates}`,
    );
    runs.push(run);
  }
  return { spec, baseline: { ...baseline, loadAverage: [before, load1()] }, runs, encoding };
}

function startArgs(spec: SinksBenchSpec, kind: SinkKindUnderTest, url: string, prefix: string): SinksProcStart {
  return { kind, url, prefix, devices: spec.devices, points: spec.points };
}

async function withChild<T>(name: string, body: (child: BenchChild) => Promise<T>): Promise<T> {
  const child = BenchChild.start(`sinks-${name}`, script('sinks-proc.js'), []);
  try {
    await child.whenReady();
    return await body(child);
  } finally {
    await child.stop();
  }
}

const sample = (child: BenchChild) => child.request<SinksProcSample>('sample');
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;

async function steadyWindow(
  child: BenchChild,
  spec: SinksBenchSpec,
  receiver: SinkReceiver | null,
): Promise<{ steady: SteadyWindow; end: SinksProcSample }> {
  receiver?.lagWindow();
  const gotBefore = receiver?.points ?? 0;
  const from = await sample(child);
  await sleep(spec.measureSeconds * 1000);
  const to = await sample(child);
  const w = processWindow(from.at, to.at);
  const offeredPerSecond = (to.offered - from.offered) / w.seconds;
  return {
    end: to,
    steady: {
      seconds: w.seconds,
      offeredPerSecond,
      deliveredPerSecond: receiver ? (receiver.points - gotBefore) / w.seconds : null,
      lagMs: receiver ? receiver.lagWindow().summary() : null,
      cpuCores: w.cpuCores,
      cpuUsPerPoint: (w.cpuCores * 1e6) / offeredPerSecond,
      rssBytes: w.rss,
      historyDropped: to.historyDropped - from.historyDropped,
    },
  };
}

interface Peer {
  readonly receiver: SinkReceiver;
  /** The port the sink connects to (the switch forwards it to the peer). */
  readonly port: number;
  readonly url: string;
  readonly prefix: string;
  refuse(): void;
  forward(): void;
  close(): Promise<void>;
}

async function startPeer(sink: SinkUnderTest): Promise<Peer> {
  let broker: BenchBroker | null = null;
  let receiver: InfluxStandIn | MqttCounter;
  const prefix = `bench-${process.pid}-${Date.now()}`;
  if (sink === 'influxdb') {
    const influx = new InfluxStandIn();
    await influx.start();
    receiver = influx;
  } else {
    broker = await startBenchBroker();
    const counter = new MqttCounter();
    await counter.start(broker.url, prefix);
    receiver = counter;
  }
  const tcp = await startSwitch(receiver instanceof InfluxStandIn ? receiver.port : broker!.port);
  return {
    receiver,
    port: tcp.port,
    url: sink === 'influxdb' ? `http://127.0.0.1:${tcp.port}` : `mqtt://127.0.0.1:${tcp.port}`,
    prefix,
    refuse: () => tcp.refuse(),
    forward: () => tcp.forward(),
    close: async () => {
      await tcp.close();
      await receiver.close();
      await broker?.dispose();
    },
  };
}

async function sinkRun(spec: SinksBenchSpec, sink: SinkUnderTest, baseline: SteadyWindow): Promise<SinkRun> {
  const loadStart = load1();
  const peer = await startPeer(sink);
  try {
    return await withChild(sink, async (child) => {
      await child.request('start', startArgs(spec, sink, peer.url, peer.prefix));
      await sleep(spec.warmupSeconds * 1000);
      const { steady, end } = await steadyWindow(child, spec, peer.receiver);
      const outage = await outageRun(child, spec, peer, end);
      const delivery = await deliveryCheck(child, peer);
      return {
        sink,
        steady,
        addedCpuUsPerPoint: ((steady.cpuCores - baseline.cpuCores) * 1e6) / steady.offeredPerSecond,
        outage,
        delivery,
        loadAverage: [loadStart, load1()] as const,
      };
    });
  } finally {
    await peer.close();
  }
}

async function outageRun(
  child: BenchChild,
  spec: SinksBenchSpec,
  peer: Peer,
  before: SinksProcSample,
): Promise<OutageResult> {
  const counters = (s: SinksProcSample) => s.sink!.counters;
  let rssPeak = before.at.rss;
  peer.refuse();
  const outageEnds = performance.now() + spec.outageSeconds * 1000;
  while (performance.now() < outageEnds) {
    await sleep(Math.min(1000, Math.max(0, outageEnds - performance.now())));
    rssPeak = Math.max(rssPeak, (await sample(child)).at.rss);
  }
  const atReturn = await sample(child);
  peer.forward();
  const back = performance.now();
  const since = () => (performance.now() - back) / 1000;
  let firstReplay: number | null = null;
  let drained: number | null = null;
  let last = atReturn;
  while (since() < spec.replayLimitSeconds) {
    await sleep(SAMPLE_EVERY_MS);
    last = await sample(child);
    rssPeak = Math.max(rssPeak, last.at.rss);
    if (firstReplay === null && counters(last).replayed > counters(atReturn).replayed) firstReplay = since();
    if (last.sink!.state !== 'spilling') {
      drained = since();
      break;
    }
  }
  const replayedRows = counters(last).replayed - counters(atReturn).replayed;
  const replaySeconds = (drained ?? since()) - (firstReplay ?? 0);
  const replayWindow = processWindow(atReturn.at, last.at);
  return {
    outageSeconds: spec.outageSeconds,
    spilledRows: counters(atReturn).spilled - counters(before).spilled,
    rowsOnDiskAtReturn: atReturn.sink!.rowsOnDisk,
    bytesOnDiskAtReturn: atReturn.sink!.bytesOnDisk,
    firstReplaySeconds: firstReplay,
    drainSeconds: drained,
    replayedRows,
    replayRowsPerSecond: replaySeconds > 0 ? replayedRows / replaySeconds : 0,
    loadPerSecond: (last.offered - atReturn.offered) / replayWindow.seconds,
    rssPeakBytes: rssPeak,
    historyDroppedOutage: atReturn.historyDropped - before.historyDropped,
    historyDroppedReplay: last.historyDropped - atReturn.historyDropped,
  };
}

async function deliveryCheck(child: BenchChild, peer: Peer): Promise<DeliveryCheck> {
  const done = await child.request<SinksProcFinish>('finish', { limitMs: FINISH_LIMIT_MS }, FINISH_LIMIT_MS + 30_000);
  const quietBy = performance.now() + QUIET_LIMIT_MS;
  while (performance.now() - peer.receiver.lastAt < QUIET_MS && performance.now() < quietBy) await sleep(200);
  const last = await sample(child);
  const offered = new Map(done.offered);
  let offeredRecords = 0;
  for (const n of offered.values()) offeredRecords += n;
  const receiver = peer.receiver;
  return {
    offeredRecords,
    offeredPoints: last.offered,
    received: receiver.check.summary(offered),
    unreadable: receiver.unreadable,
    drained: done.drained,
    leftInJournal: done.sink?.rowsOnDisk ?? 0,
    droppedRows: done.sink?.counters.dropped ?? 0,
    rejectedRows: done.sink?.counters.rejected ?? 0,
    historyDropped: last.historyDropped,
  };
}
