// `value * scale + offset` and back. Binary doubles cannot hold most decimal fractions,
// so 253 * 0.1 gives 25.299999999999997; an integer register times a scale with d
// decimals has exactly d decimals, so rounding to d gives the literal the user expects.

const MAX_AUTO_DECIMALS = 12;
const POW10: readonly number[] = Array.from({ length: 23 }, (_, d) => 10 ** d);

interface Scaled {
  readonly scale: number;
  readonly offset: number;
  readonly decimals?: number;
}

/** A compiled `applyScale` for one point: the choices that depend only on the point are made once. */
export type Scaler = (raw: number) => number;

const identity: Scaler = (raw) => raw;

/**
 * Scales a raw register value. `integral` says the raw value is a whole number (integer
 * and BCD types), which makes rounding to the scale's decimals exact. Floats are only
 * trimmed of arithmetic noise (15 significant digits), never rounded to the scale.
 */
export function applyScale(point: Scaled, raw: number, integral: boolean): number {
  return scalerFor(point, integral)(raw);
}

/** `applyScale` for one point, compiled once: decoding runs it for every value of every poll. */
export function scalerFor(point: Scaled, integral: boolean): Scaler {
  const { scale, offset, decimals } = point;
  if (scale === 1 && offset === 0) return decimals === undefined ? identity : (raw) => roundTo(raw, decimals);
  if (decimals !== undefined) return (raw) => roundTo(raw * scale + offset, decimals);
  if (integral) {
    const places = Math.max(decimalPlaces(scale), decimalPlaces(offset));
    return places < 0 ? (raw) => raw * scale + offset : (raw) => roundTo(raw * scale + offset, places);
  }
  return (raw) => {
    const value = raw * scale + offset;
    return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(15));
  };
}

/**
 * The raw value that `applyScale` maps to `value` (before any rounding to an integer). The
 * quotient is trimmed to 15 significant digits: 55.55 / 0.1 is 555.4999999999999 in
 * doubles, and an operator who writes 55.55 expects it to round like 555.5, not down.
 */
export function removeScale(point: Scaled, value: number): number {
  if (point.scale === 0) throw new RangeError('a point with scale 0 cannot be written');
  if (point.scale === 1 && point.offset === 0) return value;
  const raw = (value - point.offset) / point.scale;
  return raw === 0 || !Number.isFinite(raw) ? raw : Number(raw.toPrecision(15));
}

/** Rounds half away from zero to `decimals` places; never returns -0. */
export function roundTo(value: number, decimals: number): number {
  const factor = POW10[decimals];
  if (factor === undefined || !Number.isFinite(value)) return value;
  // The 1 + ε nudge keeps 1.005 (stored as 1.00499999…) rounding up to 1.01 as written.
  const magnitude = Math.abs(value) * factor * (1 + Number.EPSILON);
  // Beyond 2^53 the value has no fractional digits left to round.
  if (magnitude >= Number.MAX_SAFE_INTEGER) return value;
  const rounded = Math.round(magnitude) / factor;
  return rounded === 0 ? 0 : value < 0 ? -rounded : rounded;
}

/** Decimals in the shortest decimal form of `x` (0.1 → 1, 0.25 → 2), or -1 past 12. */
function decimalPlaces(x: number): number {
  for (let d = 0; d <= MAX_AUTO_DECIMALS; d++) {
    const factor = POW10[d]!;
    if (Math.round(x * factor) / factor === x) return d;
  }
  return -1;
}
