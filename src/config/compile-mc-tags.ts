// An mc channel's `tags:` (schema: MC_TAG_SCHEMA) → McTag[]: the address parsed in its
// device kind's radix, the type defaulted and matched to the kind (bits on X, Y, M; words
// on D, W, R), names unique within the channel.
import type { McTag, McValueType } from '../domain/mc.js';
import { parseMcAddress } from '../protocol/mc/index.js';
import { mappedPoint } from './compile-mapped-points.js';
import type { YamlPath } from './errors.js';
import { asList, asMap, str } from './raw.js';
import type { IssueSink } from './yaml-source.js';

export function mcTags(raw: unknown, at: YamlPath, sink: IssueSink): McTag[] {
  const out: McTag[] = [];
  const seen = new Map<string, number>();
  asList(raw).forEach((item, i) => {
    const m = asMap(item);
    const tagAt = [...at, i];
    const point = mappedPoint(m, tagAt, seen, sink);
    const text = str(m, 'address');
    if (!point || text === undefined) return;
    const parsed = parseMcAddress(text);
    if (!parsed.ok) {
      sink.add([...tagAt, 'address'], parsed.problem);
      return;
    }
    const { kind, number } = parsed.address;
    const bits = kind.unit === 'bit';
    const type = (str(m, 'type') as McValueType | undefined) ?? (bits ? 'bit' : 'int16');
    if (bits !== (type === 'bit')) {
      sink.add(
        [...tagAt, 'type'],
        bits
          ? `${kind.name} is a bit device: its tags are type bit`
          : `${kind.name} is a word device: int16, uint16, int32, uint32 or float32, not bit`,
      );
      return;
    }
    out.push({ ...point, address: text.toUpperCase(), kind: kind.name, number, type });
  });
  return out;
}
