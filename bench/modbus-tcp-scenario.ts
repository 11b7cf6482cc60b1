// Scenario 8: for each size, one simulator process serving the devices, then three client
// processes in turn against it — the dtuhub app with a modbus-tcp channel per device, the
// same channels without storage, and the modbus-serial peer — each warmed up and measured
// over a window from its own counters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDtuId, PROFILE_NAME, writeBenchConfig } from './bench-config.js';
import { BenchChild } from './child-rpc.js';
import {
  dtuhubRun,
  peerRun,
  sizeLabel,
  type ModbusTcpBenchResult,
  type ModbusTcpRun,
  type ModbusTcpSize,
  type ModbusTcpSizeResult,
} from './modbus-tcp-report.js';
import type { ModbusTcpServersSnapshot } from './modbus-tcp-servers-proc.js';
import type { PeerSnapshot } from './peer-proc.js';
import type { ServerSnapshot } from './server-proc.js';

export interface ModbusTcpTiming {
  readonly warmupMs: number;
  readonly measureMs: number;
}

/** 1 device flat out one read at a time, the same pipelined, and 100 devices at 10 Hz (1,000 reads/s). */
export const MODBUS_TCP_SIZES: readonly ModbusTcpSize[] = [
  { devices: 1, periodMs: 1, maxInFlight: 1 },
  { devices: 1, periodMs: 1, maxInFlight: 8 },
  { devices: 100, periodMs: 100, maxInFlight: 1 },
];

/** Longest wait for every channel to connect. */
const CONNECT_LIMIT_MS = 30_000;
const DIST = new URL('./', import.meta.url);
const script = (name: string) => new URL(name, DIST).pathname;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runModbusTcpScenario(
  timing: ModbusTcpTiming,
  progress: (line: string) => void,
  sizes = MODBUS_TCP_SIZES,
): Promise<ModbusTcpBenchResult> {
  const results: ModbusTcpSizeResult[] = [];
  for (const size of sizes) {
    progress(`  ${sizeLabel(size)}`);
    results.push(await runSize(size, timing));
    const last = results.at(-1)!;
    const line = (r: ModbusTcpRun) =>
      `${r.txPerSec.toFixed(0)} tx/s, ${r.window.cpuCores.toFixed(3)} cores, ${r.cpuUsPerTx.toFixed(1)} µs/tx`;
    progress(`  → app ${line(last.app)}; channels alone ${line(last.channels)}; modbus-serial ${line(last.peer)}`);
  }
  return { ...timing, sizes: results };
}

async function runSize(size: ModbusTcpSize, timing: ModbusTcpTiming): Promise<ModbusTcpSizeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-mt-'));
  const configFor = (ports: readonly number[]) =>
    writeBenchConfig(dir, {
      dbPath: join(dir, 'bench.db'),
      pollEveryMs: size.periodMs,
      connectStaggerMs: size.periodMs,
      heartbeatIntervalMs: 60_000,
      maxConnections: 100,
      writeBuffer: { maxRows: 5000, flushIntervalMs: 200 },
      logLevel: 'warn',
      blocks: size.maxInFlight,
      interRequestDelayMs: 0,
      channels: ports.map((port, i) => ({
        name: `modbus-${i + 1}`,
        type: 'modbus-tcp',
        host: '127.0.0.1',
        port,
        device: benchDtuId(i),
        profile: PROFILE_NAME,
        maxInFlight: size.maxInFlight,
      })),
    });
  configFor([]);
  const servers = BenchChild.start('modbus-tcp-servers', script('modbus-tcp-servers-proc.js'), [
    '--config',
    dir,
    '--count',
    String(size.devices),
  ]);
  try {
    const { ports } = (await servers.whenReady()) as unknown as { ports: number[] };
    configFor(ports);
    const simulator = () => servers.request<ModbusTcpServersSnapshot>('snapshot');
    const app = await measureDtuhub('app', size, dir, timing, simulator);
    const channels = await measureDtuhub('channels', size, dir, timing, simulator);
    const peer = await measurePeer(size, ports, timing, simulator);
    return { size, app, channels, peer };
  } finally {
    await servers.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

type SimulatorSnap = () => Promise<ModbusTcpServersSnapshot>;

async function measureDtuhub(
  mode: 'app' | 'channels',
  size: ModbusTcpSize,
  dir: string,
  timing: ModbusTcpTiming,
  simulator: SimulatorSnap,
): Promise<ModbusTcpRun> {
  const child = BenchChild.start(`dtuhub-${mode}`, script('server-proc.js'), ['--config', dir, '--mode', mode], {
    nodeFlags: ['--expose-gc'],
  });
  try {
    await child.whenReady();
    const snap = (latency = true) => child.request<ServerSnapshot>('snapshot', { latency });
    const deadline = Date.now() + CONNECT_LIMIT_MS;
    while (((await snap(false)).channels?.connected ?? 0) < size.devices) {
      if (Date.now() > deadline)
        throw new Error(`dtuhub: not every Modbus TCP channel connected within ${CONNECT_LIMIT_MS} ms`);
      await sleep(200);
    }
    return dtuhubRun(mode, size, await window(child, snap, simulator, timing));
  } finally {
    await child.stop().catch(() => undefined);
  }
}

async function measurePeer(
  size: ModbusTcpSize,
  ports: readonly number[],
  timing: ModbusTcpTiming,
  simulator: SimulatorSnap,
): Promise<ModbusTcpRun> {
  const args = ['--ports', ports.join(','), '--period', String(size.periodMs), '--in-flight', String(size.maxInFlight)];
  const child = BenchChild.start('modbus-tcp-peer', script('modbus-tcp-peer-proc.js'), args, {
    nodeFlags: ['--expose-gc'],
  });
  try {
    await child.whenReady();
    const snap = (latency = true) => child.request<PeerSnapshot>('snapshot', { latency });
    return peerRun(size, await window(child, snap, simulator, timing));
  } finally {
    await child.stop().catch(() => undefined);
  }
}

/** Warm-up, then snapshots of the client and the simulator at both ends of the window. */
async function window<S>(
  child: BenchChild,
  snap: (latency?: boolean) => Promise<S>,
  simulator: SimulatorSnap,
  timing: ModbusTcpTiming,
) {
  await sleep(timing.warmupMs);
  await child.request('start-window');
  const simFrom = await simulator();
  const from = await snap(false);
  await sleep(timing.measureMs);
  const to = await snap();
  const simTo = await simulator();
  return { from, to, simFrom, simTo };
}
