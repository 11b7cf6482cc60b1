// Two points may not read the same register of the same slave and function: one of them
// is a typo, and silently decoding the same bytes twice hides it. The one exception is
// `bool` points on different bits of one register (status words).
import type { PointDef } from '../domain/point.js';
import { comparePoints, pointSpan } from '../plan/merge-blocks.js';
import type { YamlPath } from './errors.js';
import type { IssueSink } from './yaml-source.js';

export interface LocatedPoint {
  readonly def: PointDef;
  readonly at: YamlPath;
}

export function checkOverlaps(points: readonly LocatedPoint[], sink: IssueSink): void {
  const sorted = [...points].sort((a, b) => comparePoints(a.def, b.def));
  const open: LocatedPoint[] = [];
  for (const current of sorted) {
    const span = pointSpan(current.def);
    // Drop points that end before this one starts (or belong to another slave/function).
    for (let i = open.length - 1; i >= 0; i--) {
      const other = open[i]!.def;
      if (other.slave !== current.def.slave || other.fn !== current.def.fn || pointSpan(other).end <= span.start)
        open.splice(i, 1);
    }
    const clash = open.find((o) => !differentBits(o.def, current.def));
    if (clash) {
      const later = lineOrder(clash, current, sink);
      sink.add(
        [...later.second.at, 'address'],
        overlapMessage(later.second.def, later.first.def, sink.lineOf(later.first.at)),
      );
    }
    open.push(current);
  }
}

function differentBits(a: PointDef, b: PointDef): boolean {
  return a.bit !== undefined && b.bit !== undefined && a.bit !== b.bit;
}

/** Report on whichever of the two comes later in the file, naming the earlier one. */
function lineOrder(a: LocatedPoint, b: LocatedPoint, sink: IssueSink): { first: LocatedPoint; second: LocatedPoint } {
  const la = sink.lineOf(a.at) ?? 0;
  const lb = sink.lineOf(b.at) ?? 0;
  return la <= lb ? { first: a, second: b } : { first: b, second: a };
}

function overlapMessage(point: PointDef, other: PointDef, otherLine: number | null): string {
  const where = otherLine === null ? '' : ` (line ${otherLine})`;
  const range = (p: PointDef): string => {
    const s = pointSpan(p);
    return s.end - s.start === 1 ? `${s.start}` : `${s.start}–${s.end - 1}`;
  };
  const bits = point.bit !== undefined && point.bit === other.bit ? ` bit ${point.bit}` : '';
  return `overlaps "${other.name}"${where}: both read slave ${point.slave} function ${point.fn} address ${range(point)}${bits} (${other.name}: ${range(other)})`;
}
