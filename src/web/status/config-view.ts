// The effective configuration for the API: plain JSON (Maps → objects, RegExps → source,
// byte patterns → hex) with every secret-looking field replaced, so an operator can see
// what dtuhub runs with without seeing a password.
export const SECRET_KEY = /pass(word)?|secret|token|credential|apikey|api_key/i;
export const MASK = '***';

export function maskedConfig(value: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key) && value !== null && value !== undefined) return MASK;
  if (value instanceof RegExp) return value.source;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (value instanceof Map)
    return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), maskedConfig(v, String(k))]));
  if (Array.isArray(value)) return value.map((v) => maskedConfig(v));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskedConfig(v, k)]));
  }
  return value;
}
