// Parsers for the human-friendly values in the YAML files: durations, sizes and byte
// strings. Each returns null for text it does not understand; callers report it.

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `"30s"`, `"500ms"`, `"2m"`, `"1h"`, `"7d"`, `"1m30s"`, or whole milliseconds → ms. */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!DURATION.test(text)) return null;
  let ms = 0;
  for (const match of text.matchAll(DURATION_PART)) ms += Number(match[1]) * UNIT_MS[match[2]!]!;
  return Math.round(ms);
}

export function isDuration(value: string): boolean {
  return parseDuration(value) !== null;
}

/** `"2 bytes"`, `"4 bytes"`, `"1 byte"` → bytes. */
export function parseByteSize(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^\s*(\d+)\s*bytes?\s*$/i.exec(value);
  return match ? Number(match[1]) : null;
}

export function isByteSize(value: string): boolean {
  return parseByteSize(value) !== null;
}

const DATA_SIZE = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?\s*$/i;
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** `"512MB"`, `"2GiB"`, `"10 GB"`, or whole bytes → bytes (KB = 1000, KiB = 1024). */
export function parseDataSize(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const match = DATA_SIZE.exec(value);
  if (!match) return null;
  const bytes = Number(match[1]) * SIZE_UNITS[(match[2] ?? 'b').toLowerCase()]!;
  return Number.isSafeInteger(Math.round(bytes)) ? Math.round(bytes) : null;
}

export function isDataSize(value: string): boolean {
  return parseDataSize(value) !== null;
}

/** `"fe01"`, `"FE 01"`, `"0xfe01"` → bytes; an odd number of digits is not a byte string. */
export function parseHex(value: string): Buffer | null {
  const digits = value.replace(/^0x/i, '').replace(/[\s:-]/g, '');
  if (digits.length === 0 || digits.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(digits)) return null;
  return Buffer.from(digits, 'hex');
}

export function isHex(value: string): boolean {
  return parseHex(value) !== null;
}

/** ASCII text → bytes; null when a character is outside 0..127. */
export function parseAscii(value: string): Buffer | null {
  if (value.length === 0) return null;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 127) return null;
  return Buffer.from(value, 'latin1');
}

export function isAscii(value: string): boolean {
  return parseAscii(value) !== null;
}

/** The regex's compile error, or null when it compiles. No flags: IDs are matched as written. */
export function regexError(source: string): string | null {
  try {
    new RegExp(source);
    return null;
  } catch (err) {
    return (err as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

export function compileRegex(source: string): RegExp {
  return new RegExp(source);
}

/** Number of capture groups in a (valid) regex. */
export function captureGroupCount(source: string): number {
  return new RegExp(`${source}|`).exec('')!.length - 1;
}
