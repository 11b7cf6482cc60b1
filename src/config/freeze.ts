// Deep freeze of the compiled config: services get a slice of it and must not be able to
// change what others see. Buffers and RegExps are left as they are (a Buffer cannot be
// frozen); Maps are frozen and their mutators disabled.

export function deepFreeze<T>(value: T): T {
  freeze(value, new Set());
  return value;
}

function freeze(value: unknown, seen: Set<unknown>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  if (Buffer.isBuffer(value) || value instanceof RegExp) return;
  seen.add(value);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      freeze(k, seen);
      freeze(v, seen);
    }
    for (const method of ['set', 'delete', 'clear'] as const) {
      Object.defineProperty(value, method, {
        value: () => {
          throw new TypeError(`the configuration is read-only (Map.${method})`);
        },
      });
    }
  } else {
    for (const key of Object.keys(value)) freeze((value as Record<string, unknown>)[key], seen);
  }
  Object.freeze(value);
}
