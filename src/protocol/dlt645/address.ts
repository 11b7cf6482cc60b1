// Meter addresses. An operator reads the 12-digit address off the meter's nameplate (most
// significant digit first); on the wire it is 6 BCD bytes, least significant byte first.
// The standard also uses two all-same-byte addresses that are not BCD: AA… (2007: "any
// meter", answered by the one meter on the bus with its own address) and 99… (broadcast,
// no answer, e.g. time sync).

export type AddressParse =
  | { readonly ok: true; readonly address: string; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly reason: 'length' | 'digits' };

/** Reads every meter on the bus; 2007 "read communication address" goes here. */
export const WILDCARD_ADDRESS = 'AAAAAAAAAAAA';
/** Every meter listens, none answers. */
export const BROADCAST_ADDRESS = '999999999999';

/**
 * The address as configured: 12 decimal digits, or the wildcard. A shorter number is
 * padded with leading zeros, as the standard pads short addresses.
 */
export function parseMeterAddress(text: string): AddressParse {
  const trimmed = text.trim().toUpperCase();
  if (trimmed === WILDCARD_ADDRESS) return { ok: true, address: trimmed, bytes: addressBytes(trimmed) };
  if (trimmed.length === 0 || trimmed.length > 12) return { ok: false, reason: 'length' };
  if (!/^[0-9]+$/.test(trimmed)) return { ok: false, reason: 'digits' };
  const address = trimmed.padStart(12, '0');
  return { ok: true, address, bytes: addressBytes(address) };
}

/** 12 hex digits as printed (high byte first) → the 6 bytes as sent (low byte first). */
function addressBytes(address: string): Uint8Array {
  const bytes = new Uint8Array(6);
  for (let i = 0; i < 6; i++) bytes[5 - i] = Number.parseInt(address.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** The 6 address bytes at `buf[start]` (wire order) as printed on the nameplate. */
export function formatAddress(buf: Uint8Array, start = 0): string {
  let out = '';
  for (let i = 5; i >= 0; i--) out += buf[start + i]!.toString(16).padStart(2, '0');
  return out.toUpperCase();
}
