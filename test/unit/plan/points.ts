// Builds PointDefs for planner tests.
import { STORE_EVERY_SAMPLE } from '../../../src/domain/history-policy.js';

import type { PointDef } from '../../../src/domain/point.js';

export function point(name: string, address: number, extra: Partial<PointDef> = {}): PointDef {
  return {
    name,
    slave: 1,
    fn: 3,
    address,
    type: 'uint16',
    order: 'ABCD',
    registers: 1,
    scale: 1,
    offset: 0,
    history: STORE_EVERY_SAMPLE,
    ...extra,
  };
}
