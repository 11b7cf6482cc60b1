// Two validators: query strings and URL params arrive as text, so numbers and booleans are
// coerced there; JSON bodies are already typed and are validated strictly (coercing inside
// a `oneOf` would also rewrite a `true` into 1 while trying the wrong branch).
import { Ajv, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const COMMON: Options = { removeAdditional: false, useDefaults: true, allErrors: true, strict: true };

export function schemaValidators(): FastifySchemaCompiler<unknown> {
  const coercing = new Ajv({ ...COMMON, coerceTypes: 'array' });
  const strict = new Ajv({ ...COMMON, coerceTypes: false });
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object);
}
