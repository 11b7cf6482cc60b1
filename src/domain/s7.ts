// Siemens S7 channel (server.yml `channels:` with `type: s7`): compiled shapes. Addresses are
// written the Siemens way (`DB1.DBD8`, `M10.1`, `IW64`) and parsed once at load
// (protocol/s7/address.ts).

/** Memory areas: data blocks, markers (flags), process-image inputs and outputs. */
export type S7Area = 'DB' | 'M' | 'I' | 'Q';

/** How much an address covers: one bit, a byte, a word (2), a double word (4), or an S7 STRING. */
export type S7Size = 'bit' | 'byte' | 'word' | 'dword' | 'string';

/** Elementary S7 data types a tag can hold (byte/usint, word/uint and dword/udint read alike). */
export type S7Type =
  'bool' | 'byte' | 'usint' | 'sint' | 'word' | 'uint' | 'int' | 'dword' | 'udint' | 'dint' | 'real' | 'string';

export interface S7Address {
  readonly area: S7Area;
  /** Data block number; 0 outside DB. */
  readonly db: number;
  /** Byte offset in the area. */
  readonly byte: number;
  /** Bit in the byte (0–7) for a bit address; null otherwise. */
  readonly bit: number | null;
  readonly size: S7Size;
  /** Largest number of characters for a STRING (1–254); 0 otherwise. */
  readonly stringLength: number;
}

/** One PLC address mapped to a point. */
export interface S7Tag {
  readonly name: string;
  /** The address as written, upper-cased (`DB1.DBD8`). */
  readonly addressText: string;
  readonly address: S7Address;
  readonly type: S7Type;
  readonly scale: number;
  readonly offset: number;
  readonly decimals?: number;
  readonly unit?: string;
  /** true: the API and UI may write it by name (never for inputs). */
  readonly writable: boolean;
  /** Write limits in the unit (after scale/offset), as points.yml `min`/`max`. */
  readonly min?: number;
  readonly max?: number;
}
