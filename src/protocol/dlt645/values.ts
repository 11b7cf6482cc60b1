// An answer's data bytes → the value of a catalogued identifier. Every way it can be
// wrong is a typed reason, never a number: a meter that does not have the value sends
// FF… (not BCD), and a short answer is not padded into a small one.

import { decodeBcd } from './bcd.js';
import type { Dlt645Identifier } from './identifiers.js';

export type Dlt645ValueResult =
  | { readonly ok: true; readonly value: number | string }
  | {
      readonly ok: false;
      /** 'length': not the identifier's byte count; 'bcd': a nibble above 9; 'range': a date or time field out of range. */
      readonly reason: 'length' | 'bcd' | 'range';
    };

const BCD_ERROR: Dlt645ValueResult = Object.freeze({ ok: false, reason: 'bcd' });
const RANGE_ERROR: Dlt645ValueResult = Object.freeze({ ok: false, reason: 'range' });

export function decodeValue(identifier: Dlt645Identifier, data: Uint8Array): Dlt645ValueResult {
  if (data.length !== identifier.length) return { ok: false, reason: 'length' };
  if (identifier.kind === 'number') {
    const result = decodeBcd(data, 0, data.length, identifier);
    return result.ok ? { ok: true, value: result.value } : BCD_ERROR;
  }
  const fields = bcdBytes(data);
  if (!fields) return BCD_ERROR;
  if (identifier.kind === 'date') {
    // WW DD MM YY on the wire (low byte first).
    const [weekday, day, month, year] = fields as [number, number, number, number];
    if (weekday > 6 || month < 1 || month > 12 || day < 1 || day > 31) return RANGE_ERROR;
    return { ok: true, value: `20${pad(year)}-${pad(month)}-${pad(day)}` };
  }
  const [second, minute, hour] = fields as [number, number, number];
  if (hour > 23 || minute > 59 || second > 59) return RANGE_ERROR;
  return { ok: true, value: `${pad(hour)}:${pad(minute)}:${pad(second)}` };
}

/** Each byte as a number 0..99, or null when one is not BCD. */
function bcdBytes(data: Uint8Array): number[] | null {
  const out: number[] = [];
  for (const byte of data) {
    if (byte >> 4 > 9 || (byte & 0x0f) > 9) return null;
    out.push((byte >> 4) * 10 + (byte & 0x0f));
  }
  return out;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
