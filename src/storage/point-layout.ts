// Where each point of a device sits in its row of numbers in the latest-value cache, and the
// per-point fields that never change between samples (name, slave, address). Devices that
// report the same points in the same order share one layout object, so 10,000 DTUs of one
// profile hold these fields once instead of once per device.
import type { Sample } from '../domain/point.js';

/**
 * Numbers per point in a device's row: receive time, value, flags, then the raw hex text
 * packed RAW_CHARS_PER_NUMBER digits to a number (48 bits: exact in a double).
 */
export const TS = 0;
export const VALUE = 1;
export const FLAGS = 2;
export const RAW = 3;
export const RAW_CHARS_PER_NUMBER = 12;
/** Longer raw text (long string points) is kept as a string instead of packed. */
const MAX_PACKED_RAW_CHARS = 8 * RAW_CHARS_PER_NUMBER;

export interface PointSlot {
  readonly name: string;
  readonly slave: number;
  readonly address: number;
  /** Index of the point's first number in the device row. */
  readonly offset: number;
  /** Hex digits of the raw text packed into the row; -1: the raw text is kept as a string. */
  readonly rawChars: number;
}

export class PointLayout {
  /** Point name → position in `slots` (= order first seen). */
  readonly index = new Map<string, number>();
  /** Numbers per device row. */
  readonly width: number;

  constructor(readonly slots: readonly PointSlot[]) {
    slots.forEach((slot, i) => this.index.set(slot.name, i));
    const last = slots[slots.length - 1];
    this.width = last ? last.offset + numbersFor(last.rawChars) : 0;
  }

  /** True when the sample's fixed fields are the ones this layout holds for its point. */
  fits(at: number, sample: Sample): boolean {
    const slot = this.slots[at]!;
    return slot.slave === sample.slave && slot.address === sample.address;
  }
}

function numbersFor(rawChars: number): number {
  return RAW + (rawChars > 0 ? Math.ceil(rawChars / RAW_CHARS_PER_NUMBER) : 0);
}

function isPackable(raw: string): boolean {
  if (raw.length > MAX_PACKED_RAW_CHARS) return false;
  for (let i = 0; i < raw.length; i++) if (hexDigit(raw.charCodeAt(i)) < 0) return false;
  return true;
}

/** Value of a lowercase hex digit, -1 for anything else (uppercase would not round-trip). */
export function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

function keyOf(slot: Pick<PointSlot, 'name' | 'slave' | 'address' | 'rawChars'>): string {
  return `${slot.name}\u0000${slot.slave}\u0000${slot.address}\u0000${slot.rawChars}`;
}

/** The layouts in use, one object per distinct point list. */
export class PointLayouts {
  private readonly bySignature = new Map<string, PointLayout>();
  readonly empty = this.intern([]);

  get size(): number {
    return this.bySignature.size;
  }

  /** `layout` with the samples' points appended (first sample of each point wins), in order. */
  grown(layout: PointLayout, samples: readonly Sample[]): PointLayout {
    const slots = [...layout.slots];
    let offset = layout.width;
    const added = new Set<string>();
    for (const sample of samples) {
      if (layout.index.has(sample.point) || added.has(sample.point)) continue;
      added.add(sample.point);
      const rawChars = isPackable(sample.raw) ? sample.raw.length : -1;
      slots.push({ name: sample.point, slave: sample.slave, address: sample.address, offset, rawChars });
      offset += numbersFor(rawChars);
    }
    return this.intern(slots);
  }

  /** `layout` with the fixed fields of point `at` taken from `sample` (its config changed). */
  refitted(layout: PointLayout, at: number, sample: Sample): PointLayout {
    const slots = [...layout.slots];
    slots[at] = { ...slots[at]!, slave: sample.slave, address: sample.address };
    return this.intern(slots);
  }

  private intern(slots: PointSlot[]): PointLayout {
    const signature = slots.map(keyOf).join('\u0001');
    let layout = this.bySignature.get(signature);
    if (!layout) {
      layout = new PointLayout(slots);
      this.bySignature.set(signature, layout);
    }
    return layout;
  }
}
