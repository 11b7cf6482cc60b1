// The registers behind one simulated DTU: values computed on demand from each point's
// waveform at the requested instant, plus a sparse map of values written by the master.
// Nothing is stored per register, so 10,000 devices cost no more than their overrides.
import type { DeviceProfile } from '../domain/config.js';
import type { PointDef, ReadFunction } from '../domain/point.js';
import { systemClock, type Clock } from '../link/index.js';
import { encodePointValue, engineeringValue, rawFor } from './point-encoding.js';
import { hashSeed, mix } from './seeded.js';
import { sampleWaveform, waveformFor, type Waveform } from './waveform.js';

interface ModelPoint {
  readonly point: PointDef;
  readonly wave: Waveform;
  /** Position in the profile, mixed into the device seed so points do not move together. */
  readonly salt: number;
}

/** Per-profile lookup tables, shared by every device built from the same profile. */
interface ProfileIndex {
  /** Points of one (slave, space), sorted by address. */
  readonly spaces: ReadonlyMap<number, readonly ModelPoint[]>;
  readonly byName: ReadonlyMap<string, ModelPoint>;
  readonly slaves: readonly number[];
  /** Bitmaps of addresses covered by a point, built on first strict-address check. */
  readonly covered: Map<number, Uint8Array>;
}

const INDEXES = new WeakMap<DeviceProfile, ProfileIndex>();
const EMPTY_INDEX: ProfileIndex = { spaces: new Map(), byName: new Map(), slaves: [1], covered: new Map() };

/** Register space a function code reads or writes: coils 1, inputs 2, holding 3, input registers 4. */
export function spaceOf(fn: number): ReadFunction {
  if (fn === 5 || fn === 15) return 1;
  if (fn === 6 || fn === 16) return 3;
  if (fn === 1 || fn === 2 || fn === 3 || fn === 4) return fn;
  throw new RangeError(`function code ${fn} has no register space`);
}

const spaceKey = (slave: number, space: number): number => slave * 8 + space;

export class RegisterModel {
  private overrides: Map<number, number> | null = null;
  private frozenAt: number | null = null;
  private readonly seedHash: number;

  constructor(
    private readonly profile: DeviceProfile | null,
    seed: string | number,
    /** Text served by `string` points (the DTU's ID, so a device can be recognised). */
    private readonly text: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.seedHash = hashSeed(seed);
  }

  /** Slave ids with points in the profile (slave 1 when the profile has none). */
  get slaves(): readonly number[] {
    return this.index().slaves;
  }

  /** Pins the model to one instant: every later read returns the values at `atMs`. */
  freeze(atMs: number = this.clock.now()): void {
    this.frozenAt = atMs;
  }

  unfreeze(): void {
    this.frozenAt = null;
  }

  /**
   * Words (fn 3/4) or bits as 0/1 (fn 1/2; write codes map to their space) that a read at
   * `atMs` returns. Written values win over the model; addresses without a point read 0.
   */
  registers(slave: number, fn: number, address: number, quantity: number, atMs: number = this.clock.now()): number[] {
    const space = spaceOf(fn);
    const at = this.frozenAt ?? atMs;
    const out = new Array<number>(quantity).fill(0);
    const end = address + quantity;
    const points = this.index().spaces.get(spaceKey(slave, space));
    if (points) {
      for (const entry of points) {
        const { point } = entry;
        if (point.address >= end) break;
        const size = Math.max(1, point.registers);
        if (point.address + size <= address) continue;
        const words = encodePointValue(point, this.sample(entry, at));
        const sharesWord = point.type === 'bool' && point.bit !== undefined && space >= 3;
        for (let i = 0; i < words.length; i++) {
          const target = point.address + i - address;
          if (target < 0 || target >= quantity) continue;
          out[target] = sharesWord ? out[target]! | words[i]! : words[i]!;
        }
      }
    }
    if (this.overrides) {
      const base = spaceKey(slave, space) * 0x10000;
      for (let i = 0; i < quantity; i++) {
        const written = this.overrides.get(base + address + i);
        if (written !== undefined) out[i] = written;
      }
    }
    return out;
  }

  /** Pins registers (or bits) from `address` on; later reads return these values. */
  setRegisters(slave: number, fn: number, address: number, values: readonly number[]): void {
    const base = spaceKey(slave, spaceOf(fn)) * 0x10000;
    const bits = spaceOf(fn) <= 2;
    this.overrides ??= new Map();
    values.forEach((value, i) => {
      this.overrides!.set(base + address + i, bits ? (value ? 1 : 0) : value & 0xffff);
    });
  }

  /** Forgets every written value; reads follow the waveforms again. */
  clearWrites(): void {
    this.overrides = null;
  }

  /**
   * The value a correct decoder reads for a point at `atMs` (scaled, rounded as stored),
   * ignoring written overrides. Lets tests assert stored samples without re-decoding.
   */
  pointValue(name: string, atMs: number = this.clock.now()): number | boolean | string {
    const entry = this.index().byName.get(name);
    if (!entry) throw new RangeError(`no point named ${name}`);
    const value = this.sample(entry, this.frozenAt ?? atMs);
    const { point } = entry;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') return value.slice(0, point.registers * 2);
    return engineeringValue(point, rawFor(point, value));
  }

  /** True when every address of the range belongs to some point (strict address mode). */
  covers(slave: number, fn: number, address: number, quantity: number): boolean {
    const bitmap = this.coverage(spaceKey(slave, spaceOf(fn)));
    for (let a = address; a < address + quantity; a++) {
      if (a > 0xffff || !(bitmap[a >>> 3]! & (1 << (a & 7)))) return false;
    }
    return true;
  }

  private sample(entry: ModelPoint, atMs: number): number | boolean | string {
    return sampleWaveform(entry.wave, atMs, mix(this.seedHash, entry.salt), this.text);
  }

  private index(): ProfileIndex {
    if (!this.profile) return EMPTY_INDEX;
    let index = INDEXES.get(this.profile);
    if (!index) {
      index = buildIndex(this.profile);
      INDEXES.set(this.profile, index);
    }
    return index;
  }

  private coverage(key: number): Uint8Array {
    const index = this.index();
    let bitmap = index.covered.get(key);
    if (!bitmap) {
      bitmap = new Uint8Array(0x2000);
      for (const { point } of index.spaces.get(key) ?? []) {
        for (let a = point.address; a < point.address + Math.max(1, point.registers) && a <= 0xffff; a++) {
          bitmap[a >>> 3]! |= 1 << (a & 7);
        }
      }
      index.covered.set(key, bitmap);
    }
    return bitmap;
  }
}

function buildIndex(profile: DeviceProfile): ProfileIndex {
  const spaces = new Map<number, ModelPoint[]>();
  const byName = new Map<string, ModelPoint>();
  const slaves = new Set<number>(profile.slaves.map((s) => s.id));
  profile.points.forEach((point, salt) => {
    const entry: ModelPoint = { point, wave: waveformFor(point), salt };
    const key = spaceKey(point.slave, point.fn);
    const list = spaces.get(key) ?? [];
    list.push(entry);
    spaces.set(key, list);
    byName.set(point.name, entry);
    slaves.add(point.slave);
  });
  for (const list of spaces.values()) list.sort((a, b) => a.point.address - b.point.address);
  return { spaces, byName, slaves: slaves.size > 0 ? [...slaves].sort((a, b) => a - b) : [1], covered: new Map() };
}
