// A value from a JSON document or an OPC UA variable → the fields of a stored sample, with
// the point's scale, offset and decimals applied the way register values get them.
import type { MappedPoint } from '../domain/channels.js';
import type { Sample } from '../domain/point.js';
import { scalerFor, type Scaler } from '../protocol/modbus/scaling.js';

export interface MappedReading {
  /** Numeric value after scaling; booleans as 1/0; null for text. */
  readonly value: number | null;
  readonly text: string | null;
  /** The value as received, as JSON text (what `raw` is for registers: the unscaled source). */
  readonly raw: string;
}

/** Why a value was not stored. */
export type Unmappable = 'missing' | 'not-a-value';

/**
 * Column limits: raw_value holds the UTF-8 bytes of the raw text, VARBINARY(4096) since
 * migration 006, so 1,024 characters fit at 4 bytes each; text_value is TEXT (64 KiB, 4-byte
 * UTF-8 worst case).
 */
const MAX_RAW_CHARS = 1024;
const MAX_TEXT_CHARS = 16_000;

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

export interface ValueMapper {
  readonly point: MappedPoint;
  map(input: unknown): MappedReading | Unmappable;
}

/** Compiled once per point: numbers are scaled, numeric text is read as a number, other text kept as text. */
export function valueMapper(point: MappedPoint): ValueMapper {
  const integral = scalerFor(point, true);
  const fractional = scalerFor(point, false);
  const scale = (n: number): Scaler => (Number.isInteger(n) ? integral : fractional);
  return {
    point,
    map(input) {
      if (input === undefined || input === null) return 'missing';
      switch (typeof input) {
        case 'number':
          return Number.isFinite(input)
            ? { value: scale(input)(input), text: null, raw: JSON.stringify(input) }
            : 'not-a-value';
        case 'boolean':
          return { value: input ? 1 : 0, text: null, raw: JSON.stringify(input) };
        case 'bigint': {
          const n = Number(input);
          return Number.isFinite(n) ? { value: integral(n), text: null, raw: input.toString() } : 'not-a-value';
        }
        case 'string': {
          if (NUMERIC.test(input)) {
            const n = Number(input);
            if (Number.isFinite(n))
              return { value: scale(n)(n), text: null, raw: clip(JSON.stringify(input), MAX_RAW_CHARS) };
          }
          return { value: null, text: clip(input, MAX_TEXT_CHARS), raw: clip(JSON.stringify(input), MAX_RAW_CHARS) };
        }
        default:
          // Objects and arrays are not one value: map a path into them instead.
          return 'not-a-value';
      }
    },
  };
}

/**
 * A sample time from a payload: epoch milliseconds, epoch seconds (below 10^11, i.e. before
 * 1973 as ms), or ISO 8601 text. Null when absent or unreadable (the receive time is used).
 */
export function parseTimestamp(input: unknown): number | null {
  if (typeof input === 'number' && Number.isFinite(input) && input > 0)
    return Math.round(input < 1e11 ? input * 1000 : input);
  if (typeof input === 'string' && input.trim() !== '') {
    if (NUMERIC.test(input)) return parseTimestamp(Number(input));
    const ms = Date.parse(input);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

/** Cuts text to `max` UTF-16 units without splitting a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return text.slice(0, end);
}

/** The stored sample of a mapped point: channels have no slave or register address, and what they store is good. */
export function mappedSample(deviceId: string, point: string, reading: MappedReading, ts: number): Sample {
  return {
    deviceId,
    point,
    slave: 0,
    address: 0,
    value: reading.value,
    text: reading.text,
    raw: reading.raw,
    ts,
    quality: 'good',
  };
}
