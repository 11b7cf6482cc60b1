// A parsed YAML file that remembers where every value came from, so any problem found
// later (schema, cross-field, compile) can be reported with its line and column.
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigIssue, YamlPath } from './errors.js';
import { formatYamlPath } from './errors.js';

export interface YamlSource {
  /** The path shown in messages, e.g. `config/points.yml`. */
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

export const DUPLICATE_KEY_MESSAGE = 'duplicate key: each name may appear only once in a mapping';

/** Parses `text`; YAML syntax errors (including duplicate keys) come back as issues. */
export function parseYamlSource(file: string, text: string): { source: YamlSource; issues: ConfigIssue[] } {
  const lineCounter = new LineCounter();
  // uniqueKeys: a key given twice is almost always a copy-paste mistake.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const issues = doc.errors.map((err): ConfigIssue => {
    const pos = lineCounter.linePos(err.pos[0]);
    const message = err.code === 'DUPLICATE_KEY' ? DUPLICATE_KEY_MESSAGE : `YAML: ${firstLine(err.message)}`;
    return { file, line: pos.line, column: pos.col, field: '', message };
  });
  return { source: { file, doc, lineCounter }, issues };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Where `path` is in the file. A map entry is located at its key, a sequence item at the
 * item. When the path does not exist (a missing field), the deepest existing parent is used.
 */
export function locate(source: YamlSource, path: YamlPath): Position {
  let node: unknown = source.doc.contents;
  let at = nodeStart(node) ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      // The last pair wins, as in the parsed data, should a key be duplicated.
      const pair = node.items.findLast((p) => isPair(p) && keyText(p.key) === String(segment));
      if (!pair) break;
      at = nodeStart(pair.key) ?? at;
      node = pair.value;
      continue;
    }
    if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      at = nodeStart(item) ?? at;
      node = item;
      continue;
    }
    break;
  }
  const pos = source.lineCounter.linePos(at);
  return { line: pos.line, column: pos.col };
}

/** The scalar's text exactly as written (`0102` stays `0102`, not 102), or null. */
export function scalarSourceText(source: YamlSource, path: YamlPath): string | null {
  const node = source.doc.getIn(path, true);
  if (!isScalar(node)) return null;
  if (typeof node.source === 'string') return node.source;
  return node.value === null || node.value === undefined ? null : String(node.value);
}

function keyText(key: unknown): string | null {
  if (isScalar(key)) return String(key.value);
  return null;
}

function nodeStart(node: unknown): number | null {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : null;
}

/** Collects issues for one file, resolving each path to a position. */
export class IssueSink {
  constructor(
    private readonly file: string,
    private readonly source: YamlSource | null,
    private readonly out: ConfigIssue[],
  ) {}

  add(path: YamlPath, message: string): void {
    const pos = this.source ? locate(this.source, path) : null;
    this.out.push({
      file: this.file,
      line: pos?.line ?? null,
      column: pos?.column ?? null,
      field: formatYamlPath(path),
      message,
    });
  }

  /** `line 12` for pointing at a related entry in a message, or null without a source. */
  lineOf(path: YamlPath): number | null {
    return this.source ? locate(this.source, path).line : null;
  }

  /** Whether the file itself sets `path` (a default filled in by the schema does not count). */
  written(path: YamlPath): boolean {
    return this.source ? this.source.doc.hasIn(path) : false;
  }

  /** Whether the file sets `path` to something other than null (`host:` alone is not set). */
  writtenValue(path: YamlPath): boolean {
    return this.written(path) && this.source!.doc.getIn(path) !== null;
  }

  /** The keys the file itself sets in the mapping at `path`, in file order. */
  writtenKeys(path: YamlPath): string[] {
    const node = this.source?.doc.getIn(path, true);
    if (!isMap(node)) return [];
    return node.items.flatMap((pair) => {
      const key = keyText(pair.key);
      return key === null ? [] : [key];
    });
  }

  sourceText(path: YamlPath): string | null {
    return this.source ? scalarSourceText(this.source, path) : null;
  }
}
