// Request and response shapes of the config editor's routes (docs/API.md, "Config editing").
// Like response-schemas.ts this imports nothing from the server: the UI's type check reads it.
import { CONFIG_ISSUE } from './config-reload-schemas.js';
import { Type } from '@sinclair/typebox';
import { anyObject, bool, int, nullable, object, oneOf, orNull, str } from './response-schemas.js';

export const CONFIG_FILES = ['points.yml', 'rules.yml'] as const;

export const CONFIG_FILE_PARAMS = object({ file: oneOf(CONFIG_FILES) });
export const VERSION_PARAMS = object({ id: Type.Integer({ minimum: 1 }) });

const EDIT = Type.Object(
  {
    path: Type.Array(Type.Union([Type.String({ maxLength: 256 }), Type.Integer({ minimum: 0 })]), { maxItems: 32 }),
    value: Type.Optional(Type.Unknown()),
    remove: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);

/** The raw YAML view sends `text`; the forms send `edits` (each sets or removes one path). */
export const CANDIDATE_FIELDS = {
  text: Type.Optional(Type.String({ maxLength: 200_000 })),
  edits: Type.Optional(Type.Array(EDIT, { minItems: 1, maxItems: 200 })),
};

export const SAVE_BODY = Type.Object(
  {
    ...CANDIDATE_FIELDS,
    comment: Type.Optional(Type.String({ maxLength: 500 })),
    /** The sha256 the file had when the form opened it: a save over a newer file is refused. */
    baseSha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  },
  { additionalProperties: false },
);

export const ROLLBACK_BODY = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export const TEST_BODY = Type.Object(
  {
    ...CANDIDATE_FIELDS,
    device: Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
    profile: Type.String({ minLength: 1, maxLength: 128 }),
    task: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    point: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);

// One shape for a config problem, whether a save or a reload reports it.
export { CONFIG_ISSUE };

export const CONFIG_FILE_VIEW = object({
  file: oneOf(CONFIG_FILES),
  text: str,
  /** The file's data, `${ENV}` references as written; null for an empty or missing file. */
  data: Type.Unknown(),
  sha256: str,
});

export const CONFIG_VERSION = object({
  id: int,
  at: int,
  actor: str,
  file: str,
  action: oneOf(['baseline', 'save', 'rollback'] as const),
  rolledBackTo: nullable('integer'),
  comment: nullable('string'),
  sha256: str,
});

export const DIFF_LINE = object({
  op: oneOf([' ', '-', '+'] as const),
  text: str,
  oldLine: nullable('integer'),
  newLine: nullable('integer'),
});

export const VERSION_DETAIL = object({
  version: CONFIG_VERSION,
  content: str,
  /** Whether the file on disk is this version, byte for byte. */
  current: bool,
  /** From this version to the file on disk now. */
  diff: Type.Array(DIFF_LINE),
});

export const SAVE_RESULT = object({
  result: oneOf(['saved', 'unchanged'] as const),
  version: orNull(CONFIG_VERSION),
  sha256: str,
  /** `live`: the reload applied it; `rejected`: the reload refused it (see reload.issues). */
  applies: oneOf(['live', 'rejected'] as const),
  reload: orNull(anyObject),
});

export const CONFIG_INVALID_RESPONSE = Type.Object({
  error: Type.Object({ code: str, message: str, details: Type.Optional(Type.Array(str)) }),
  issues: Type.Array(CONFIG_ISSUE),
});

const TEST_VALUE = object({
  point: str,
  value: nullable('number'),
  text: nullable('string'),
  unit: nullable('string'),
  /** The register bytes as read, hex. */
  raw: str,
});

export const TEST_READ_RESULT = object({
  at: int,
  blocks: Type.Array(
    object({
      slave: int,
      fn: int,
      address: int,
      quantity: int,
      result: str,
      values: Type.Array(TEST_VALUE),
      invalid: int,
    }),
  ),
});
