// Writes an edited value back into a YAML file's text so that everything the edit does not
// touch stays byte for byte as the user wrote it: comments, their alignment, key order,
// quoting, blank lines. The yaml library's Document keeps comments but re-stringifying a
// whole document re-spaces them (`port: 1    # x` → `port: 1 # x`), so the Document is used
// to find where each value is (node ranges) and the text is spliced there: a changed scalar
// is replaced in place, a new key or item is appended at its collection's indentation, a
// removed one loses its lines. Whatever cannot be spliced (a key with no value, an edit
// whose splice would not read back as the wanted value) falls back to the Document API's
// own stringification of the whole file: still comments and order, only spacing may move.
import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  Scalar,
  stringify,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { YamlPath } from '../errors.js';

/** Set `value` at `path` (created if missing); `remove` deletes the entry at `path` instead. */
export type YamlEdit =
  { readonly path: YamlPath; readonly value: unknown } | { readonly path: YamlPath; readonly remove: true };

/** The file's data as written: `${ENV}` references stay text, as forms must show and send them back. */
export function yamlData(text: string): unknown {
  return parseDocument(text, { uniqueKeys: false }).toJS({ maxAliasCount: 1000 }) as unknown;
}

/** `text` with the edits applied; throws when the text is not a YAML document. */
export function applyYamlEdits(text: string, edits: readonly YamlEdit[]): string {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false });
  if (doc.errors.length > 0) throw new Error(`not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const wanted = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  let target = structuredClone(wanted);
  for (const edit of edits) target = applyToData(target, edit);
  const spliced = trySplice(text, doc, target);
  // The Document API's own output: comments and order kept, spacing normalised.
  return spliced ?? fallback(doc, target);
}

function fallback(doc: Document.Parsed, target: unknown): string {
  doc.contents = doc.createNode(target) as typeof doc.contents;
  return doc.toString();
}

function trySplice(text: string, doc: Document.Parsed, target: unknown): string | null {
  const splices: Splice[] = [];
  try {
    rewrite(new Context(text, doc, splices), doc.contents, target);
  } catch (err) {
    if (err instanceof Unsplicable) return null;
    throw err;
  }
  let out = text;
  for (const s of splices.sort((a, b) => b.from - a.from || b.to - a.to)) {
    out = out.slice(0, s.from) + s.insert + out.slice(s.to);
  }
  // The splice must read back as exactly what was asked, or it is not used.
  const check = parseDocument(out, { uniqueKeys: false });
  if (check.errors.length > 0 || !sameData(check.toJS({ maxAliasCount: 1000 }), target)) return null;
  return out;
}

interface Splice {
  readonly from: number;
  readonly to: number;
  readonly insert: string;
}

class Unsplicable extends Error {}

class Context {
  constructor(
    readonly text: string,
    readonly doc: Document.Parsed,
    readonly splices: Splice[],
  ) {}

  data(node: unknown): unknown {
    return isAlias(node) || isScalar(node) || isCollection(node) ? node.toJS(this.doc, { maxAliasCount: 1000 }) : node;
  }

  /** Offset just past the end of the line holding `offset - 1` (a node's end). */
  lineEndAfter(offset: number): number {
    if (offset > 0 && this.text[offset - 1] === '\n') return offset;
    const nl = this.text.indexOf('\n', offset);
    return nl === -1 ? this.text.length : nl + 1;
  }

  lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** The whitespace before the first character of the line holding `offset`. */
  indentAt(offset: number): string {
    const start = this.lineStart(offset);
    return /^[ ]*/.exec(this.text.slice(start, offset))![0];
  }
}

function rewrite(ctx: Context, node: unknown, target: unknown): void {
  if (sameData(ctx.data(node), target)) return;
  if (!isNodeWithRange(node)) throw new Unsplicable();
  if (isScalar(node) && !isObjectLike(target)) {
    ctx.splices.push({ from: node.range[0], to: node.range[1], insert: scalarText(node, target) });
    return;
  }
  // Flow collections (`{a: 1}`, JSON) are entered only when no entry comes or goes.
  if (isMap(node) && isPlainObject(target) && node.items.length > 0 && (!node.flow || sameKeys(ctx, node, target))) {
    rewriteMap(ctx, node, target);
    return;
  }
  if (
    isSeq(node) &&
    Array.isArray(target) &&
    node.items.length > 0 &&
    (!node.flow || node.items.length === target.length)
  ) {
    rewriteSeq(ctx, node, target);
    return;
  }
  // An entry added to or removed from a flow collection, or a change of kind: one flow-style value in the same place.
  ctx.splices.push({ from: node.range[0], to: node.range[1], insert: flowText(target) });
}

function rewriteMap(ctx: Context, node: YAMLMap, target: Record<string, unknown>): void {
  const seen = new Set<string>();
  let kept: Pair | null = null;
  for (const pair of node.items) {
    if (!isPair(pair) || !isScalar(pair.key) || !isNodeWithRange(pair.key)) throw new Unsplicable();
    const key = String(pair.key.value);
    seen.add(key);
    if (!(key in target)) {
      ctx.splices.push({ from: ctx.lineStart(pair.key.range[0]), to: entryEnd(ctx, pair), insert: '' });
      continue;
    }
    if (pair.value === null || pair.value === undefined) throw new Unsplicable();
    rewrite(ctx, pair.value, target[key]);
    kept = pair;
  }
  const added = Object.keys(target).filter((k) => !seen.has(k));
  if (added.length === 0) return;
  const anchor = kept ?? (node.items.at(-1) as Pair);
  const indent = ctx.indentAt((anchor.key as Node).range![0]);
  const block = Object.fromEntries(added.map((k) => [k, target[k]]));
  ctx.splices.push({ from: entryEnd(ctx, anchor), to: entryEnd(ctx, anchor), insert: blockText(block, indent) });
}

function rewriteSeq(ctx: Context, node: YAMLSeq, target: readonly unknown[]): void {
  const items = node.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isNodeWithRange(item)) throw new Unsplicable();
    if (i < target.length) rewrite(ctx, item, target[i]);
    else ctx.splices.push({ from: ctx.lineStart(item.range[0]), to: ctx.lineEndAfter(item.range[2]), insert: '' });
  }
  if (target.length <= items.length) return;
  const last = items.at(-1) as Node & { range: [number, number, number] };
  const dash = ctx.lineStart(last.range[0]);
  const indent = ctx.indentAt(last.range[0]);
  // Only when the last item starts its own line with `- `: `- - x` and friends fall back.
  if (!ctx.text.slice(dash + indent.length).startsWith('- ')) throw new Unsplicable();
  const at = ctx.lineEndAfter(last.range[2]);
  ctx.splices.push({ from: at, to: at, insert: blockText(target.slice(items.length), indent) });
}

function sameKeys(ctx: Context, node: YAMLMap, target: Record<string, unknown>): boolean {
  const keys = Object.keys(isPlainObject(ctx.data(node)) ? (ctx.data(node) as Record<string, unknown>) : {});
  return keys.length === Object.keys(target).length && keys.every((k) => k in target);
}

/** Where a pair's lines end: after its value (and its trailing comment), at a line end. */
function entryEnd(ctx: Context, pair: Pair): number {
  const value = pair.value as Node | null;
  const end = value && value.range ? value.range[2] : (pair.key as Node).range![2];
  return ctx.lineEndAfter(end);
}

/** A block of entries at `indent`, ending with a newline. */
function blockText(value: unknown, indent: string): string {
  const text = stringify(value, { indent: 2, lineWidth: 0 });
  return text
    .split('\n')
    .filter((line, i, all) => i < all.length - 1 || line !== '')
    .map((line) => (line ? indent + line : line))
    .join('\n')
    .concat('\n');
}

function flowText(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 }).trimEnd();
}

/** The new value in the old scalar's style (its quotes, hex), so only the value changes. */
function scalarText(node: Scalar, value: unknown): string {
  if (typeof value === 'string') {
    if (node.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
    if (node.type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && node.format === 'HEX') {
    return `0x${value.toString(16)}`;
  }
  return flowText(value);
}

function isNodeWithRange(node: unknown): node is Node & { range: [number, number, number] } {
  return (isScalar(node) || isCollection(node)) && Array.isArray((node as Node).range);
}

function isObjectLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return isObjectLike(value) && !Array.isArray(value);
}

function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameData(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameData(a[k], b[k]));
  }
  return false;
}

/** The document's data with one edit applied (parents created as maps where missing). */
function applyToData(data: unknown, edit: YamlEdit): unknown {
  if (edit.path.length === 0) return 'remove' in edit ? null : structuredClone(edit.value);
  const root: unknown = isObjectLike(data) ? data : {};
  let parent = root as Record<string | number, unknown>;
  for (const segment of edit.path.slice(0, -1)) {
    const next = parent[segment];
    if (!isObjectLike(next)) parent[segment] = {};
    parent = parent[segment] as Record<string | number, unknown>;
  }
  const last = edit.path.at(-1)!;
  if ('remove' in edit) {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete parent[last];
  } else {
    parent[last] = structuredClone(edit.value);
  }
  return root;
}
