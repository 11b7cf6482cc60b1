// docs/EVENTS.md and schema/rules.schema.ts must list the same webhook and rule keys with the same defaults.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_SCHEMA, WEBHOOK_SCHEMA } from '../../../src/config/schema/rules.schema.js';

type Node = {
  readonly type?: unknown;
  readonly properties?: Record<string, Node>;
  readonly required?: readonly string[];
  readonly default?: unknown;
};

/** Leaf keys, dotted below a mapping (`retry.maxDelay`), with their defaults. */
function leaves(node: Node, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (child.type === 'object' && child.properties)
      for (const [k, v] of leaves(child, `${prefix}${key}.`)) out.set(k, v);
    else out.set(`${prefix}${key}`, child.default);
  }
  return out;
}

const doc = readFileSync(new URL('../../../docs/EVENTS.md', import.meta.url), 'utf8');

/** The Default column of the first key table under `heading`, by key (`a` / `b` rows give both). */
function defaultsTable(heading: string): Map<string, string> {
  const table = doc
    .slice(doc.indexOf(heading))
    .split(/\n\n/)
    .find((part) => part.startsWith('| Key'))!;
  const rows = new Map<string, string>();
  for (const [, fields, value] of table.matchAll(/^\| ((?:`[\w.]+`(?: \/ )?)+) \| ([^|]+) \|/gm))
    for (const [, key] of fields!.matchAll(/`([\w.]+)`/g)) rows.set(key!, value!.trim());
  return rows;
}

describe('docs/EVENTS.md', () => {
  it("documents every webhook key with the schema's default", () => {
    const rows = defaultsTable('### webhooks');
    const keys = leaves(WEBHOOK_SCHEMA as Node);
    expect([...rows.keys()].sort()).toEqual([...keys.keys()].sort());
    for (const [key, value] of keys)
      if (value !== undefined) expect(`${key}: ${rows.get(key)}`).toBe(`${key}: \`${String(value as string)}\``);
  });

  it("documents every rule key with the schema's default, and which are required", () => {
    const rows = defaultsTable('### rules');
    const rule = RULE_SCHEMA as Node;
    const keys = Object.entries(rule.properties!);
    expect([...rows.keys()].sort()).toEqual(keys.map(([key]) => key).sort());
    for (const [key, child] of keys) {
      const expected = rule.required!.includes(key)
        ? 'required'
        : child.default === undefined
          ? rows.get(key)!.replace(/^(required|`.*`)$/, 'what absence means') // no default: free text
          : `\`${typeof child.default === 'string' && child.default !== '' ? child.default : JSON.stringify(child.default)}\``;
      expect(`${key}: ${rows.get(key)}`).toBe(`${key}: ${expected}`);
    }
  });
});
