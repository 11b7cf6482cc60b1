// Packed BCD as DL/T 645 carries values: two digits a byte, least significant byte first
// (after the 0x33 is off). Where the standard says so the top bit of the most significant
// byte is the sign (1 = negative), leaving 3 bits for the top digit. A nibble above 9 is
// never read as a digit: meters answer FF… for a value they do not have, and noise that
// passes the checksum must not become a plausible number.

export type BcdResult =
  | { readonly ok: true; readonly value: number }
  /** `index` is the offending byte, counted from the start of the value. */
  | { readonly ok: false; readonly reason: 'bcd'; readonly index: number };

export interface BcdFormat {
  /** Digits after the decimal point (XXX.X has 1). */
  readonly decimals: number;
  /** Top bit of the most significant byte is the sign. */
  readonly signed: boolean;
}

/** The BCD number in `data[offset, offset + length)`. */
export function decodeBcd(data: Uint8Array, offset: number, length: number, format: BcdFormat): BcdResult {
  let integer = 0;
  let negative = false;
  for (let i = length - 1; i >= 0; i--) {
    let byte = data[offset + i]!;
    if (i === length - 1 && format.signed) {
      negative = (byte & 0x80) !== 0;
      byte &= 0x7f;
    }
    const high = byte >> 4;
    const low = byte & 0x0f;
    if (high > 9 || low > 9) return { ok: false, reason: 'bcd', index: i };
    integer = integer * 100 + high * 10 + low;
  }
  // Divided once at the end: 12345678 / 100 is the nearest double to 123456.78.
  const magnitude = format.decimals === 0 ? integer : integer / 10 ** format.decimals;
  return { ok: true, value: negative && magnitude !== 0 ? -magnitude : magnitude };
}

/**
 * `integer` (the value times 10^decimals) as `length` BCD bytes, low byte first. Throws
 * RangeError when it does not fit: callers scale and range-check first.
 */
export function encodeBcd(integer: number, length: number, signed: boolean): Uint8Array {
  if (!Number.isSafeInteger(integer)) throw new RangeError(`BCD needs an integer, got ${String(integer)}`);
  const negative = integer < 0;
  if (negative && !signed) throw new RangeError('a negative value needs a signed BCD format');
  let rest = Math.abs(integer);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const pair = rest % 100;
    out[i] = ((pair / 10) << 4) | (pair % 10);
    rest = Math.floor(rest / 100);
  }
  const top = out[length - 1] ?? 0;
  if (rest !== 0 || (signed && top >= 0x80)) {
    throw new RangeError(`${String(integer)} does not fit ${length} BCD bytes${signed ? ' with a sign' : ''}`);
  }
  if (negative) out[length - 1] = top | 0x80;
  return out;
}

/** One byte 00..99 as BCD. */
export function toBcdByte(n: number): number {
  return (Math.floor(n / 10) << 4) | (n % 10);
}
