// Shapes of the Mitsubishi MC protocol channel's points (server.yml `type: mc`, `tags:`),
// shared by config, the codec's planning and the channel. A tag is a MappedPoint (channels.ts)
// with an address; it does not import it, so the two files stay free of a cycle.
/** MELSEC device kinds the channel reads: bit devices X, Y, M; word devices D, W, R. */
export type McDeviceKindName = 'X' | 'Y' | 'M' | 'D' | 'W' | 'R';

/**
 * What a tag's device memory holds: one bit, one word, or a 32-bit value across two
 * consecutive words (low word first, as MELSEC's 32-bit instructions store it).
 */
export type McValueType = 'bit' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32';

export const MC_VALUE_TYPES: readonly McValueType[] = ['bit', 'int16', 'uint16', 'int32', 'uint32', 'float32'];

/** A named address in the PLC (`D100`, `X1F`), read as a type and scaled like any mapped point. */
export interface McTag {
  readonly name: string;
  readonly scale: number;
  readonly offset: number;
  readonly decimals?: number;
  readonly unit?: string;
  /** The address as written, for messages and the device page. */
  readonly address: string;
  readonly kind: McDeviceKindName;
  /** The device number (X1F → 31). */
  readonly number: number;
  readonly type: McValueType;
}
