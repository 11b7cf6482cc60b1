// Paths into JSON documents (`data.values[0].v`), parsed once from config and applied to
// every message. Deliberately small: fields and array indexes, no wildcards or filters.
import type { JsonPath } from '../domain/channels.js';

const SEGMENT = /([^.[\]]+)|\[(\d+)\]/g;

/** `a.b[0].c` → ['a', 'b', 0, 'c']; the schema has checked the syntax. */
export function parseJsonPath(text: string): JsonPath {
  const out: (string | number)[] = [];
  for (const m of text.matchAll(SEGMENT)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/** The value at `path`, or undefined when any step is missing. */
export function readJsonPath(doc: unknown, path: JsonPath): unknown {
  let at: unknown = doc;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(at)) return undefined;
      at = at[step];
    } else {
      if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
      if (!Object.prototype.hasOwnProperty.call(at, step)) return undefined;
      at = (at as Record<string, unknown>)[step];
    }
  }
  return at;
}
