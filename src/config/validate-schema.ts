// Runs a file's schema, turns ajv's errors into readable issues with positions, and fills
// in the schema's defaults (the one place they are applied).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parsePointer, type YamlPath } from './errors.js';
import { repairRejected } from './repair.js';
import { POINTS_SCHEMA, type PointsYaml } from './schema/points.schema.js';
import { RULES_SCHEMA } from './schema/rules.schema.js';
import { SERVER_SCHEMA, type ServerYaml } from './schema/server.schema.js';
import type { JsonSchema } from './schema/common.js';
import { isAscii, isByteSize, isDataSize, isDuration, isHex, regexError } from './units.js';
import type { IssueSink } from './yaml-source.js';

const ajv = new Ajv({
  allErrors: true, // every problem at once, not the first
  verbose: true, // parentSchema and data, for messages
  discriminator: true,
  allowUnionTypes: true,
  strict: true,
  // Defaults are written into the data as it is checked, so compile sees every key; a
  // default never reaches an error message, and errors keep pointing at the user's YAML.
  useDefaults: true,
});
ajv.addKeyword({ keyword: 'x-message', schemaType: 'string' });
ajv.addKeyword({ keyword: 'x-lenient', schemaType: 'boolean' });
ajv.addKeyword({ keyword: 'x-whole-entry', schemaType: 'boolean' });
ajv.addFormat('duration', { type: 'string', validate: isDuration });
ajv.addFormat('duration-or-auto', { type: 'string', validate: (s: string) => s === 'auto' || isDuration(s) });
ajv.addFormat('byte-size', { type: 'string', validate: isByteSize });
ajv.addFormat('data-size', { type: 'string', validate: isDataSize });
ajv.addFormat('hex', { type: 'string', validate: isHex });
ajv.addFormat('ascii', { type: 'string', validate: isAscii });
ajv.addFormat('regex', { type: 'string', validate: (s: string) => regexError(s) === null });

const validators = new Map<JsonSchema, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

/**
 * server.yml checked and completed with defaults. A rejected value is reported, then
 * dropped (its default takes its place), so compile runs on well-typed data and its
 * cross-field checks still report in the same pass; null when the file is unusable.
 */
export function validateServerSchema(data: unknown, sink: IssueSink): ServerYaml | null {
  return checked<ServerYaml>(SERVER_SCHEMA, data, sink);
}

function checked<T>(schema: JsonSchema, data: unknown, sink: IssueSink): T | null {
  const validate = validatorFor(schema);
  if (validate(data)) return data as T;
  report(validate.errors ?? [], sink);
  return repairRejected(data, validate) ? (data as T) : null;
}

/**
 * Any part of a file checked against its own schema, reported and repaired like a whole file
 * (defaults filled in, rejected values dropped): for a section compiled apart from its file's
 * schema, such as a sink entry whose keys its type declares. False when the data is unusable.
 */
export function validateSection(schema: JsonSchema, data: unknown, sink: IssueSink): boolean {
  return checked<unknown>(schema, data, sink) !== null;
}

/** server.yml with nothing set: every default (for a file that could not be used, and the docs test). */
export function defaultServerYaml(): ServerYaml {
  const data = { version: 1, listeners: [] };
  if (!validatorFor(SERVER_SCHEMA)(data)) throw new Error('the server.yml defaults do not pass its schema');
  return data as unknown as ServerYaml;
}

/** points.yml checked and completed with defaults, rejected values dropped as for server.yml; null when unusable. */
export function validatePointsSchema(data: unknown, sink: IssueSink): PointsYaml | null {
  return checked<PointsYaml>(POINTS_SCHEMA, data, sink);
}

/** rules.yml checked, repaired and completed with defaults as for server.yml; null when unusable. */
export function validateRulesSchema(data: unknown, sink: IssueSink): unknown {
  return checked<unknown>(RULES_SCHEMA, data, sink);
}

function report(errors: readonly ErrorObject[], sink: IssueSink): void {
  for (const err of errors) {
    const issue = describe(err);
    if (issue) sink.add(issue.path, issue.message);
  }
}

function describe(err: ErrorObject): { path: YamlPath; message: string } | null {
  const path = parsePointer(err.instancePath);
  const custom = (err.parentSchema as JsonSchema | undefined)?.['x-message'];
  const params = err.params as Record<string, unknown>;
  // An inner error of `propertyNames` repeats the outer one.
  if ((err as { propertyName?: string }).propertyName !== undefined) return null;

  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const known = Object.keys(
        ((err.parentSchema as JsonSchema | undefined)?.['properties'] as object | undefined) ?? {},
      );
      return { path: [...path, key], message: `unknown key${suggestion(key, known)}` };
    }
    case 'if':
      // Says only "must match else schema"; the branch's own errors name the fields.
      return null;
    case 'required':
      return {
        path: [...path, String(params['missingProperty'])],
        message: typeof custom === 'string' ? custom : 'is required',
      };
    case 'propertyNames':
      return {
        path: [...path, String(params['propertyName'])],
        message: `"${String(params['propertyName'])}" is not a valid name (letters, digits, _ . -)`,
      };
    case 'type':
      return { path, message: typeof custom === 'string' ? custom : `must be ${article(String(params['type']))}` };
    case 'minimum':
      return { path, message: `must be ≥ ${String(params['limit'])}` };
    case 'maximum':
      return { path, message: `must be ≤ ${String(params['limit'])}` };
    case 'minLength':
      return {
        path,
        message: params['limit'] === 1 ? 'must not be empty' : `must be at least ${String(params['limit'])} characters`,
      };
    case 'maxLength':
      return { path, message: `must be at most ${String(params['limit'])} characters` };
    case 'minItems':
      return {
        path,
        message: params['limit'] === 1 ? 'must not be empty' : `must have at least ${String(params['limit'])} items`,
      };
    case 'enum':
      return { path, message: `must be one of: ${(params['allowedValues'] as unknown[]).map(String).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params['allowedValue'])}` };
    case 'pattern':
      return { path, message: typeof custom === 'string' ? custom : `must match ${String(params['pattern'])}` };
    case 'format':
      if (params['format'] === 'regex')
        return { path, message: `is not a valid regular expression: ${regexError(String(err.data))}` };
      return { path, message: typeof custom === 'string' ? custom : `must be a valid ${String(params['format'])}` };
    case 'discriminator':
      // A missing tag is already reported by `required`.
      if ((params['tagValue'] ?? null) === null && params['error'] === 'tag') return null;
      return describeDiscriminator(err, path);
    default:
      return { path, message: err.message ?? 'is invalid' };
  }
}

function describeDiscriminator(err: ErrorObject, path: YamlPath): { path: YamlPath; message: string } {
  const params = err.params as { error?: string; tag?: string };
  const tag = params.tag ?? 'type';
  const branches = ((err.parentSchema as JsonSchema | undefined)?.['oneOf'] as JsonSchema[] | undefined) ?? [];
  const values = branches.map(
    (b) => ((b['properties'] as Record<string, JsonSchema>)[tag]?.['const'] as string | undefined) ?? '?',
  );
  return { path: [...path, tag], message: `must be one of: ${values.join(', ')}` };
}

function article(type: string): string {
  const names = type
    .split(',')
    .map((t) => (t === 'integer' ? 'an integer' : t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : `a ${t}`));
  return names.join(' or ');
}

/** ` (did you mean "address"?)` for a key one or two edits away from a known key. */
function suggestion(key: string, known: readonly string[]): string {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ? ` (did you mean "${best}"?)` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(row[j - 1]! + 1, previous[j]! + 1, previous[j - 1]! + cost));
    }
    previous = row;
  }
  return previous[b.length]!;
}
