// Whether a point's values are a measurement (drawn as a line between samples) or a state
// (drawn as steps: between two samples it kept the first value, it never passed through
// the values in between). Decided from how the point decodes, so no config key is needed.
import type { DataType, PointDef } from '../domain/point.js';

export type PointKind = 'measure' | 'state';

const INTEGERS = new Set<DataType>(['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/**
 * A bool or register bit is a state; so is an unscaled integer without a unit (a status
 * word, an enum, a mode). An integer with a unit (rpm, kWh) or a scale is a measurement.
 */
export function pointKind(p: Pick<PointDef, 'type' | 'scale' | 'offset' | 'unit'>): PointKind {
  if (p.type === 'bool') return 'state';
  if (INTEGERS.has(p.type) && p.scale === 1 && p.offset === 0 && !p.unit) return 'state';
  return 'measure';
}
