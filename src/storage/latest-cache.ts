// The latest value of every point of every device, in memory: what the dashboard and the
// live feed show without touching the database. O(1) per sample.
//
// Kept compact because it is held for every connected DTU (10,000 × 50 points is 500,000
// readings): a device is one row of numbers laid out by a PointLayout shared with every
// device reporting the same points, plus text kept only where a point has some. Sample
// objects are made again when read.
import type { Quality, Sample } from '../domain/point.js';
import {
  FLAGS,
  hexDigit,
  PointLayouts,
  RAW,
  RAW_CHARS_PER_NUMBER,
  TS,
  VALUE,
  type PointLayout,
} from './point-layout.js';

// Flag bits of a point in its row; the quality's index in QUALITIES sits above them.
const HELD = 1;
const VALUE_NULL = 2;
const RAW_AS_TEXT = 4;
const QUALITY_SHIFT = 3;
const QUALITIES: Quality[] = ['good'];

interface DeviceValues {
  layout: PointLayout;
  row: number[];
  /** Text values of string points, by point position; null while the device has none. */
  texts: Map<number, string> | null;
  /** Raw text that does not pack into the row (not lowercase hex, other length), by position. */
  raws: Map<number, string> | null;
}

export class LatestValues {
  private readonly byDevice = new Map<string, DeviceValues>();
  private readonly layouts = new PointLayouts();

  /** Keeps each sample unless a newer one for the same point is already held. */
  update(samples: readonly Sample[]): void {
    let device: DeviceValues | undefined;
    let deviceId: string | undefined;
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i]!;
      if (sample.deviceId !== deviceId) {
        deviceId = sample.deviceId;
        device = this.byDevice.get(deviceId);
        if (!device) {
          device = { layout: this.layouts.empty, row: [], texts: null, raws: null };
          this.byDevice.set(deviceId, device);
        }
      }
      let at = device!.layout.index.get(sample.point);
      if (at === undefined) {
        // Every new point of this device in the rest of the batch at once: one layout step
        // per poll rather than one per point.
        this.grow(
          device!,
          samples.slice(i).filter((s) => s.deviceId === deviceId),
        );
        at = device!.layout.index.get(sample.point)!;
      }
      this.put(device!, at, sample);
    }
  }

  /** Latest sample of each point of a device, in the order the points were first seen. */
  device(deviceId: string): Sample[] {
    const device = this.byDevice.get(deviceId);
    if (!device) return [];
    const out: Sample[] = [];
    for (let at = 0; at < device.layout.slots.length; at++) {
      const sample = sampleAt(deviceId, device, at);
      if (sample) out.push(sample);
    }
    return out;
  }

  get(deviceId: string, point: string): Sample | undefined {
    const device = this.byDevice.get(deviceId);
    const at = device?.layout.index.get(point);
    return at === undefined ? undefined : sampleAt(deviceId, device!, at);
  }

  /** Registration IDs with at least one value. */
  devices(): string[] {
    return [...this.byDevice.keys()];
  }

  /** Drops a device's values (removed from config, or its ID reassigned); true if it had any. */
  forget(deviceId: string): boolean {
    return this.byDevice.delete(deviceId);
  }

  get size(): number {
    return this.byDevice.size;
  }

  /** Distinct point lists held (devices of one profile share one). */
  get layoutCount(): number {
    return this.layouts.size;
  }

  private grow(device: DeviceValues, samples: readonly Sample[]): void {
    const layout = this.layouts.grown(device.layout, samples);
    const row = new Array<number>(layout.width).fill(0);
    for (let i = 0; i < device.row.length; i++) row[i] = device.row[i]!;
    device.layout = layout;
    device.row = row;
  }

  private put(device: DeviceValues, at: number, sample: Sample): void {
    const { row } = device;
    const o = device.layout.slots[at]!.offset;
    // A late response (retries, reordering) must not overwrite a newer reading.
    if ((row[o + FLAGS]! & HELD) !== 0 && sample.ts < row[o + TS]!) return;
    if (!device.layout.fits(at, sample)) device.layout = this.layouts.refitted(device.layout, at, sample);
    const slot = device.layout.slots[at]!;
    let flags = HELD | (qualityCode(sample.quality) << QUALITY_SHIFT);
    row[o + TS] = sample.ts;
    if (sample.value === null) flags |= VALUE_NULL;
    else row[o + VALUE] = sample.value;
    if (sample.text !== null) (device.texts ??= new Map()).set(at, sample.text);
    else device.texts?.delete(at);
    if (packRaw(row, o + RAW, slot.rawChars, sample.raw)) device.raws?.delete(at);
    else {
      flags |= RAW_AS_TEXT;
      (device.raws ??= new Map()).set(at, sample.raw);
    }
    row[o + FLAGS] = flags;
  }
}

function qualityCode(quality: Quality): number {
  const code = QUALITIES.indexOf(quality);
  return code >= 0 ? code : QUALITIES.push(quality) - 1;
}

/** Packs lowercase hex of exactly `rawChars` digits into the row; false if it does not fit. */
function packRaw(row: number[], start: number, rawChars: number, raw: string): boolean {
  if (raw.length !== rawChars) return false;
  let n = 0;
  let index = start;
  for (let i = 0; i < raw.length; i++) {
    const digit = hexDigit(raw.charCodeAt(i));
    if (digit < 0) return false;
    n = n * 16 + digit;
    if ((i + 1) % RAW_CHARS_PER_NUMBER === 0 || i === raw.length - 1) {
      row[index++] = n;
      n = 0;
    }
  }
  return true;
}

const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const TWO_24 = 2 ** 24;

/**
 * The RAW_CHARS_PER_NUMBER (12) hex digits of a packed number, from its two 24-bit halves:
 * a double's own toString(16) is several times slower.
 */
function hex12(n: number): string {
  const hi = Math.floor(n / TWO_24);
  const lo = n - hi * TWO_24;
  return (
    BYTE_HEX[hi >>> 16]! +
    BYTE_HEX[(hi >>> 8) & 255]! +
    BYTE_HEX[hi & 255]! +
    BYTE_HEX[lo >>> 16]! +
    BYTE_HEX[(lo >>> 8) & 255]! +
    BYTE_HEX[lo & 255]!
  );
}

function unpackRaw(row: readonly number[], start: number, rawChars: number): string {
  let raw = '';
  for (let done = 0, index = start; done < rawChars; done += RAW_CHARS_PER_NUMBER, index++) {
    const digits = Math.min(RAW_CHARS_PER_NUMBER, rawChars - done);
    const chunk = hex12(row[index]!);
    raw += digits === RAW_CHARS_PER_NUMBER ? chunk : chunk.slice(RAW_CHARS_PER_NUMBER - digits);
  }
  return raw;
}

function sampleAt(deviceId: string, device: DeviceValues, at: number): Sample | undefined {
  const { row } = device;
  const slot = device.layout.slots[at]!;
  const o = slot.offset;
  const flags = row[o + FLAGS]!;
  if (!(flags & HELD)) return undefined;
  return {
    deviceId,
    point: slot.name,
    slave: slot.slave,
    address: slot.address,
    value: flags & VALUE_NULL ? null : row[o + VALUE]!,
    text: device.texts?.get(at) ?? null,
    raw: flags & RAW_AS_TEXT ? device.raws!.get(at)! : unpackRaw(row, o + RAW, slot.rawChars),
    ts: row[o + TS]!,
    quality: QUALITIES[flags >>> QUALITY_SHIFT]!,
  };
}
