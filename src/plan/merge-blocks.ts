// Merges points into as few read requests as the protocol allows. Fewer requests matter
// more than fewer bytes on a DTU link: every request costs a cellular round trip and an
// inter-request delay, while a few unused registers cost microseconds on the bus.
import type { ReadBlock } from '../domain/config.js';
import type { PointDef, ReadFunction } from '../domain/point.js';
import { maxReadQuantity } from './limits.js';

/** The registers (or bits) a point occupies: [start, end). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export function pointSpan(point: PointDef): Span {
  return { start: point.address, end: point.address + point.registers };
}

/** Orders points by slave, function, address, then size, so merging is one pass. */
export function comparePoints(a: PointDef, b: PointDef): number {
  return (
    a.slave - b.slave ||
    a.fn - b.fn ||
    a.address - b.address ||
    a.registers - b.registers ||
    (a.bit ?? 0) - (b.bit ?? 0)
  );
}

/**
 * Groups points per slave and function and merges neighbours into one block while the gap
 * between them is at most `maxReadGap` registers (bits for fn 1/2) and the block stays
 * within one request's limit. A point is never split across blocks.
 */
export function mergePointsIntoBlocks(points: readonly PointDef[], maxReadGap: number): ReadBlock[] {
  const sorted = [...points].sort(comparePoints);
  const blocks: ReadBlock[] = [];
  let current: { slave: number; fn: ReadFunction; start: number; end: number; points: PointDef[] } | null = null;

  for (const point of sorted) {
    const span = pointSpan(point);
    if (current && current.slave === point.slave && current.fn === point.fn) {
      const gap = span.start - current.end; // negative when points share registers
      const end = Math.max(current.end, span.end);
      if (gap <= maxReadGap && end - current.start <= maxReadQuantity(point.fn)) {
        current.end = end;
        current.points.push(point);
        continue;
      }
    }
    if (current) blocks.push(toBlock(current));
    current = { slave: point.slave, fn: point.fn, start: span.start, end: span.end, points: [point] };
  }
  if (current) blocks.push(toBlock(current));
  return blocks;
}

function toBlock(b: { slave: number; fn: ReadFunction; start: number; end: number; points: PointDef[] }): ReadBlock {
  return { slave: b.slave, fn: b.fn, address: b.start, quantity: b.end - b.start, points: b.points };
}
