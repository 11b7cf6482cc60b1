// The points a channel maps from its messages (MQTT, HTTP: JSON paths; OPC UA: node ids):
// names unique within the channel, scale and offset, the JSON paths parsed once here.
import type { JsonMappedPoint, MappedPoint } from '../domain/channels.js';
import { parseJsonPath } from '../plan/json-path.js';
import type { YamlPath } from './errors.js';
import { asList, asMap, int, str, type RawMap } from './raw.js';
import type { IssueSink } from './yaml-source.js';

export function jsonPoints(raw: unknown, at: YamlPath, sink: IssueSink): JsonMappedPoint[] {
  const out: JsonMappedPoint[] = [];
  const seen = new Map<string, number>();
  asList(raw).forEach((item, i) => {
    const m = asMap(item);
    const point = mappedPoint(m, [...at, i], seen, sink);
    const pathText = str(m, 'path');
    if (point && pathText !== undefined) out.push({ ...point, path: parseJsonPath(pathText), pathText });
  });
  return out;
}

export function mappedPoint(m: RawMap, at: YamlPath, seen: Map<string, number>, sink: IssueSink): MappedPoint | null {
  const name = str(m, 'name');
  if (name === undefined) return null;
  const first = seen.get(name);
  if (first !== undefined) {
    sink.add(
      [...at, 'name'],
      `duplicate point name "${name}" (first at line ${sink.lineOf([...at.slice(0, -1), first])})`,
    );
    return null;
  }
  seen.set(name, at[at.length - 1] as number);
  const decimals = int(m, 'decimals');
  const unit = str(m, 'unit');
  return {
    name,
    // Filled in by the schema (channels.schema.ts).
    scale: m['scale'] as number,
    offset: m['offset'] as number,
    ...(decimals !== undefined ? { decimals } : {}),
    ...(unit !== undefined ? { unit } : {}),
  };
}

export function timestampPath(m: RawMap): { path: readonly (string | number)[]; pathText: string } | null {
  const pathText = str(m, 'timestamp');
  return pathText === undefined ? null : { path: parseJsonPath(pathText), pathText };
}
