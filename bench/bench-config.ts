// The configuration every benchmark scenario runs: one transparent listener on 127.0.0.1
// (port 0), ASCII registration, an "HB" heartbeat, and a profile with one task of 100
// holding registers decoded into 50 points of the types DTUs commonly carry.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type BenchPointType = 'int16' | 'uint16' | 'float32' | 'uint32';

export interface BenchPoint {
  readonly name: string;
  readonly address: number;
  readonly type: BenchPointType;
  readonly order: 'ABCD' | 'CDAB';
  readonly scale: number;
}

export const PROFILE_NAME = 'bench';
export const LINK_NAME = 'transparent';
export const SLAVE = 1;
export const TASK_ADDRESS = 2000;
export const TASK_QUANTITY = 100;
export const HEARTBEAT_ASCII = 'HB';

/** Five kinds of point, ten of each, one every two registers: 2000, 2002, … 2098. */
const KINDS: readonly Omit<BenchPoint, 'name' | 'address'>[] = [
  { type: 'int16', order: 'ABCD', scale: 0.1 },
  { type: 'uint16', order: 'ABCD', scale: 1 },
  { type: 'float32', order: 'ABCD', scale: 1 },
  { type: 'float32', order: 'CDAB', scale: 1 },
  { type: 'uint32', order: 'ABCD', scale: 1 },
];

export const BENCH_POINTS: readonly BenchPoint[] = Array.from({ length: 50 }, (_, i) => {
  const kind = KINDS[i % KINDS.length]!;
  return {
    name: `p${String(i).padStart(2, '0')}_${kind.type}_${kind.order.toLowerCase()}`,
    address: TASK_ADDRESS + 2 * i,
    ...kind,
  };
});

/**
 * The points of read block `k` (registers 2000 + 100·k … + 99): block 0 is BENCH_POINTS;
 * later blocks repeat its types (scenario 8 reads several blocks to keep several requests
 * in flight, since one task never has two reads outstanding).
 */
export function benchBlockPoints(block: number): readonly BenchPoint[] {
  if (block === 0) return BENCH_POINTS;
  return BENCH_POINTS.map((p) => ({ ...p, name: `b${block}_${p.name}`, address: p.address + block * TASK_QUANTITY }));
}

export interface BenchServerOptions {
  readonly dbPath: string;
  /** server.yml `storage:` instead of SQLite at dbPath. */
  readonly storage?: Record<string, unknown>;
  /** Period of the one read task. */
  readonly pollEveryMs: number;
  /** First polls are spread over this window; one poll period gives a steady, even load. */
  readonly connectStaggerMs: number;
  /** Server side: one period without a heartbeat is one miss (three misses close). */
  readonly heartbeatIntervalMs: number;
  readonly maxConnections: number;
  readonly writeBuffer: { readonly maxRows: number; readonly flushIntervalMs: number };
  readonly logLevel: 'warn' | 'silent';
  /** Read blocks of 100 registers / 50 points in the profile, one task each (default 1). */
  readonly blocks?: number;
  /** Pause between two requests to one device (default 50 ms, as for RS-485 behind a DTU). */
  readonly interRequestDelayMs?: number;
  /** server.yml `channels:` (scenario 8: Modbus TCP channels polling simulated devices). */
  readonly channels?: readonly Record<string, unknown>[];
}

/** Writes server.yml and points.yml into `dir` (JSON is valid YAML). */
export function writeBenchConfig(dir: string, options: BenchServerOptions): void {
  const server = {
    version: 1,
    listeners: [{ name: 'dtu', host: '127.0.0.1', port: 0, link: LINK_NAME }],
    web: { host: '127.0.0.1', port: 0 },
    sessions: {
      heartbeatInterval: `${options.heartbeatIntervalMs}ms`,
      heartbeatMaxMisses: 3,
      registrationTimeout: '30s',
      maxConnections: options.maxConnections,
      maxInputBytes: 4096,
      connectStagger: `${options.connectStaggerMs}ms`,
    },
    storage: options.storage ?? { driver: 'sqlite', path: options.dbPath },
    writeBuffer: { maxRows: options.writeBuffer.maxRows, flushInterval: `${options.writeBuffer.flushIntervalMs}ms` },
    retention: {
      deviceData: 0,
      heartbeatLog: 0,
      rawPackets: 0,
      connectionHistory: 0,
      rawPacketsMaxRows: 100000,
      recordRawPackets: 'none',
      sweepInterval: '1h',
    },
    logging: { level: options.logLevel, pretty: false },
    ...(options.channels ? { channels: options.channels } : {}),
  };
  const blocks = Array.from({ length: options.blocks ?? 1 }, (_, k) => k);
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
        description: 'benchmark: 100 registers, 50 points',
        timing: {
          responseTimeout: '3s',
          retries: 1,
          interRequestDelay: `${options.interRequestDelayMs ?? 50}ms`,
          quietAfterTimeout: '200ms',
        },
        slaves: [{ id: SLAVE, name: 'main' }],
        pollOnConnect: true,
        tasks: blocks.map((k) => ({
          name: k === 0 ? 'block' : `block${k}`,
          address: TASK_ADDRESS + k * TASK_QUANTITY,
          quantity: TASK_QUANTITY,
          every: `${options.pollEveryMs}ms`,
        })),
        points: blocks.flatMap(benchBlockPoints).map((p) => ({
          name: p.name,
          address: p.address,
          type: p.type,
          ...(p.order === 'ABCD' ? {} : { order: p.order }),
          ...(p.scale === 1 ? {} : { scale: p.scale }),
        })),
      },
    },
    devices: [{ default: PROFILE_NAME }],
  };
  writeFileSync(join(dir, 'server.yml'), JSON.stringify(server, null, 2));
  writeFileSync(join(dir, 'points.yml'), JSON.stringify(points, null, 2));
}

/** ASCII ID of the i-th simulated DTU: BENCH00001, … */
export function benchDtuId(index: number): string {
  return `BENCH${String(index + 1).padStart(5, '0')}`;
}
