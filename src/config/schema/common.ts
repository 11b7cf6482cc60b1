// Schema fragments shared by server.yml and points.yml. `x-message` is our own annotation:
// the message shown when the value fails `type`, `pattern` or `format` (see validate-schema.ts).
import {
  Type,
  type SchemaOptions,
  type TInteger,
  type TObject,
  type TProperties,
  type TSchema,
  type TString,
  type TUnsafe,
} from '@sinclair/typebox';

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
export const BYTE: JsonSchema = { type: 'integer', minimum: 0, maximum: 255 };
export const BYTE_OR_NULL: JsonSchema = { type: ['integer', 'null'], minimum: 0, maximum: 255 };
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

// TypeBox builders over the fragments above: one declaration gives the JSON Schema ajv
// checks (messages unchanged), the `default` applied before compiling, the `description`
// docs/CONFIG.md is checked against, and the TypeScript type of the checked value.

/** A duration as written: `30s`, `500ms`, or whole milliseconds; compile converts it to ms. */
export type DurationText = string | number;
/** A size as written: `512MB`, `2GiB`, or whole bytes; compile converts it to bytes. */
export type DataSizeText = string | number;

type Options = SchemaOptions & { readonly default?: unknown };

export const Duration = (options: Options = {}): TUnsafe<DurationText> =>
  Type.Unsafe<DurationText>({ ...DURATION, ...options });
export const DurationOrAuto = (options: Options = {}): TUnsafe<DurationText> =>
  Type.Unsafe<DurationText>({ ...DURATION_OR_AUTO, ...options });
export const DataSize = (options: Options = {}): TUnsafe<DataSizeText> =>
  Type.Unsafe<DataSizeText>({ ...DATA_SIZE, ...options });
export const Name = (options: Options = {}): TUnsafe<string> => Type.Unsafe<string>({ ...NAME, ...options });
export const Host = (options: Options = {}): TString => Type.String({ minLength: 1, ...options });
export const Port = (options: Options = {}): TInteger => Type.Integer({ minimum: 0, maximum: 65535, ...options });
export const SlaveId = (options: Options = {}): TInteger => Type.Integer({ minimum: 1, maximum: 247, ...options });
export const Address = (options: Options = {}): TInteger => Type.Integer({ minimum: 0, maximum: 65535, ...options });
export const PositiveInt = (options: Options = {}): TInteger => Type.Integer({ minimum: 1, ...options });

/**
 * A part still read field by field by its compile step (a wrong value counts as absent),
 * so repair.ts leaves its rejected values alone. Typed as unknown for the same reason.
 */
export function Lenient<T = unknown>(schema: JsonSchema): TUnsafe<T> {
  return Type.Unsafe<T>({ ...schema, 'x-lenient': true });
}

/**
 * A value whose rejection leaves out the whole list entry holding it (repair.ts), not just
 * the value: without it the entry means something else, and compiling that guess would
 * only add follow-on errors. Unknown keys are still just dropped.
 */
export function WholeEntry<T extends TSchema>(schema: T): T {
  return { ...schema, 'x-whole-entry': true };
}

/** One of fixed values, as a plain `enum` (TypeBox's union would change ajv's messages). */
export function Enum<const T extends readonly (string | number)[]>(
  values: T,
  options: Options = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ enum: [...values], ...options });
}

/** A mapping without unknown keys; `{}` when absent, so its members' defaults apply. */
export function Section<T extends TProperties>(properties: T, options: Options = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, default: {}, ...options });
}

/** A mapping without unknown keys that has no default (list items, required blocks). */
export function Strict<T extends TProperties>(properties: T, options: Options = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** The default `schema` declares for `key`: compile falls back to it where a written value is refused (a 0 duration). */
export function defaultOf(schema: JsonSchema, key: string): unknown {
  return (schema['properties'] as Record<string, JsonSchema>)[key]?.['default'];
}
