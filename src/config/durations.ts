// Reads a duration field with its default; only the range check is reported here, since
// a malformed value was already reported by the schema.
import type { YamlPath } from './errors.js';
import type { RawMap } from './raw.js';
import { parseDuration } from './units.js';
import type { IssueSink } from './yaml-source.js';

export function durationField(
  map: RawMap,
  key: string,
  fallback: number,
  at: YamlPath,
  sink: IssueSink,
  options: { positive?: boolean } = {},
): number {
  if (map[key] === undefined) return fallback;
  const ms = parseDuration(map[key]);
  if (ms === null) return fallback;
  if (options.positive && ms === 0) {
    sink.add([...at, key], 'must be longer than 0');
    return fallback;
  }
  return ms;
}
