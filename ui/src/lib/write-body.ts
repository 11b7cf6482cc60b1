// The body of POST /api/devices/:id/write from the write form's text: coils as 1/0,
// true/false or on/off; registers as 0–65535 (decimal or 0x hex). Null when invalid.

export type WriteFn = 5 | 6 | 15 | 16;

export type WriteBody =
  | { slave: number; fn: 5; address: number; value: boolean }
  | { slave: number; fn: 6; address: number; value: number }
  | { slave: number; fn: 15; address: number; values: boolean[] }
  | { slave: number; fn: 16; address: number; values: number[] };

const MAX_REGISTERS = 123;
const MAX_COILS = 1968;

export function writeBody(fn: WriteFn, slave: number, address: number, text: string): WriteBody | null {
  if (
    !Number.isInteger(slave) ||
    slave < 0 ||
    slave > 247 ||
    !Number.isInteger(address) ||
    address < 0 ||
    address > 65535
  )
    return null;
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) return null;
  if (fn === 5 || fn === 15) {
    const bits = parts.map((p) => (/^(1|true|on)$/i.test(p) ? true : /^(0|false|off)$/i.test(p) ? false : null));
    if (bits.some((b) => b === null)) return null;
    const values = bits as boolean[];
    if (fn === 5) return values.length === 1 ? { slave, fn, address, value: values[0]! } : null;
    return values.length <= MAX_COILS ? { slave, fn, address, values } : null;
  }
  const words = parts.map((p) => (/^(0x[0-9a-f]+|\d+)$/i.test(p) ? Number(p) : NaN));
  if (words.some((w) => !Number.isInteger(w) || w < 0 || w > 65535)) return null;
  if (fn === 6) return words.length === 1 ? { slave, fn, address, value: words[0]! } : null;
  return words.length <= MAX_REGISTERS ? { slave, fn, address, values: words } : null;
}
