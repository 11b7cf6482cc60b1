// Schema fragments shared by server.yml and points.yml. `x-message` is our own annotation:
// the message shown when the value fails `type`, `pattern` or `format` (see validate.ts).

export type JsonSchema = Record<string, unknown>;

/** Names end up in URLs, SQL, file names and the UI: letters (any script), digits, _ . - */
export const NAME: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[\\p{L}\\p{N}_][\\p{L}\\p{N}_.\\-]*$',
  'x-message': 'must be a name of letters, digits, _ . - (at most 64, starting with a letter or digit)',
};

export const DURATION: JsonSchema = {
  type: ['string', 'integer'],
  minimum: 0,
  format: 'duration',
  'x-message': 'must be a duration like 30s, 500ms, 2m, 1h, 7d, or whole milliseconds',
};

/** A duration, or `auto` where dtuhub derives the value from the rest of the config. */
export const DURATION_OR_AUTO: JsonSchema = {
  type: ['string', 'integer'],
  minimum: 1,
  format: 'duration-or-auto',
  'x-message': 'must be auto, or a duration like 20ms or whole milliseconds',
};

export const DATA_SIZE: JsonSchema = {
  type: ['string', 'integer'],
  minimum: 0,
  format: 'data-size',
  'x-message': 'must be a size like 512MB, 2GiB, or whole bytes',
};

export const PORT: JsonSchema = { type: 'integer', minimum: 0, maximum: 65535 };
export const HOST: JsonSchema = { type: 'string', minLength: 1 };
export const POSITIVE_INT: JsonSchema = { type: 'integer', minimum: 1 };
export const BYTE: JsonSchema = { type: 'integer', minimum: 0, maximum: 255 };
export const BYTE_OR_NULL: JsonSchema = { type: ['integer', 'null'], minimum: 0, maximum: 255 };
export const SLAVE_ID: JsonSchema = { type: 'integer', minimum: 1, maximum: 247 };
export const ADDRESS: JsonSchema = { type: 'integer', minimum: 0, maximum: 65535 };
export const READ_FUNCTION: JsonSchema = { enum: [1, 2, 3, 4] };
export const REGEX: JsonSchema = { type: 'string', minLength: 1, format: 'regex' };

/** Hex bytes as text; an unquoted `0102` reaches us as a number and is read from source. */
export const HEX: JsonSchema = {
  type: ['string', 'integer'],
  format: 'hex',
  'x-message': 'must be hex bytes like "fe01"',
};

export const ASCII: JsonSchema = {
  type: ['string', 'number'],
  minLength: 1,
  format: 'ascii',
  'x-message': 'must be ASCII text',
};

/** `{ ascii: "HB" }` or `{ hex: "fe01" }`; exactly one is checked in code. */
export const BYTES_OBJECT: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ascii: ASCII, hex: HEX },
};

export function strictObject(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: 'object', additionalProperties: false, required, properties };
}
