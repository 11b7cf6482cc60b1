// A tag's value between the PLC and engineering units. Reading: what nodes7 decoded (a
// number, a boolean, a string) → the value the tag's type means (a sint's sign, which
// nodes7 does not know). Writing: a value in the tag's unit → scale and offset removed,
// checked against the tag's write limits and what its type holds → the value nodes7 sends,
// and what polling will read back from it. Pure.
import type { S7Tag, S7Type } from '../../domain/s7.js';
import type { PointWriteProblem } from '../modbus/point-write.js';
import { removeScale, scalerFor } from '../modbus/scaling.js';
import { formatS7Address } from './address.js';

/** Ranges of the integer types. */
const INTEGER_RANGE: Partial<Record<S7Type, readonly [number, number]>> = {
  byte: [0, 0xff],
  usint: [0, 0xff],
  sint: [-0x80, 0x7f],
  word: [0, 0xffff],
  uint: [0, 0xffff],
  int: [-0x8000, 0x7fff],
  dword: [0, 0xffffffff],
  udint: [0, 0xffffffff],
  dint: [-0x80000000, 0x7fffffff],
};

/** Largest finite REAL (IEEE 754 single precision). */
const REAL_MAX = 3.4028234663852886e38;

/** A value nodes7 read for a tag, as the tag's type means it; null when it is not one (a bad read). */
export function fromPlc(type: S7Type, value: unknown): number | boolean | string | null {
  switch (type) {
    case 'bool':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'sint':
      // nodes7 reads a byte unsigned.
      return typeof value === 'number' && Number.isInteger(value) ? (value > 0x7f ? value - 0x100 : value) : null;
    default:
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
  }
}

/** What a write by name sends: the value in the tag's type, and the engineering value polling will read from it. */
export interface S7WritePlan {
  /** The value nodes7 writes (a sint as its unsigned byte, as nodes7 writes bytes). */
  readonly plc: number | boolean;
  /** The value in the tag's type, signed where the type is (what the confirm dialog shows). */
  readonly raw: number | boolean;
  readonly stored: number;
}

/** Null when the tag may be written by name; else why not. */
export function s7NotWritable(tag: S7Tag): 'read-only' | 'text' | null {
  if (!tag.writable) return 'read-only';
  if (tag.type === 'string') return 'text';
  return null;
}

export function planS7Write(tag: S7Tag, value: number | boolean): S7WritePlan | PointWriteProblem {
  const label = `tag ${tag.name} (${formatS7Address(tag.address)})`;
  const reason = s7NotWritable(tag);
  if (reason === 'read-only')
    return {
      problem: 'not-writable',
      reason,
      message: `${label} is read-only (set writable: true on the tag; inputs never are)`,
    };
  if (reason === 'text') return { problem: 'not-writable', reason, message: `${label} holds text` };
  if (tag.type === 'bool') {
    if (typeof value !== 'boolean' && value !== 0 && value !== 1)
      return { problem: 'not-a-number', message: `${label} is a bit: write true/false or 1/0` };
    const on = value === true || value === 1;
    return { plc: on, raw: on, stored: on ? 1 : 0 };
  }
  if (typeof value !== 'number' || !Number.isFinite(value))
    return { problem: 'not-a-number', message: `${label} needs a finite number` };
  const unit = tag.unit ? ` ${tag.unit}` : '';
  const limit = checkLimits(tag, value, `${value}${unit} is`, unit);
  if (limit) return limit;
  let raw: number;
  try {
    raw = removeScale(tag, value);
  } catch (err) {
    return { problem: 'type-range', message: `${value}${unit} cannot be stored: ${(err as Error).message}` };
  }
  const range = INTEGER_RANGE[tag.type];
  if (range) {
    raw = Math.round(raw);
    if (raw < range[0] || raw > range[1])
      return {
        problem: 'type-range',
        message: `${value}${unit} cannot be stored: ${tag.type} holds ${range[0]} to ${range[1]}, not ${raw}`,
      };
  } else {
    if (Math.abs(raw) > REAL_MAX)
      return { problem: 'type-range', message: `${value}${unit} cannot be stored: beyond what a real holds` };
    raw = Math.fround(raw);
  }
  // Rounding to what the type holds can step past a limit (max 55.55 at scale 0.1 stores 55.6).
  const stored = scalerFor(tag, range !== undefined)(raw);
  const past = checkLimits(tag, stored, `${value}${unit} would be stored as ${stored}${unit},`, unit);
  if (past) return past;
  return { plc: tag.type === 'sint' && raw < 0 ? raw + 0x100 : raw, raw, stored };
}

function checkLimits(tag: S7Tag, value: number, what: string, unit: string): PointWriteProblem | null {
  if (tag.min !== undefined && value < tag.min)
    return { problem: 'below-min', limit: tag.min, message: `${what} below the minimum ${tag.min}${unit}` };
  if (tag.max !== undefined && value > tag.max)
    return { problem: 'above-max', limit: tag.max, message: `${what} above the maximum ${tag.max}${unit}` };
  return null;
}
