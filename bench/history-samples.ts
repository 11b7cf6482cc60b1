// Samples for the history scenario with the values the simulator serves (its waveforms:
// slow sines with per-second noise, a status word stepping every hour), for a device of
// the example profile (config/points.yml, `th-station`) or of the bench profile (scenario
// 1's 50 points). Values come from the simulator's model; the raw hex is encoded here for
// the plain types both profiles use. Decoding real responses instead costs ~30 µs a round,
// which would make the generator, not the store, the bottleneck of a year of history.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.js';
import type { DeviceProfile } from '../src/domain/config.js';
import type { PointDef, Sample } from '../src/domain/point.js';
import { engineeringValue, rawFor, RegisterModel } from '../src/simulator/index.js';
import { PROFILE_NAME, writeBenchConfig } from './bench-config.js';

export const EXAMPLE_PROFILE = 'th-station';

/** The repository's config/ directory, from bench/ (tests) or dist/bench/ (npm run bench). */
function exampleConfigDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('history bench: no package.json above bench/');
    dir = up;
  }
  return join(dir, 'config');
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function ordered(point: PointDef, hex: string): string {
  return point.order === 'CDAB' ? hex.slice(4) + hex.slice(0, 4) : hex;
}

/** The register bytes of `raw` as the device sends them, lowercase hex. */
function rawHex(point: PointDef, raw: number): string {
  switch (point.type) {
    case 'int16':
    case 'uint16':
      return (raw & 0xffff).toString(16).padStart(4, '0');
    case 'uint32':
      return ordered(point, (raw >>> 0).toString(16).padStart(8, '0'));
    case 'float32':
      f32[0] = raw;
      return ordered(point, u32[0]!.toString(16).padStart(8, '0'));
    default:
      throw new Error(`history bench: point ${point.name} is ${point.type}; only 16/32-bit integers and float32`);
  }
}

/**
 * `example-policies`: the example profile with the store-by-exception policies its
 * points.yml shows commented out (`# history: …`) switched on.
 */
export type ProfileName = 'example' | 'example-policies' | 'bench';

/** The example config with its `# history:` lines uncommented, in a directory of its own. */
function loadWithPolicies(): DeviceProfile | undefined {
  const example = exampleConfigDir();
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-policies-'));
  try {
    copyFileSync(join(example, 'server.yml'), join(dir, 'server.yml'));
    const points = readFileSync(join(example, 'points.yml'), 'utf8').replace(/^(\s*)# (history: )/gm, '$1$2');
    writeFileSync(join(dir, 'points.yml'), points);
    return loadConfig(dir).points.profiles.get(EXAMPLE_PROFILE);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The example profile of config/points.yml (with or without its policies), or scenario 1's bench profile. */
export function loadProfile(name: ProfileName): DeviceProfile {
  if (name !== 'bench') {
    const profile =
      name === 'example' ? loadConfig(exampleConfigDir()).points.profiles.get(EXAMPLE_PROFILE) : loadWithPolicies();
    if (!profile) throw new Error(`config/points.yml has no profile ${EXAMPLE_PROFILE}`);
    return profile;
  }
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-bench-profile-'));
  try {
    writeBenchConfig(dir, {
      dbPath: join(dir, 'unused.db'),
      pollEveryMs: 1000,
      connectStaggerMs: 1000,
      heartbeatIntervalMs: 60_000,
      maxConnections: 10,
      writeBuffer: { maxRows: 5000, flushIntervalMs: 200 },
      logLevel: 'silent',
    });
    return loadConfig(dir).points.profiles.get(PROFILE_NAME)!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SimulatedDevice {
  readonly registrationId: string;
  readonly profile: string;
  readonly points: readonly PointDef[];
  /** One sample of each point at `ts`. */
  samplesAt(ts: number): Sample[];
}

/** The first `points` numeric points of `profile` on one device. */
export function simulatedDevice(profile: DeviceProfile, registrationId: string, points: number): SimulatedDevice {
  const chosen = profile.points.filter((p) => p.type !== 'string' && p.type !== 'bool').slice(0, points);
  if (chosen.length < points) throw new Error(`${profile.name} has only ${chosen.length} numeric points`);
  const model = new RegisterModel(profile, registrationId, registrationId);
  return {
    registrationId,
    profile: profile.name,
    points: chosen,
    samplesAt(ts: number): Sample[] {
      return chosen.map((point) => {
        // What a poll reads: the model's value as the registers hold it, decoded.
        const raw = rawFor(point, model.pointValue(point.name, ts) as number);
        const value = engineeringValue(point, raw);
        return {
          deviceId: registrationId,
          point: point.name,
          slave: point.slave,
          address: point.address,
          value,
          text: null,
          raw: rawHex(point, raw),
          ts,
          quality: 'good',
        };
      });
    },
  };
}
