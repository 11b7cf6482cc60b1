// Meters scenario (issue 20): CPU per DL/T 645 transaction next to a Modbus transaction,
// measured the same way. Scenario 4a's harness (bench/gateway-inproc.ts's loopback DTUs and
// whole-process CPU) runs twice in fresh child processes: 1,000 DTUs, each with one
// three-phase meter read for 8 identifiers, then 1,000 DTUs, each with one Modbus slave
// read for 8 float32 points spaced so that every point is a read of its own. Both sides
// send the same number of transactions, one point each; only the protocol differs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBenchConfig } from './bench-config.js';
import { BenchChild } from './child-rpc.js';
import {
  ID_PREFIX,
  PROFILE_OF,
  type MeterArmArgs,
  type MeterArmResult,
  type MeterBenchProtocol,
} from './meter-bench.js';

export type { MeterArmResult, MeterBenchProtocol } from './meter-bench.js';

export interface MeterBenchSpec {
  readonly devices: number;
  readonly pollEveryMs: number;
  readonly warmupMs: number;
  readonly measureMs: number;
}

export interface MeterBenchResult {
  readonly spec: MeterBenchSpec;
  readonly identifiers: readonly string[];
  readonly dlt645: MeterArmResult;
  readonly modbus: MeterArmResult;
}

export const METER_ADDRESS = '000000000001';
/** A three-phase meter's usual set: voltage and current per phase, active power and energy. */
export const METER_IDENTIFIERS = [
  'voltage.a',
  'voltage.b',
  'voltage.c',
  'current.a',
  'current.b',
  'current.c',
  'power.active',
  'energy.active.forward',
] as const;
/** Modbus points 100 registers apart: past any read gap, so each is one transaction. */
export const MODBUS_SPACING = 100;

export const METERS_FULL: MeterBenchSpec = { devices: 1000, pollEveryMs: 2000, warmupMs: 6000, measureMs: 20_000 };
export const METERS_QUICK: MeterBenchSpec = { devices: 1000, pollEveryMs: 2000, warmupMs: 4000, measureMs: 8000 };

/** The bench config with both profiles: a meter per DTU (IDs MTR…), a Modbus slave per DTU (IDs MBS…). */
function writeMeterBenchConfig(dir: string, spec: MeterBenchSpec): void {
  writeBenchConfig(dir, {
    dbPath: join(dir, 'unused.db'),
    pollEveryMs: spec.pollEveryMs,
    connectStaggerMs: spec.pollEveryMs,
    heartbeatIntervalMs: 60_000,
    maxConnections: 10_000,
    writeBuffer: { maxRows: 5000, flushIntervalMs: 200 },
    logLevel: 'silent',
  });
  const file = join(dir, 'points.yml');
  const points = JSON.parse(readFileSync(file, 'utf8')) as {
    profiles: Record<string, { timing: unknown }>;
    devices: unknown[];
  };
  const timing = Object.values(points.profiles)[0]!.timing;
  const task = { name: 'all', points: 'all', every: `${spec.pollEveryMs}ms` };
  points.profiles = {
    [PROFILE_OF.dlt645]: {
      timing,
      slaves: [{ id: 1, name: 'meter', protocol: 'dlt645-2007', meterAddress: METER_ADDRESS }],
      tasks: [task],
      points: METER_IDENTIFIERS.map((identifier) => ({ name: identifier, identifier })),
    } as { timing: unknown },
    [PROFILE_OF.modbus]: {
      timing,
      slaves: [{ id: 1, name: 'slave' }],
      tasks: [task],
      points: METER_IDENTIFIERS.map((name, i) => ({ name, address: i * MODBUS_SPACING, type: 'float32' })),
    } as { timing: unknown },
  };
  points.devices = [{ pattern: `^${ID_PREFIX.dlt645}`, profile: PROFILE_OF.dlt645 }, { default: PROFILE_OF.modbus }];
  writeFileSync(file, JSON.stringify(points, null, 2));
}

const script = new URL('./meter-inproc.js', import.meta.url).pathname;

async function runArm(dir: string, spec: MeterBenchSpec, protocol: MeterBenchProtocol): Promise<MeterArmResult> {
  const child = BenchChild.start(`meters-${protocol}`, script, ['--config', dir]);
  try {
    await child.whenReady();
    const args: MeterArmArgs = { protocol, count: spec.devices, warmupMs: spec.warmupMs, measureMs: spec.measureMs };
    return await child.request<MeterArmResult>('run', args, spec.warmupMs + spec.measureMs + 60_000);
  } finally {
    await child.stop();
  }
}

export async function runMeterScenario(spec: MeterBenchSpec, log: (line: string) => void): Promise<MeterBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-meters-'));
  try {
    writeMeterBenchConfig(dir, spec);
    const dlt645 = await runArm(dir, spec, 'dlt645');
    log(`  → DL/T 645: ${dlt645.transactionsPerSec.toFixed(0)} tx/s, ${dlt645.cpuUsPerTransaction.toFixed(1)} µs/tx`);
    const modbus = await runArm(dir, spec, 'modbus');
    log(`  → Modbus:   ${modbus.transactionsPerSec.toFixed(0)} tx/s, ${modbus.cpuUsPerTransaction.toFixed(1)} µs/tx`);
    return { spec, identifiers: METER_IDENTIFIERS, dlt645, modbus };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
