// Lenient readers over the parsed YAML. The schema has already reported wrong types, so a
// reader that meets one just answers "absent": compilation carries on and the remaining
// cross-field checks still run, giving the user every problem in one pass.

export type RawMap = Readonly<Record<string, unknown>>;

export function asMap(value: unknown): RawMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RawMap) : {};
}

export function isRawMap(value: unknown): value is RawMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function has(map: RawMap, key: string): boolean {
  return map[key] !== undefined && map[key] !== null;
}

export function str(map: RawMap, key: string): string | undefined {
  const v = map[key];
  return typeof v === 'string' ? v : undefined;
}

export function int(map: RawMap, key: string): number | undefined {
  const v = map[key];
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}

/** An integer within [min, max], else undefined (the schema reported it). */
export function intIn(map: RawMap, key: string, min: number, max: number): number | undefined {
  const v = int(map, key);
  return v !== undefined && v >= min && v <= max ? v : undefined;
}

export function num(map: RawMap, key: string): number | undefined {
  const v = map[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function bool(map: RawMap, key: string): boolean | undefined {
  const v = map[key];
  return typeof v === 'boolean' ? v : undefined;
}

/** A value from a fixed set of strings (or numbers), else undefined. */
export function oneOf<T extends string | number>(map: RawMap, key: string, allowed: readonly T[]): T | undefined {
  const v = map[key];
  return (allowed as readonly unknown[]).includes(v) ? (v as T) : undefined;
}

/** A string, or a number written without quotes (a numeric password), else null. */
export function text(m: RawMap, key: string): string | null {
  const v = m[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}
