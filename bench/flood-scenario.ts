// Issue 17 (items 3 and 4): one registered DTU sends ten floods of 20 MB of random bytes.
// dtuhub runs as the whole app in a child process (server-proc.ts, SQLite store, default
// raw packet recording); the runner sends the floods over a real socket and reads, after
// each flood, the child's RSS (VmRSS: what the kernel charges) beside V8's heap and
// external figures, and how many bytes the flood added to raw_packets.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { randomFillSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { benchDtuId, writeBenchConfig } from './bench-config.js';
import { BenchChild } from './child-rpc.js';
import type { ServerSnapshot } from './server-proc.js';

const OWN_DIR = dirname(fileURLToPath(import.meta.url));

export interface FloodSpec {
  readonly floods: number;
  readonly floodBytes: number;
  /** Idle time after the last flood before the settled reading. */
  readonly settleMs: number;
  /** Issue 23: fuzzed Modbus frames, from `fuzzDtus` more DTUs, in `fuzzSteps` steps. */
  readonly fuzzFrames: number;
  readonly fuzzDtus: number;
  readonly fuzzSteps: number;
}

export const FLOOD_SPEC: FloodSpec = {
  floods: 10,
  floodBytes: 20 * 1024 * 1024,
  settleMs: 10_000,
  fuzzFrames: 850_000,
  fuzzDtus: 10,
  fuzzSteps: 10,
};

export interface MemoryReading {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

export interface FloodRound {
  readonly seconds: number;
  readonly memory: MemoryReading;
  /** Rows and stored bytes (the hex text) the flood added to raw_packets. */
  readonly rawRows: number;
  readonly rawStoredBytes: number;
  readonly garbageBytes: number;
}

export interface FuzzStep {
  readonly frames: number;
  readonly memory: MemoryReading;
  /** raw_packets as a whole after the step. */
  readonly rawRows: number;
  readonly rawStoredBytes: number;
}

export interface FloodBenchResult {
  readonly spec: FloodSpec;
  readonly fuzz: readonly FuzzStep[];
  readonly fuzzSettled: MemoryReading;
  readonly baseline: MemoryReading;
  readonly rounds: readonly FloodRound[];
  /** After settleMs without input. */
  readonly settled: MemoryReading;
  /** The same, after a forced full garbage collection. */
  readonly settledAfterGc: MemoryReading;
  readonly dbFileBytes: number;
}

const CHUNK = 64 * 1024;
const HEARTBEAT = Buffer.from('HB');

export async function runFloodScenario(
  spec: FloodSpec,
  progress: (line: string) => void = () => undefined,
): Promise<FloodBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-flood-'));
  const dbPath = join(dir, 'flood.db');
  let server: BenchChild | null = null;
  let socket: Socket | null = null;
  let db: Database.Database | null = null;
  try {
    writeFloodConfig(dir, dbPath);
    server = BenchChild.start('flood-server', join(OWN_DIR, 'server-proc.js'), ['--config', dir, '--mode', 'app'], {
      nodeFlags: ['--expose-gc'],
    });
    const ready = await server.whenReady();
    const snap = (gc = false) => server!.request<ServerSnapshot>('snapshot', { gc, latency: false });
    socket = await registerDtu(ready['port'] as number, benchDtuId(0), async () => (await snap()).online === 1);
    await sleep(2000);
    const baseline = memory((await snap(true)).process);
    progress(`  baseline RSS ${mb(baseline.rss)}`);
    const rounds: FloodRound[] = [];
    const reading = new Database(dbPath, { readonly: true, fileMustExist: true });
    db = reading;
    const rawTotals = () =>
      reading.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(length(hex)), 0) AS b FROM raw_packets').get() as {
        n: number;
        b: number;
      };
    for (let i = 0; i < spec.floods; i++) {
      const before = rawTotals();
      const garbageBefore = (await snap()).garbageBytes;
      const started = Date.now();
      await sendFlood(socket, spec.floodBytes);
      await waitDrained(snap);
      socket.write(HEARTBEAT);
      const after = await snap();
      const totals = rawTotals();
      const round: FloodRound = {
        seconds: (Date.now() - started) / 1000,
        memory: memory(after.process),
        rawRows: totals.n - before.n,
        rawStoredBytes: totals.b - before.b,
        garbageBytes: after.garbageBytes - garbageBefore,
      };
      rounds.push(round);
      progress(
        `  flood ${i + 1}: RSS ${mb(round.memory.rss)}, raw_packets +${round.rawRows} rows / +${mb(round.rawStoredBytes)}`,
      );
      if (after.online !== 1) throw new Error('the flooded DTU went offline');
    }
    await sleep(spec.settleMs);
    const settled = memory((await snap()).process);
    const settledAfterGc = memory((await snap(true)).process);
    progress(`  settled RSS ${mb(settled.rss)} (after gc ${mb(settledAfterGc.rss)})`);
    const fuzz = await fuzzFrames(spec, ready['port'] as number, snap, rawTotals, progress);
    await sleep(spec.settleMs);
    const fuzzSettled = memory((await snap()).process);
    progress(`  after fuzz, settled RSS ${mb(fuzzSettled.rss)}`);
    return { spec, baseline, rounds, settled, settledAfterGc, fuzz, fuzzSettled, dbFileBytes: fileBytes(dbPath) };
  } finally {
    db?.close();
    socket?.destroy();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench config, with raw packet recording and session limits left at their defaults. */
function writeFloodConfig(dir: string, dbPath: string): void {
  writeBenchConfig(dir, {
    dbPath,
    pollEveryMs: 60_000,
    connectStaggerMs: 0,
    heartbeatIntervalMs: 60_000,
    maxConnections: 100,
    writeBuffer: { maxRows: 5000, flushIntervalMs: 1000 },
    logLevel: 'warn',
  });
  const file = join(dir, 'server.yml');
  const server = JSON.parse(readFileSync(file, 'utf8')) as {
    sessions: Record<string, unknown>;
    retention: Record<string, unknown>;
  };
  delete server.sessions['maxInputBytes'];
  server.retention = {
    sweepInterval: '1h',
    // FLOOD_RECORD=none: the same floods with recording off (how the cause was found).
    ...(process.env['FLOOD_RECORD'] ? { recordRawPackets: process.env['FLOOD_RECORD'] } : {}),
  };
  writeFileSync(file, JSON.stringify(server, null, 2));
}

type Totals = () => { n: number; b: number };

/**
 * Frames a fuzzer makes of a Modbus RTU answer: a plausible slave and function, a byte
 * count, random data and a random CRC (so nearly all are bad-CRC or stray frames and
 * garbage), sent by `fuzzDtus` registered DTUs in turn.
 */
async function fuzzFrames(
  spec: FloodSpec,
  port: number,
  snap: () => Promise<ServerSnapshot>,
  rawTotals: Totals,
  progress: (line: string) => void,
): Promise<FuzzStep[]> {
  const sockets: Socket[] = [];
  try {
    for (let d = 0; d < spec.fuzzDtus; d++) {
      const id = benchDtuId(1 + d);
      sockets.push(await registerDtu(port, id, async () => (await snap()).online === 2 + d));
    }
    const steps: FuzzStep[] = [];
    const perStep = Math.ceil(spec.fuzzFrames / spec.fuzzSteps);
    let sent = 0;
    for (let step = 0; step < spec.fuzzSteps; step++) {
      const frames = Math.min(perStep, spec.fuzzFrames - sent);
      await Promise.all(sockets.map((s) => sendFuzz(s, Math.ceil(frames / sockets.length))));
      sent += frames;
      await waitDrained(snap);
      const totals = rawTotals();
      const reading: FuzzStep = {
        frames: sent,
        memory: memory((await snap()).process),
        rawRows: totals.n,
        rawStoredBytes: totals.b,
      };
      steps.push(reading);
      progress(`  fuzz ${sent} frames: RSS ${mb(reading.memory.rss)}, raw_packets ${totals.n} rows / ${mb(totals.b)}`);
    }
    return steps;
  } finally {
    for (const s of sockets) s.destroy();
  }
}

async function sendFuzz(socket: Socket, frames: number): Promise<void> {
  const random = Buffer.allocUnsafe(64 * 1024);
  let r = random.length;
  const next = () => {
    if (r === random.length) {
      randomFillSync(random);
      r = 0;
    }
    return random[r++]!;
  };
  const parts: Buffer[] = [];
  let pending = 0;
  for (let f = 0; f < frames; f++) {
    const length = next() % 16;
    const frame = Buffer.allocUnsafe(5 + length);
    frame[0] = 1 + (next() % 247);
    frame[1] = [3, 4, 0x83, 6, 16][next() % 5]!;
    frame[2] = length;
    for (let i = 0; i < length + 2; i++) frame[3 + i] = next();
    parts.push(frame);
    pending += frame.length;
    if (pending >= CHUNK) {
      if (!socket.write(Buffer.concat(parts))) await new Promise<void>((resolve) => socket.once('drain', resolve));
      parts.length = 0;
      pending = 0;
    }
  }
  if (parts.length > 0) socket.write(Buffer.concat(parts));
}

async function registerDtu(port: number, id: string, online: () => Promise<boolean>): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  socket.on('data', () => undefined); // requests from the poller: never answered
  socket.write(id);
  for (let i = 0; i < 100; i++) {
    if (await online()) return socket;
    await sleep(50);
  }
  throw new Error(`${id} did not come online`);
}

async function sendFlood(socket: Socket, bytes: number): Promise<void> {
  const chunk = Buffer.allocUnsafe(CHUNK);
  for (let sent = 0; sent < bytes; sent += CHUNK) {
    randomFillSync(chunk);
    if (!socket.write(Buffer.from(chunk.subarray(0, Math.min(CHUNK, bytes - sent))))) {
      await new Promise<void>((resolve) => socket.once('drain', resolve));
    }
  }
}

/** Until the writer holds nothing and the garbage counter has stopped moving (bounded). */
async function waitDrained(snap: () => Promise<ServerSnapshot>): Promise<void> {
  let last = -1;
  for (let i = 0; i < 600; i++) {
    const s = await snap();
    if (s.garbageBytes === last && (s.writer?.rowsBuffered ?? 0) === 0) return;
    last = s.garbageBytes;
    await sleep(500);
  }
}

function memory(p: ServerSnapshot['process']): MemoryReading {
  return { rss: p.rss, heapUsed: p.heapUsed, external: p.external, arrayBuffers: p.arrayBuffers };
}

function fileBytes(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += readFileSync(path + suffix).length;
    } catch {
      // no WAL file
    }
  }
  return total;
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
