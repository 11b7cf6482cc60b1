// Pure: whether a point rule's condition holds for a value. `enters` is the strict test
// that makes an inactive rule fire; `stays` is the looser one (hysteresis) that keeps an
// active rule active, so a value hovering at the limit does not fire and recover on
// every sample.
import type { Condition } from '../../domain/rules.js';

export function enters(c: Condition, v: number): boolean {
  switch (c.kind) {
    case 'compare':
      switch (c.op) {
        case '>':
          return v > c.value;
        case '>=':
          return v >= c.value;
        case '<':
          return v < c.value;
        case '<=':
          return v <= c.value;
        case '==':
          return v === c.value;
        case '!=':
          return v !== c.value;
      }
      return false;
    case 'between':
      return v >= c.low && v <= c.high;
    case 'outside':
      return v < c.low || v > c.high;
    case 'bit':
      return bitOf(v, c.bit) === c.set;
    default:
      return false;
  }
}

/** Still active with hysteresis `h`: the value must come back past the limit by more than h. */
export function stays(c: Condition, v: number, h: number): boolean {
  if (h === 0) return enters(c, v);
  switch (c.kind) {
    case 'compare':
      switch (c.op) {
        case '>':
          return v > c.value - h;
        case '>=':
          return v >= c.value - h;
        case '<':
          return v < c.value + h;
        case '<=':
          return v <= c.value + h;
        case '==':
          return Math.abs(v - c.value) <= h;
        case '!=':
          return Math.abs(v - c.value) > h;
      }
      return false;
    case 'between':
      return v >= c.low - h && v <= c.high + h;
    case 'outside':
      return v < c.low + h || v > c.high - h;
    default:
      return enters(c, v);
  }
}

/** Bit `bit` of the integer part of v (bits above 31 too, without 32-bit wrap-around). */
export function bitOf(v: number, bit: number): boolean {
  if (!Number.isFinite(v)) return false;
  // A negative value comes from a signed register (an int16 status word): its bits are its
  // two's complement, which BigInt's shift keeps (the sign extends to the higher bits).
  return ((BigInt(Math.trunc(v)) >> BigInt(bit)) & 1n) === 1n;
}

/** The condition as text for event payloads and logs: `> 30`, `between 10 and 20`. */
export function describeCondition(c: Condition): string {
  switch (c.kind) {
    case 'compare':
      return `${c.op} ${c.value}`;
    case 'between':
    case 'outside':
      return `${c.kind} ${c.low} and ${c.high}`;
    case 'change':
      return `changeBy ${c.by}`;
    case 'bit':
      return `bit ${c.bit} ${c.set ? 'set' : 'cleared'}`;
    case 'noData':
      return `noDataFor ${durationText(c.forMs)}`;
  }
}

/** 300000 → `5m`, 1500 → `1500ms`. */
export function durationText(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
