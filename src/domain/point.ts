// Point definitions and decoded samples: the vocabulary shared by config, planning,
// decoding, storage and the API. Plain data only; no behaviour lives here.
import type { HistoryPolicy } from './history-policy.js';

export type DataType =
  | 'bool'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'string'
  | 'bcd16'
  | 'bcd32';

/**
 * Byte order of a multi-register value, named by where the bytes of the big-endian
 * value A B C D land on the wire. For 64-bit values the same four names are used:
 * ABCD = big endian, CDAB = words reversed, BADC = bytes swapped in each word,
 * DCBA = fully reversed (little endian).
 */
export type ByteOrder = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';

/** Modbus read function codes: 01 coils, 02 discrete inputs, 03 holding, 04 input registers. */
export type ReadFunction = 1 | 2 | 3 | 4;

/** Modbus write function codes: 05 single coil, 06 single register, 15 coils, 16 registers. */
export type WriteFunction = 5 | 6 | 15 | 16;

/**
 * The DL/T 645 data identifier a meter point reads, from the codec's catalogue
 * (protocol/dlt645/identifiers.ts), by the name points.yml gives.
 */
export interface MeterIdentifier {
  readonly name: string;
  /** DI3..DI0 (2007) or DI1 DI0 (1997) as one number. */
  readonly di: number;
  /** A BCD number, or a date (YYYY-MM-DD) or time (hh:mm:ss) read as text. */
  readonly kind: 'number' | 'date' | 'time';
  /** Value bytes in the answer, after the identifier. */
  readonly length: number;
  readonly decimals: number;
  readonly signed: boolean;
}

/**
 * A data point after config compilation: every default filled in, sizes in registers. A
 * DL/T 645 meter point has `identifier`; its `address` is the identifier's code (what
 * history rows record as the point's source), `fn` 3 and `registers` 0 mean nothing, and
 * `type` is `float64` for numbers, `string` for a date or time.
 */
export interface PointDef {
  readonly name: string;
  readonly slave: number;
  readonly fn: ReadFunction;
  /** Register (or coil/input bit for fn 1/2) address, 0..65535; a meter point's identifier code. */
  readonly address: number;
  readonly type: DataType;
  readonly order: ByteOrder;
  /** Size in registers (fn 3/4) or bits (fn 1/2, always 1). */
  readonly registers: number;
  /** For `bool` read from a register (fn 3/4): bit 0..15, 0 = least significant. */
  readonly bit?: number;
  readonly scale: number;
  readonly offset: number;
  /** Round the scaled value to this many decimals (avoids 25.299999999). */
  readonly decimals?: number;
  /** Write limits in the unit: a write by point name outside them is refused. */
  readonly min?: number;
  readonly max?: number;
  readonly unit?: string;
  readonly description?: PointDescription;
  /** Which samples become raw history rows: the point's `history:`, else its profile's. */
  readonly history: HistoryPolicy;
  /** DL/T 645 meter points only. */
  readonly identifier?: MeterIdentifier;
}

/**
 * What a point measures, in each UI language. A plain `description:` in points.yml fills
 * both; `{ zh, en }` with one language given fills the other with it (something beats nothing).
 */
export interface PointDescription {
  readonly en: string;
  readonly zh: string;
}

export type Quality = 'good';

/** One decoded value of one point at one moment: one row of `device_data`. */
export interface Sample {
  readonly deviceId: string;
  readonly point: string;
  readonly slave: number;
  readonly address: number;
  /** Numeric value after scale/offset/decimals; bool as 1/0; null for strings. */
  readonly value: number | null;
  /** Text value for `string` points, otherwise null. */
  readonly text: string | null;
  /** The raw register bytes as lowercase hex (exact, even for 64-bit values). */
  readonly raw: string;
  /** Receive time, epoch milliseconds UTC. */
  readonly ts: number;
  readonly quality: Quality;
}
