// A write by point name in engineering units → the Modbus write that stores it. The point's
// scale and offset are inverted, its data type and byte order encoded (value-encoding.ts,
// the inverse of what polling decodes), and the value checked against the point's write
// limits (`min`/`max` in points.yml) and what the type can hold. The registers are decoded
// again to say what the device will hold: 55.55 °C at scale 0.1 stores 556, read as 55.6.
import type { PointDef } from '../../domain/point.js';
import { decodePoint } from './values.js';
import { encodePointValue } from './value-encoding.js';
import type { WriteCommand } from './write-command.js';

/** Why a point cannot be written by name (a raw register write may still reach it). */
/** `meter`: a DL/T 645 meter point; a meter takes a write only with its password and operator code. */
export type NotWritable = 'read-only' | 'register-bit' | 'text' | 'meter';

export type PointWriteProblem =
  | { readonly problem: 'not-writable'; readonly reason: NotWritable; readonly message: string }
  | { readonly problem: 'not-a-number' | 'type-range'; readonly message: string }
  | { readonly problem: 'below-min' | 'above-max'; readonly limit: number; readonly message: string };

export interface PointWritePlan {
  readonly command: WriteCommand;
  /** The words (or 0/1 for a coil) in wire order, as the confirm dialog shows them. */
  readonly registers: readonly number[];
  /** The engineering value the device will hold, after rounding to what the type stores. */
  readonly stored: number;
}

/** Null when the point can be written by name; else why not. */
export function notWritable(point: PointDef): NotWritable | null {
  if (point.identifier) return 'meter';
  if (point.fn === 1) return null; // a coil: function 05
  if (point.fn !== 3) return 'read-only'; // discrete inputs and input registers
  if (point.type === 'bool') return 'register-bit'; // would overwrite the other 15 bits
  if (point.type === 'string') return 'text';
  return null;
}

const NOT_WRITABLE_TEXT: Record<NotWritable, string> = {
  'read-only': 'is read with function 2 or 4 (read-only)',
  'register-bit': 'is one bit of a register; write the register instead',
  text: 'holds text; write its registers instead',
  meter:
    'is read from a DL/T 645 meter: a meter accepts a write only with its password and operator code, ' +
    'and dtuhub reads meters only',
};

export function planPointWrite(point: PointDef, value: number | boolean): PointWritePlan | PointWriteProblem {
  const reason = notWritable(point);
  const label = `point ${point.name}`;
  if (reason) return { problem: 'not-writable', reason, message: `${label} ${NOT_WRITABLE_TEXT[reason]}` };
  const { slave, address } = point;
  if (point.fn === 1) {
    if (typeof value !== 'boolean' && value !== 0 && value !== 1)
      return { problem: 'not-a-number', message: `${label} is a coil: write true/false or 1/0` };
    const on = value === true || value === 1;
    return { command: { fn: 5, slave, address, value: on }, registers: [on ? 1 : 0], stored: on ? 1 : 0 };
  }
  if (typeof value !== 'number' || !Number.isFinite(value))
    return { problem: 'not-a-number', message: `${label} needs a finite number` };
  const unit = point.unit ? ` ${point.unit}` : '';
  if (point.min !== undefined && value < point.min)
    return {
      problem: 'below-min',
      limit: point.min,
      message: `${value}${unit} is below the minimum ${point.min}${unit}`,
    };
  if (point.max !== undefined && value > point.max)
    return {
      problem: 'above-max',
      limit: point.max,
      message: `${value}${unit} is above the maximum ${point.max}${unit}`,
    };
  let registers: number[];
  try {
    registers = encodePointValue(point, value);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { problem: 'type-range', message: `${value}${unit} cannot be stored: ${why}` };
  }
  const command: WriteCommand =
    registers.length === 1
      ? { fn: 6, slave, address, value: registers[0]! }
      : { fn: 16, slave, address, values: registers };
  // Rounding to what the type holds can step past a limit (max 55.55 at scale 0.1 stores 55.6).
  const stored = storedValue(point, registers);
  if (point.min !== undefined && stored < point.min)
    return {
      problem: 'below-min',
      limit: point.min,
      message: `${value}${unit} would be stored as ${stored}${unit}, below the minimum ${point.min}${unit}`,
    };
  if (point.max !== undefined && stored > point.max)
    return {
      problem: 'above-max',
      limit: point.max,
      message: `${value}${unit} would be stored as ${stored}${unit}, above the maximum ${point.max}${unit}`,
    };
  return { command, registers, stored };
}

export function isWriteProblem(plan: PointWritePlan | PointWriteProblem): plan is PointWriteProblem {
  return 'problem' in plan;
}

/** What polling will read from these words: the decoder itself, so the two never disagree. */
function storedValue(point: PointDef, registers: readonly number[]): number {
  const bytes = new Uint8Array(registers.length * 2);
  registers.forEach((word, i) => {
    bytes[2 * i] = word >>> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  return decodePoint(point, bytes, 0, point.address).value ?? Number.NaN;
}
