// Scenario 8 (Modbus TCP client throughput): the figures of one measured window, worked
// out from the snapshots taken at its ends (pure), and its part of docs/BENCHMARKS.md.
import type { PeerSnapshot } from './peer-proc.js';
import { processWindow, type ProcessWindow } from './process-sample.js';
import { ms, num, ratio, table, us } from './report-format.js';
import type { ModbusTcpServersSnapshot } from './modbus-tcp-servers-proc.js';
import type { ServerSnapshot } from './server-proc.js';
import type { LatencySummary } from './weighted-histogram.js';

/** One workload: `devices` simulated Modbus TCP devices, each polled with `maxInFlight` reads of 100 registers every `periodMs`. */
export interface ModbusTcpSize {
  readonly devices: number;
  /** 1 ms is "flat out": the next read goes as soon as the previous one is answered. */
  readonly periodMs: number;
  /** Reads outstanding per device (one per read block, since a block is never read twice at once). */
  readonly maxInFlight: number;
}

/** app: the whole dtuhub app storing into SQLite; channels: dtuhub's channels alone, samples dropped; peer: modbus-serial. */
export type ModbusTcpSide = 'app' | 'channels' | 'peer';

export interface ModbusTcpRun {
  readonly side: ModbusTcpSide;
  readonly connected: number;
  /** What the schedule asks for: devices × blocks × 1000 / period. */
  readonly scheduledTxPerSec: number;
  readonly txPerSec: number;
  readonly pointsDecodedPerSec: number;
  /** app only: rows committed to SQLite, and rows dropped because the write backlog was full. */
  readonly pointsStoredPerSec: number | null;
  readonly rowsDropped: number | null;
  readonly cpuUsPerTx: number;
  readonly window: ProcessWindow;
  readonly pollToDecodedMs: LatencySummary;
  readonly pollToStoredMs: LatencySummary | null;
  /** In the window: dtuhub, collect errors and dropped connections; the peer, failed reads. */
  readonly errors: number;
  /** The simulator process, for contention. */
  readonly simulator: ProcessWindow;
}

export interface ModbusTcpSizeResult {
  readonly size: ModbusTcpSize;
  readonly app: ModbusTcpRun;
  readonly channels: ModbusTcpRun;
  readonly peer: ModbusTcpRun;
}

export interface ModbusTcpBenchResult {
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly sizes: readonly ModbusTcpSizeResult[];
}

export function scheduledTxPerSec(size: ModbusTcpSize): number {
  return (size.devices * size.maxInFlight * 1000) / size.periodMs;
}

export function sizeLabel(size: ModbusTcpSize): string {
  const devices = size.devices === 1 ? '1 device' : `${num(size.devices)} devices`;
  const rate = size.periodMs <= 1 ? 'flat out' : `× ${num(1000 / size.periodMs)} Hz`;
  return `${devices} ${rate}, ${size.maxInFlight} in flight`;
}

type Snapshots<S> = {
  readonly from: S;
  readonly to: S;
  readonly simFrom: ModbusTcpServersSnapshot;
  readonly simTo: ModbusTcpServersSnapshot;
};

/** A dtuhub window (app or channels alone): transactions are answered polls of its channels (`collects`). */
export function dtuhubRun(side: 'app' | 'channels', size: ModbusTcpSize, s: Snapshots<ServerSnapshot>): ModbusTcpRun {
  const { from, to } = s;
  if (!from.channels || !to.channels) throw new Error('dtuhub snapshots without channel totals (not app mode?)');
  const window = processWindow(from.process, to.process);
  const tx = to.channels.collects - from.channels.collects;
  const stored =
    from.stored && to.stored ? (to.stored.samplesCommitted - from.stored.samplesCommitted) / window.seconds : null;
  const errors =
    to.channels.collectErrors - from.channels.collectErrors + (to.channels.disconnects - from.channels.disconnects);
  return {
    side,
    connected: to.channels.connected,
    scheduledTxPerSec: scheduledTxPerSec(size),
    txPerSec: tx / window.seconds,
    pointsDecodedPerSec: (to.samplesDecoded - from.samplesDecoded) / window.seconds,
    pointsStoredPerSec: stored,
    rowsDropped: from.writer && to.writer ? to.writer.rowsDropped - from.writer.rowsDropped : null,
    cpuUsPerTx: tx > 0 ? window.cpuUs / tx : 0,
    window,
    pollToDecodedMs: to.pollToDecodedMs,
    pollToStoredMs: to.stored?.latencyMs ?? null,
    errors,
    simulator: processWindow(s.simFrom.process, s.simTo.process),
  };
}

/** The modbus-serial peer's window. */
export function peerRun(size: ModbusTcpSize, s: Snapshots<PeerSnapshot>): ModbusTcpRun {
  const { from, to } = s;
  const window = processWindow(from.process, to.process);
  const tx = to.transactions - from.transactions;
  return {
    side: 'peer',
    connected: to.connections,
    scheduledTxPerSec: scheduledTxPerSec(size),
    txPerSec: tx / window.seconds,
    pointsDecodedPerSec: (to.samplesDecoded - from.samplesDecoded) / window.seconds,
    pointsStoredPerSec: null,
    rowsDropped: null,
    cpuUsPerTx: tx > 0 ? window.cpuUs / tx : 0,
    window,
    pollToDecodedMs: to.pollToDecodedMs,
    pollToStoredMs: null,
    errors: to.errors - from.errors,
    simulator: processWindow(s.simFrom.process, s.simTo.process),
  };
}

/** Goals table rows: context figures (no goal beyond being reported). */
export function modbusTcpGoalRows(res: ModbusTcpBenchResult): string[][] {
  return res.sizes.flatMap(({ size, app, channels, peer }) => [
    [
      '8',
      `Modbus TCP client, ${sizeLabel(size)}: app transactions/s, points stored/s, CPU per transaction`,
      '(context)',
      `${num(app.txPerSec)} tx/s, ${num(app.pointsStoredPerSec ?? 0)} points/s, ${us(app.cpuUsPerTx)}`,
      '—',
    ],
    [
      '8',
      `…CPU per transaction without storage, dtuhub channels ÷ modbus-serial`,
      '(lower is better)',
      ratio(channels.cpuUsPerTx, peer.cpuUsPerTx),
      '—',
    ],
  ]);
}

function sizeTable({ size, app, channels, peer }: ModbusTcpSizeResult): string {
  const all = (f: (r: ModbusTcpRun) => string) => [f(app), f(channels), f(peer)];
  const rows: string[][] = [
    ['Connected', ...all((r) => `${num(r.connected)} of ${num(size.devices)}`), ''],
    [
      'Modbus transactions/s (schedule)',
      ...all((r) => `${num(r.txPerSec)} (${num(r.scheduledTxPerSec)})`),
      ratio(channels.txPerSec, peer.txPerSec),
    ],
    ['Points decoded/s', ...all((r) => num(r.pointsDecodedPerSec)), ''],
    [
      'Points stored/s (committed rows)',
      app.pointsStoredPerSec === null ? '—' : num(app.pointsStoredPerSec),
      '— (dropped)',
      '— (dropped)',
      '',
    ],
    ['Rows dropped, write backlog full', app.rowsDropped === null ? '—' : num(app.rowsDropped), '', '', ''],
    [
      'CPU of the client process',
      ...all((r) => `${num(r.window.cpuCores, 3)} cores`),
      ratio(channels.window.cpuCores, peer.window.cpuCores),
    ],
    [
      '**CPU per transaction**',
      ...all((r) => `**${us(r.cpuUsPerTx)}**`),
      `**${ratio(channels.cpuUsPerTx, peer.cpuUsPerTx)}**`,
    ],
    ['Request → decoded p50 / p99', ...all((r) => `${ms(r.pollToDecodedMs.p50)} / ${ms(r.pollToDecodedMs.p99)}`), ''],
    [
      'Poll-to-stored p50 / p99',
      app.pollToStoredMs ? `${ms(app.pollToStoredMs.p50)} / ${ms(app.pollToStoredMs.p99)}` : '—',
      '—',
      '—',
      '',
    ],
    ['Dropped connections (dtuhub) / failed reads (peer)', ...all((r) => num(r.errors)), ''],
    ['Simulator process CPU (for contention)', ...all((r) => `${num(r.simulator.cpuCores, 3)} cores`), ''],
  ];
  return `### ${sizeLabel(size)}\n\n${table(['', 'dtuhub app (SQLite)', 'dtuhub channels alone', 'modbus-serial peer', 'channels ÷ peer'], rows)}`;
}

export function modbusTcpSection(res: ModbusTcpBenchResult): string {
  return `## 8. Modbus TCP client throughput

dtuhub as a Modbus TCP *client*, polling simulated Modbus TCP devices
(\`bench/modbus-tcp-servers-proc.ts\`: the simulator's Modbus TCP server mode, one listening
socket per device, all in one process) with one \`modbus-tcp\` channel per device. Each read
is 100 holding registers decoded into the 50 bench points; with N in flight the profile has
N read blocks (2000, 2100, …), one task each (one task never has two reads outstanding), and
the channel's \`maxInFlight\` is N. "Flat out" is a 1 ms schedule: each block is due every
millisecond and skipped while its read is outstanding. \`interRequestDelay\` is 0 (no bus pause on Modbus TCP).
Three clients take turns against the same devices, each in its own process:

- **dtuhub app** (\`bench/server-proc.ts --mode app\`): the whole \`DtuhubApp\`, every point
  stored in SQLite (its writer thread's CPU included);
- **dtuhub channels alone** (\`--mode channels\`): the \`ChannelManager\` and its channels
  on a bus whose only \`data\` listener counts and drops the samples, like the gateway-only
  run of scenario 4b;
- **modbus-serial peer** (\`bench/modbus-tcp-peer-proc.ts\`): one \`ModbusRTU\` client per
  device (\`connectTCP\`), one lane per block on the same 1 ms / 100 ms schedule, skipped while
  its previous read is outstanding, decoding the same Sample records and dropping them.

The like-for-like ratio is channels alone ÷ peer: neither stores anything. CPU per
transaction is the client process's CPU time over the window divided by the reads answered
in it. Windows: ${num(res.warmupMs / 1000, res.warmupMs % 1000 ? 1 : 0)} s warm-up, ${num(res.measureMs / 1000)} s measured, per run.

${res.sizes.map(sizeTable).join('\n\n')}`;
}
