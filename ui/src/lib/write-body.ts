// The body of POST /api/devices/:id/write from the write form's text: coils as 1/0,
// true/false or on/off; registers as 0–65535 (decimal or 0x hex). When the text cannot be
// a write, the first wrong field and why, for a message in the operator's language.

export type WriteFn = 5 | 6 | 15 | 16;

export type WriteBody =
  | { slave: number; fn: 5; address: number; value: boolean }
  | { slave: number; fn: 6; address: number; value: number }
  | { slave: number; fn: 15; address: number; values: boolean[] }
  | { slave: number; fn: 16; address: number; values: number[] };

/** Keys of `write.problem` in the UI messages; `word` is the value that is wrong. */
export type WriteProblem =
  | { problem: 'slave' | 'address' | 'empty' }
  | { problem: 'coil' | 'register'; word: string }
  | { problem: 'one'; fn: 5 | 6; many: 15 | 16 }
  | { problem: 'tooMany'; max: number };

const MAX_REGISTERS = 123;
const MAX_COILS = 1968;

const isWhole = (n: number, max: number) => Number.isInteger(n) && n >= 0 && n <= max;

export function writeBody(fn: WriteFn, slave: number, address: number, text: string): WriteBody | WriteProblem {
  if (!isWhole(slave, 247)) return { problem: 'slave' };
  if (!isWhole(address, 65535)) return { problem: 'address' };
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) return { problem: 'empty' };
  if (fn === 5 || fn === 15) {
    const bits = parts.map((p) => (/^(1|true|on)$/i.test(p) ? true : /^(0|false|off)$/i.test(p) ? false : null));
    const wrong = bits.indexOf(null);
    if (wrong >= 0) return { problem: 'coil', word: parts[wrong]! };
    const values = bits as boolean[];
    if (fn === 5)
      return values.length === 1 ? { slave, fn, address, value: values[0]! } : { problem: 'one', fn, many: 15 };
    return values.length <= MAX_COILS ? { slave, fn, address, values } : { problem: 'tooMany', max: MAX_COILS };
  }
  const words = parts.map((p) => (/^(0x[0-9a-f]+|\d+)$/i.test(p) ? Number(p) : NaN));
  const wrong = words.findIndex((w) => !isWhole(w, 65535));
  if (wrong >= 0) return { problem: 'register', word: parts[wrong]! };
  if (fn === 6) return words.length === 1 ? { slave, fn, address, value: words[0]! } : { problem: 'one', fn, many: 16 };
  return words.length <= MAX_REGISTERS
    ? { slave, fn, address, values: words }
    : { problem: 'tooMany', max: MAX_REGISTERS };
}

export function isProblem(result: WriteBody | WriteProblem): result is WriteProblem {
  return 'problem' in result;
}
