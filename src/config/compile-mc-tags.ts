// An mc channel's `tags:` → McTag[]: the address parsed in its device kind's radix, the
// type defaulted and matched to the kind (bits on X, Y, M; words on D, W, R), names unique
// within the channel. The schema's tag shape is shared with s7 (s7.schema.ts), so the keys
// only s7 takes and mc's type names are checked here.
import { MC_VALUE_TYPES, type McTag, type McValueType } from '../domain/mc.js';
import { parseMcAddress } from '../protocol/mc/index.js';
import { mappedPoint } from './compile-mapped-points.js';
import type { YamlPath } from './errors.js';
import { S7_ONLY_TAG_KEYS } from './schema/s7.schema.js';
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
    // Every mc tag is writable through the API; limits are the type's own.
    const s7Only = S7_ONLY_TAG_KEYS.filter((key) => key in m);
    for (const key of s7Only)
      sink.add([...tagAt, key], 'is an s7 tag key: mc tags take name, address, type, scale, offset, decimals, unit');
    const given = str(m, 'type');
    if (given !== undefined && !MC_VALUE_TYPES.includes(given as McValueType)) {
      sink.add([...tagAt, 'type'], `must be one of ${MC_VALUE_TYPES.join(', ')}`);
      return;
    }
    if (s7Only.length > 0) return;
    const parsed = parseMcAddress(text);
    if (!parsed.ok) {
      sink.add([...tagAt, 'address'], parsed.problem);
      return;
    }
    const { kind, number } = parsed.address;
    const bits = kind.unit === 'bit';
    const type = (given as McValueType | undefined) ?? (bits ? 'bit' : 'int16');
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
