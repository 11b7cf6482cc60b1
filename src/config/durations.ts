// Duration and size fields → ms and bytes. A malformed value was already reported by the
// schema; only the "longer than 0" check is reported here.
import type { YamlPath } from './errors.js';
import type { DataSizeText, DurationText } from './schema/common.js';
import { parseDataSize, parseDuration } from './units.js';
import type { IssueSink } from './yaml-source.js';

// Typed converters for files whose schema has already checked and completed the data.

/** A schema-checked duration in ms (the schema only lets through what parses). */
export function ms(value: DurationText): number {
  return parseDuration(value) ?? unreachable(value);
}

/** As ms(), for a duration that must not be 0; a 0 is reported and `fallback` (the default) used. */
export function positiveMs(value: DurationText, fallback: DurationText, at: YamlPath, sink: IssueSink): number {
  const out = ms(value);
  if (out > 0) return out;
  sink.add(at, 'must be longer than 0');
  return ms(fallback);
}

/** A schema-checked size in bytes. */
export function bytes(value: DataSizeText): number {
  return parseDataSize(value) ?? unreachable(value);
}

function unreachable(value: unknown): never {
  throw new Error(`schema let through an unreadable value: ${JSON.stringify(value)}`);
}
