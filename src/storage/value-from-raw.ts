// A stored sample's value read back from its raw register bytes (issue 16), so SQLite need
// not store the value beside them: for a float32 or a scaled integer the value column is an
// 8-byte double, more than the register bytes themselves.
//
// Each row names how its value comes back: `quality` carries a decoder id (bits 0–6, see
// raw-value.ts) and `value` is NULL. The id names one fixed decoding (type, byte order,
// decimal divisor) in the table below, never the point's configured codec, so a profile edited
// later cannot change what an old row reads back as, and no codec history is needed. The
// writer picks a decoder only when it gives back exactly the value it was handed (bit for bit,
// Object.is), so every read path returns the value as before. Pure, no IO.
//
// The ids are stored in rows: entries are only ever appended, never reordered or changed.

/** One decoding of register bytes to a number. */
interface Decoder {
  readonly bytes: number;
  readonly decode: (raw: Buffer) => number;
}

type Reader = (raw: Buffer) => number;

const DIVISORS = [1, 10, 100, 1000] as const;

/** The 4 orders of a 32-bit value's bytes A B C D as they come off the wire. */
const ORDERS_32: readonly (readonly [number, number, number, number])[] = [
  [0, 1, 2, 3], // ABCD
  [2, 3, 0, 1], // CDAB
  [1, 0, 3, 2], // BADC
  [3, 2, 1, 0], // DCBA
];

const scratch = Buffer.alloc(8);

function reordered(raw: Buffer, order: readonly number[]): Buffer {
  for (let i = 0; i < order.length; i++) scratch[i] = raw[order[i]!]!;
  return scratch;
}

/** An integer reading divided by 10^k: how the gateway scales integer registers (protocol/modbus/scaling.ts). */
function divided(read: Reader, divisor: number): Reader {
  return divisor === 1 ? read : (raw) => read(raw) / divisor;
}

function buildDecoders(): readonly (Decoder | null)[] {
  const table: (Decoder | null)[] = [null];
  const add = (bytes: number, decode: Reader) => table.push({ bytes, decode });
  // Id 1 costs SQLite no byte at all (quality = 1 is a constant in the record header): the
  // commonest scaled register, int16 × 0.1 (the example's temperature, voltage, frequency).
  add(2, (raw) => raw.readInt16BE(0) / 10);
  const int16: readonly Reader[] = [
    (raw) => raw.readInt16BE(0),
    (raw) => raw.readUInt16BE(0),
    (raw) => raw.readInt16LE(0),
    (raw) => raw.readUInt16LE(0),
  ];
  for (const divisor of DIVISORS) for (const read of int16) add(2, divided(read, divisor));
  for (const order of ORDERS_32) add(4, (raw) => reordered(raw, order).readFloatBE(0));
  const int32: readonly Reader[] = [(raw) => raw.readInt32BE(0), (raw) => raw.readUInt32BE(0)];
  for (const divisor of DIVISORS)
    for (const order of ORDERS_32)
      for (const read of int32)
        add(
          4,
          divided((raw) => read(reordered(raw, order)), divisor),
        );
  add(8, (raw) => raw.readDoubleBE(0));
  add(8, (raw) => raw.readDoubleLE(0));
  return table;
}

const DECODERS = buildDecoders();

/** Decoder ids fit in quality's low 7 bits. */
export const MAX_DECODER_ID = 0x7f;
if (DECODERS.length - 1 > MAX_DECODER_ID) throw new Error('value decoders do not fit in 7 bits');

/** Decoder ids of each raw length, in id order: the candidates tried for a value. */
const IDS_BY_LENGTH = new Map<number, number[]>();
DECODERS.forEach((d, id) => {
  if (!d) return;
  const ids = IDS_BY_LENGTH.get(d.bytes) ?? [];
  ids.push(id);
  IDS_BY_LENGTH.set(d.bytes, ids);
});

/** The value decoder `id` reads from `raw`; null for an unknown id or a raw of another length. */
export function valueFromRaw(id: number, raw: Uint8Array): number | null {
  const d = DECODERS[id];
  if (!d || raw.byteLength !== d.bytes) return null;
  return d.decode(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
}

/** True when decoder `id` gives back exactly `value` from `raw`. */
function gives(id: number, raw: Buffer, value: number): boolean {
  const d = DECODERS[id];
  return d !== undefined && d !== null && raw.byteLength === d.bytes && Object.is(d.decode(raw), value);
}

/**
 * The id of a decoder that gives back exactly `value` from `raw`, trying the free id 1 first,
 * then `hint` (the id that served the same series last time: nearly always right); 0 when
 * none does.
 */
export function decoderFor(value: number, raw: Buffer, hint: number): number {
  if (gives(1, raw, value)) return 1;
  if (hint > 1 && gives(hint, raw, value)) return hint;
  const ids = IDS_BY_LENGTH.get(raw.byteLength);
  if (!ids) return 0;
  for (const id of ids) if (id !== 1 && id !== hint && gives(id, raw, value)) return id;
  return 0;
}

/**
 * Bytes SQLite spends on `value` in a REAL column's record body: an integral double is stored
 * as the smallest integer that holds it (0 and 1 cost nothing), any other double takes 8.
 */
export function sqliteValueBytes(value: number): number {
  if (!Number.isInteger(value) || Object.is(value, -0)) return 8;
  if (value === 0 || value === 1) return 0;
  const m = Math.abs(value);
  if (m <= 0x7f) return 1;
  if (m <= 0x7fff) return 2;
  if (m <= 0x7fffff) return 3;
  if (m <= 0x7fffffff) return 4;
  if (m <= 0x7fffffffffff) return 6;
  return 8;
}

/** Bytes a decoder id costs in the quality column: id 1 is SQLite's constant 1, the rest one byte. */
export function decoderBytes(id: number): number {
  return id === 1 ? 0 : 1;
}
