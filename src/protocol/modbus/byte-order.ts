// Moving a value's bytes between wire order and big-endian order. The names follow the
// `ByteOrder` type: where the bytes A B C D of the big-endian value land on the wire.
// The same two operations scale to any even width:
//   CDAB  reverses the order of the 16-bit words,
//   BADC  swaps the two bytes inside each word,
//   DCBA  does both (fully little endian).
// For a single register CDAB is therefore the same as ABCD and DCBA the same as BADC.

import type { ByteOrder } from '../../domain/point.js';

/** Widths in bytes that numeric types use. */
export type ValueWidth = 2 | 4 | 8;

/** `PERMUTATION[order][width][i]` = big-endian index of wire byte `i`. */
const PERMUTATION: Readonly<Record<ByteOrder, Readonly<Record<ValueWidth, Uint8Array>>>> = {
  ABCD: tables(false, false),
  CDAB: tables(true, false),
  BADC: tables(false, true),
  DCBA: tables(true, true),
};

function tables(reverseWords: boolean, swapBytes: boolean): Record<ValueWidth, Uint8Array> {
  const build = (width: number): Uint8Array => {
    const words = width / 2;
    const map = new Uint8Array(width);
    for (let i = 0; i < width; i++) {
      const word = i >>> 1;
      const byte = i & 1;
      map[i] = (reverseWords ? words - 1 - word : word) * 2 + (swapBytes ? 1 - byte : byte);
    }
    return map;
  };
  return { 2: build(2), 4: build(4), 8: build(8) };
}

// One scratch area for every conversion: decoding is synchronous, so it is never shared
// between two values at once, and the hot path allocates nothing.
const scratch = new ArrayBuffer(8);
/** Big-endian bytes of the value being converted. */
export const scratchBytes = new Uint8Array(scratch);
export const scratchView = new DataView(scratch);

/** Copies `width` wire bytes from `buf[at]` into `scratchBytes` in big-endian order. */
export function gatherBigEndian(buf: Uint8Array, at: number, width: ValueWidth, order: ByteOrder): void {
  const map = PERMUTATION[order][width];
  for (let i = 0; i < width; i++) scratchBytes[map[i]!] = buf[at + i]!;
}

/** `result[k]` = wire index (from the value's first byte) of big-endian byte `k`. */
export function wireIndexes(width: ValueWidth, order: ByteOrder): readonly number[] {
  const map = PERMUTATION[order][width];
  const out = new Array<number>(width);
  for (let i = 0; i < width; i++) out[map[i]!] = i;
  return out;
}

/** The inverse: register words (wire order) for the big-endian bytes in `scratchBytes`. */
export function scatterToRegisters(width: ValueWidth, order: ByteOrder): number[] {
  const map = PERMUTATION[order][width];
  const words: number[] = [];
  for (let i = 0; i < width; i += 2) {
    words.push((scratchBytes[map[i]!]! << 8) | scratchBytes[map[i + 1]!]!);
  }
  return words;
}
