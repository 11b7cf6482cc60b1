// A tag's value type ↔ device words. 32-bit values span two consecutive words, low word
// first: that is how MELSEC's double-word instructions (DMOV, DADD, EMOV) keep them.
import type { McValueType } from '../../domain/mc.js';

/** Words (word devices) or bits (bit devices) a value of the type occupies. */
export function valueSize(type: McValueType): number {
  return type === 'int32' || type === 'uint32' || type === 'float32' ? 2 : 1;
}

const scratch = new DataView(new ArrayBuffer(4));

/** The value of `type` held by `words` from `at` (bits: 0 or 1 each). */
export function decodeValue(type: McValueType, words: readonly number[], at: number): number {
  const lo = words[at]! & 0xffff;
  switch (type) {
    case 'bit':
      return lo ? 1 : 0;
    case 'uint16':
      return lo;
    case 'int16':
      return (lo << 16) >> 16;
    default: {
      const hi = words[at + 1]! & 0xffff;
      scratch.setUint16(0, hi);
      scratch.setUint16(2, lo);
      if (type === 'int32') return scratch.getInt32(0);
      if (type === 'uint32') return scratch.getUint32(0);
      return scratch.getFloat32(0);
    }
  }
}

/** The device words as lowercase hex, word by word (the stored raw value). */
export function rawHex(type: McValueType, words: readonly number[], at: number): string {
  if (type === 'bit') return words[at] ? '01' : '00';
  let out = '';
  for (let i = 0; i < valueSize(type); i++) out += (words[at + i]! & 0xffff).toString(16).padStart(4, '0');
  return out;
}

export interface TypeRange {
  readonly min: number;
  readonly max: number;
  /** false: the stored value is rounded to a whole number. */
  readonly fractional: boolean;
}

export const TYPE_RANGES: Readonly<Record<McValueType, TypeRange>> = {
  bit: { min: 0, max: 1, fractional: false },
  int16: { min: -32768, max: 32767, fractional: false },
  uint16: { min: 0, max: 65535, fractional: false },
  int32: { min: -2147483648, max: 2147483647, fractional: false },
  uint32: { min: 0, max: 4294967295, fractional: false },
  float32: { min: -3.4028234663852886e38, max: 3.4028234663852886e38, fractional: true },
};

export type EncodedValue =
  | { readonly ok: true; readonly words: number[]; readonly stored: number }
  | { readonly ok: false; readonly problem: string };

/**
 * A raw (unscaled) value → the words that hold it, with what the PLC will then hold
 * (rounded to a whole number, or to the nearest float32); refused outside the type's range.
 */
export function encodeValue(type: McValueType, raw: number): EncodedValue {
  if (!Number.isFinite(raw)) return { ok: false, problem: 'not a finite number' };
  const range = TYPE_RANGES[type];
  const stored = range.fractional ? Math.fround(raw) : Math.round(raw);
  if (stored < range.min || stored > range.max || !Number.isFinite(stored))
    return { ok: false, problem: `${raw} does not fit ${type} (${range.min} to ${range.max})` };
  if (valueSize(type) === 1) return { ok: true, words: [stored & 0xffff], stored };
  if (type === 'float32') scratch.setFloat32(0, stored);
  else scratch.setUint32(0, stored >>> 0);
  return { ok: true, words: [scratch.getUint16(2), scratch.getUint16(0)], stored };
}
