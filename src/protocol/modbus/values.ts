// Register bytes → point values, one point at a time. The polling path compiles its
// readers once per block (block-decoder.ts); this is the same decoder for one-off use.

import type { PointDef } from '../../domain/point.js';
import { compilePointReader, emptyReading, outsideData, type PointReading } from './point-reader.js';

export { registersFor } from './point-reader.js';

export type DecodedValue = Readonly<PointReading>;

/**
 * Decodes one point from a read response. `dataOffset` is the absolute index of the first
 * data byte and `blockAddress` the first register (or bit) the request read.
 */
export function decodePoint(point: PointDef, buf: Uint8Array, dataOffset: number, blockAddress: number): DecodedValue {
  const reader = compilePointReader(point, blockAddress);
  if (dataOffset + reader.end > buf.length) throw outsideData(point, blockAddress);
  const out = emptyReading();
  reader.read(buf, dataOffset, out);
  return out;
}
