// Builds PointDefs for planner tests.
import type { PointDef } from '../../../src/domain/point.js';

export function point(name: string, address: number, extra: Partial<PointDef> = {}): PointDef {
  return { name, slave: 1, fn: 3, address, type: 'uint16', order: 'ABCD', registers: 1, scale: 1, offset: 0, ...extra };
}
