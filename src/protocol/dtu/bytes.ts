// Small byte-pattern helpers for the DTU stream parsers. Plain loops: patterns are a few
// bytes long and these run on every chunk, so no allocation.

/** True when `buf[at, at + pattern.length)` equals `pattern` (and lies before `end`). */
export function matchesAt(buf: Uint8Array, at: number, end: number, pattern: Uint8Array): boolean {
  if (at + pattern.length > end) return false;
  for (let i = 0; i < pattern.length; i++) if (buf[at + i] !== pattern[i]) return false;
  return true;
}

/** True when the bytes `buf[at, end)` are a proper, non-empty prefix of `pattern`. */
export function isPartialMatch(buf: Uint8Array, at: number, end: number, pattern: Uint8Array): boolean {
  const n = end - at;
  if (n <= 0 || n >= pattern.length) return false;
  for (let i = 0; i < n; i++) if (buf[at + i] !== pattern[i]) return false;
  return true;
}

/** First index ≥ from where `pattern` starts inside `buf[from, end)`, or -1. */
export function indexOfPattern(buf: Uint8Array, from: number, end: number, pattern: Uint8Array): number {
  const last = end - pattern.length;
  const first = pattern[0];
  for (let i = from; i <= last; i++) {
    if (buf[i] === first && matchesAt(buf, i, end, pattern)) return i;
  }
  return -1;
}

/**
 * A byte a text registration ID may hold: printable ASCII without the space. IDs end up in
 * HTML, SQL, file names and spreadsheets; junk such as an HTTP request line has spaces.
 */
export function isIdByte(byte: number): boolean {
  return byte > 0x20 && byte <= 0x7e;
}

/**
 * Leftover bytes in a buffer of their own: a view would pin the whole socket chunk, and a
 * pooled copy (Buffer.from) the 8 KiB pool slab it lands in, for as long as the rest of
 * the frame takes to arrive, in each of 10,000 sessions.
 */
export function ownCopy(data: Buffer, from: number, to: number): Buffer {
  const out = Buffer.allocUnsafeSlow(to - from);
  data.copy(out, 0, from, to);
  return out;
}
