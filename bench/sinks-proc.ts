// The gateway side of the sinks scenario in its own process, so its CPU time and RSS are
// the sink's and the history store's alone: a paced load of samples (devices × points once
// a second, each device's poll a batch of samples sharing one time), handed to the SQLite
// history store and, in the same call order as the app's bus, to one sink (or none: the
// baseline). Driven by bench/sinks-scenario.ts over IPC.
//
//   node dist/bench/sinks-proc.js   (then start / sample / finish requests)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultMaxPendingRows, defaultStorage, retentionKeepingEverything } from '../src/config/compile-server.js';
import type { Sample } from '../src/domain/point.js';
import type { SinkStatus } from '../src/domain/sinks.js';
import { silentLogger } from '../src/log.js';
import { InfluxWriter } from '../src/sinks/influxdb/influx-writer.js';
import { MqttSink } from '../src/sinks/mqtt/mqtt-sink.js';
import { Sink } from '../src/sinks/sink.js';
import { createHistoryStore, type HistoryStore } from '../src/storage/index.js';
import { announceReady, serveRequests } from './child-rpc.js';
import { sampleProcess, type ProcessSample } from './process-sample.js';
import { WRITE_BUFFER } from './scenarios.js';
import { influxBenchConfig, mqttBenchConfig } from './sink-configs.js';

export type SinkKindUnderTest = 'none' | 'influxdb' | 'mqtt';

export interface SinksProcStart {
  readonly kind: SinkKindUnderTest;
  /** The peer's URL (through the bench's TCP switch). */
  readonly url: string;
  /** MQTT topic prefix. */
  readonly prefix: string;
  readonly devices: number;
  readonly points: number;
}

export interface SinksProcSample {
  readonly at: ProcessSample;
  /** Points offered so far (to the history store and the sink alike). */
  readonly offered: number;
  readonly sink: SinkStatus | null;
  readonly historyDropped: number;
}

export interface SinksProcFinish {
  /** Device → polls offered (each poll a record with its sequence number). */
  readonly offered: readonly (readonly [string, number])[];
  readonly sink: SinkStatus | null;
  /** The sink's journal emptied and everything accepted sent within the time given. */
  readonly drained: boolean;
}

const DEVICE = (i: number) => `SB-${String(i).padStart(4, '0')}`;
const TICK_MS = 20;
const CONNECT_LIMIT_MS = 10_000;

class Load {
  polls = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly ids: string[];
  private readonly names: string[];

  constructor(
    private readonly spec: SinksProcStart,
    private readonly take: (samples: readonly Sample[]) => void,
  ) {
    this.ids = Array.from({ length: spec.devices }, (_, i) => DEVICE(i));
    this.names = Array.from({ length: spec.points }, (_, p) => `p${p}`);
  }

  get offered(): number {
    return this.polls * this.spec.points;
  }

  start(): void {
    const started = performance.now();
    this.timer = setInterval(() => {
      const due = Math.floor(((performance.now() - started) / 1000) * this.spec.devices);
      while (this.polls < due) this.poll();
    }, TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Polls offered per device: every device in turn, so the first `polls % devices` have one more. */
  perDevice(): [string, number][] {
    const rounds = Math.floor(this.polls / this.spec.devices);
    const extra = this.polls % this.spec.devices;
    return this.ids.map((id, i) => [id, rounds + (i < extra ? 1 : 0)]);
  }

  /** One device's poll: p0 carries its sequence number (the round), the others a changing value. */
  private poll(): void {
    const d = this.polls % this.spec.devices;
    const round = Math.floor(this.polls / this.spec.devices);
    const ts = Date.now();
    const samples: Sample[] = this.names.map((point, p) => ({
      deviceId: this.ids[d]!,
      point,
      slave: 1,
      address: 2 * p,
      value: p === 0 ? round : (round * 7 + p) / 10,
      text: null,
      raw: '0000',
      ts,
      quality: 'good',
    }));
    this.take(samples);
    this.polls += 1;
  }
}

interface Running {
  readonly dir: string;
  readonly history: HistoryStore;
  readonly sink: Sink | null;
  readonly load: Load;
}

let running: Running | null = null;

interface BuiltSink {
  readonly sink: Sink;
  /** The peer's connection is up (MQTT connects on its own after start; HTTP connects per request). */
  readonly connected: () => boolean;
}

function buildSink(spec: SinksProcStart, spillDir: string): BuiltSink | null {
  const log = silentLogger();
  if (spec.kind === 'none') return null;
  if (spec.kind === 'influxdb') {
    const config = influxBenchConfig(spec.url, spillDir);
    const facts = { name: null, profile: 'bench', group: null, tags: [] };
    const sink = new Sink(config, () => new InfluxWriter(config, { facts: () => facts }, log), spec.url, log);
    return { sink, connected: () => true };
  }
  const config = mqttBenchConfig(spec.url, spec.prefix, spillDir);
  const info = { name: null, profile: 'bench', unit: () => null };
  let peer: MqttSink | null = null;
  const makePeer = () => {
    peer = new MqttSink({ ...config.mqtt, clientId: `dtuhub-bench-${process.pid}` }, { log, directory: () => info });
    peer.start();
    return peer;
  };
  const sink = new Sink(config, makePeer, spec.url, log);
  return { sink, connected: () => peer?.status().connected === true };
}

/** The load starts once the peer is connected, as in a gateway whose sink started before devices came. */
async function whenConnected(built: BuiltSink | null): Promise<void> {
  const deadline = Date.now() + CONNECT_LIMIT_MS;
  while (built && !built.connected()) {
    if (Date.now() > deadline) throw new Error(`sink not connected within ${CONNECT_LIMIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function start(args: unknown): Promise<void> {
  const spec = args as SinksProcStart;
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-sinks-'));
  const history = createHistoryStore(
    {
      storage: { ...defaultStorage(), path: join(dir, 'history.db') },
      writeBuffer: {
        ...WRITE_BUFFER,
        idleFlushDelayMs: 20,
        maxPendingRows: defaultMaxPendingRows(WRITE_BUFFER.maxRows),
      },
      retention: retentionKeepingEverything('none'),
    },
    silentLogger(),
  );
  await history.start();
  const built = buildSink(spec, join(dir, 'spill'));
  const sink = built?.sink ?? null;
  await sink?.start();
  await whenConnected(built);
  const load = new Load(spec, (samples) => {
    history.writer.samples(samples);
    sink?.samples(samples);
  });
  for (let i = 0; i < spec.devices; i++) {
    const at = Date.now();
    history.writer.deviceOnline({
      registrationId: DEVICE(i),
      profile: 'bench',
      name: null,
      ip: '127.0.0.1',
      port: 0,
      listener: 'bench',
      at,
    });
    sink?.deviceOnline(DEVICE(i), 'bench', null, at);
  }
  running = { dir, history, sink, load };
  load.start();
}

function sample(): SinksProcSample {
  const r = running;
  if (!r) throw new Error('not started');
  return {
    at: sampleProcess(),
    offered: r.load.offered,
    sink: r.sink?.status() ?? null,
    historyDropped: r.history.writer.stats().rowsDropped,
  };
}

/** Stops the load, then waits (at most `limitMs`) for the sink and the store to take everything. */
async function finish(args: unknown): Promise<SinksProcFinish> {
  const { limitMs } = args as { limitMs: number };
  const r = running;
  if (!r) throw new Error('not started');
  r.load.stop();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), limitMs)));
  const drained = await Promise.race([Promise.all([r.sink?.drained(), r.history.drained()]).then(() => true), limit]);
  clearTimeout(timer);
  return { offered: r.load.perDevice(), sink: r.sink?.status() ?? null, drained };
}

async function stop(): Promise<void> {
  const r = running;
  running = null;
  if (!r) return;
  r.load.stop();
  await r.sink?.stop();
  await r.history.stop();
  rmSync(r.dir, { recursive: true, force: true });
}

serveRequests({ start, sample, finish }, stop);
announceReady({ pid: process.pid });
