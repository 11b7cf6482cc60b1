// After a file's schema errors are reported, drops every value the schema rejected so the
// compile step can trust the types: a dropped key gets its default back on the next check,
// a list item that cannot be mended is left as a hole (forEach skips it; indexes, which
// name entries in messages, stay). Today's lenient readers behaved the same: a wrong
// value counted as absent, and the remaining cross-field checks still ran.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parsePointer, type YamlPath } from './errors.js';

/** Enough for the deepest nesting of our files: each pass mends at least one level. */
const MAX_PASSES = 16;

/** Mends `data` in place until it validates (holes aside); false when the root itself is unusable. */
export function repairRejected(data: unknown, validate: ValidateFunction): boolean {
  let errors: readonly ErrorObject[] = validate.errors ?? [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const actionable = errors.filter(
      (err) => !isHole(data, parsePointer(err.instancePath)) && !marked(validate.schema, err.schemaPath, 'x-lenient'),
    );
    if (actionable.length === 0) return true;
    for (const err of actionable) {
      const wholeEntry =
        err.keyword !== 'additionalProperties' && marked(validate.schema, err.schemaPath, 'x-whole-entry');
      if (!(wholeEntry ? removeEntry(data, parsePointer(err.instancePath)) : drop(data, err))) return false;
    }
    errors = validate(data) ? [] : (validate.errors ?? []);
  }
  return false;
}

function drop(root: unknown, err: ErrorObject): boolean {
  const path = parsePointer(err.instancePath);
  const params = err.params as Record<string, unknown>;
  const at = valueAt(root, path);
  switch (err.keyword) {
    case 'additionalProperties':
      if (isRecord(at)) delete at[String(params['additionalProperty'])];
      return true;
    case 'propertyNames':
      if (isRecord(at) && params['propertyName'] !== undefined) delete at[String(params['propertyName'])];
      return true;
    case 'required':
      // A required key without a default is missing: the entry holding it goes.
      if (path.length === 0) return fillRoot(root, err, String(params['missingProperty']));
      return remove(root, path);
    default:
      return path.length === 0 ? false : remove(root, path);
  }
}

/** A root missing a required list or mapping gets an empty one (`version` its value); anything else is unusable. */
function fillRoot(root: unknown, err: ErrorObject, key: string): boolean {
  const schema = (
    (err.parentSchema as Record<string, unknown> | undefined)?.['properties'] as
      Record<string, Record<string, unknown>> | undefined
  )?.[key];
  if (!isRecord(root) || !schema) return false;
  if (schema['type'] === 'array') root[key] = [];
  else if (schema['type'] === 'object') root[key] = {};
  else if ('const' in schema) root[key] = schema['const'];
  else return false;
  return true;
}

/** Leaves out the innermost list entry holding `path` (WholeEntry in schema/common.ts). */
function removeEntry(root: unknown, path: YamlPath): boolean {
  for (let i = path.length - 1; i >= 0; i--)
    if (typeof path[i] === 'number' && Array.isArray(valueAt(root, path.slice(0, i))))
      return remove(root, path.slice(0, i + 1));
  return false;
}

function remove(root: unknown, path: YamlPath): boolean {
  const parent = valueAt(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof key === 'number') delete parent[key];
  else if (isRecord(parent)) delete parent[String(key)];
  return true;
}

/**
 * Whether the rejecting keyword sits at or under a node carrying `mark`. Parts marked
 * `x-lenient` (Lenient in schema/common.ts) are still read field by field by their compile
 * step, which takes a wrong value as absent: dropping it there would add follow-on errors
 * ("needs ascii or hex") to the one already reported.
 */
function marked(schema: unknown, schemaPath: string, mark: string): boolean {
  let node = schema;
  for (const segment of schemaPath.replace(/^#\//, '').split('/')) {
    node =
      isRecord(node) || Array.isArray(node)
        ? (node as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')]
        : undefined;
    if (isRecord(node) && node[mark] === true) return true;
  }
  return false;
}

function isHole(root: unknown, path: YamlPath): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(root, path.slice(0, -1));
  return Array.isArray(parent) && parent[path[path.length - 1] as number] === undefined;
}

function valueAt(root: unknown, path: YamlPath): unknown {
  let at = root;
  for (const key of path)
    at = isRecord(at) || Array.isArray(at) ? (at as Record<string | number, unknown>)[key] : undefined;
  return at;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
