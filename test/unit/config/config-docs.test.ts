// docs/CONFIG.md and the schemas must list the same keys with the same defaults.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  HISTORY_SCHEMA,
  POINT_SCHEMA,
  POINTS_SCHEMA,
  REGISTRATION_SCHEMA,
  TASK_SCHEMA,
  TIMING_SCHEMA,
} from '../../../src/config/schema/points.schema.js';
import { SERVER_SCHEMA } from '../../../src/config/schema/server.schema.js';

type Node = {
  readonly type?: unknown;
  readonly properties?: Record<string, Node>;
  readonly items?: Node;
  readonly default?: unknown;
};

/** Channels are documented in CHANNELS.md; `version` in the file header. */
const SECTIONS = ['listeners', 'web', 'metrics', 'sessions', 'storage', 'writeBuffer', 'retention', 'logging'] as const;

/** Mappings documented in a table of their own, not as dotted rows of the table above them. */
const OWN_TABLE = new Set(['history']);

/** Leaf keys of a section, dotted below it (`lockout.duration`), with their defaults. */
function leaves(node: Node, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (child.type === 'object' && child.properties && !OWN_TABLE.has(key))
      for (const [k, v] of leaves(child, `${prefix}${key}.`)) out.set(k, v);
    else out.set(`${prefix}${key}`, child.default);
  }
  return out;
}

/** The first `| Field | Type | Default | Meaning |` table after `heading`: key → default column. */
function documented(doc: string, heading: string): Map<string, string> {
  const start = doc.indexOf(heading);
  expect(start, `docs/CONFIG.md has ${heading}`).toBeGreaterThanOrEqual(0);
  const body = doc
    .slice(start)
    .split(/\n\n/)
    .find((part) => part.startsWith('| Field'))!;
  // A cell may hold an escaped `\|` (`sqlite` \| `mysql`).
  const cell = String.raw`((?:[^|\\]|\\.)+)`;
  const row = new RegExp(String.raw`^\| \`([\w.]+)\` \|${cell}\|${cell}\|`, 'gm');
  return new Map([...body.matchAll(row)].map((m) => [m[1]!, m[3]!.trim()]));
}

/** How CONFIG.md writes a default: `60s`, `true`, and "empty" for an empty string. */
function asDocumented(value: unknown): string {
  return value === '' ? 'empty' : `\`${String(value)}\``;
}

describe('docs/CONFIG.md', () => {
  const doc = readFileSync(new URL('../../../docs/CONFIG.md', import.meta.url), 'utf8');

  for (const section of SECTIONS) {
    it(`documents every server.yml ${section} key with the schema's default`, () => {
      const schema = SERVER_SCHEMA.properties[section] as Node;
      const keys = leaves(schema.items ?? schema);
      const rows = documented(doc, `### \`${section}\``);
      expect([...rows.keys()].sort()).toEqual([...keys.keys()].sort());
      for (const [key, value] of keys) {
        if (value !== undefined) expect(`${key}: ${rows.get(key)}`).toBe(`${key}: ${asDocumented(value)}`);
      }
    });
  }

  it("documents every points.yml timing key with the schema's default", () => {
    const keys = leaves(TIMING_SCHEMA as Node);
    const rows = documented(doc, '**`timing`**');
    expect([...rows.keys()].sort()).toEqual([...keys.keys()].sort());
    for (const [key, value] of keys) expect(`${key}: ${rows.get(key)}`).toBe(`${key}: ${asDocumented(value)}`);
  });

  it("documents the links and profiles keys with the schema's defaults", () => {
    const entries = POINTS_SCHEMA.properties;
    for (const [heading, schema] of [
      ['### `links`', entries.links],
      ['### `profiles`', entries.profiles],
    ] as const) {
      const entry = (schema as unknown as { additionalProperties: Node }).additionalProperties;
      const rows = documented(doc, heading);
      expect([...rows.keys()].sort()).toEqual(Object.keys(entry.properties ?? {}).sort());
      for (const [key, child] of Object.entries(entry.properties ?? {})) {
        // Mappings with their own defaults (timing, typed) are documented as "see below".
        if (child.default === undefined || child.type === 'object' || Array.isArray(child.default)) continue;
        expect(`${key}: ${rows.get(key)}`).toBe(
          `${key}: ${child.default === '' ? '`""`' : asDocumented(child.default)}`,
        );
      }
    }
  });

  for (const [what, heading, schema] of [
    ['point', '**Points** (`points:`)', POINT_SCHEMA],
    ['task', '**Tasks** (`tasks:`)', TASK_SCHEMA],
    ['history', '**History** (`history:`)', HISTORY_SCHEMA],
  ] as const) {
    it(`documents every points.yml ${what} key with the schema's default`, () => {
      const keys = leaves(schema as Node);
      const rows = documented(doc, heading);
      expect([...rows.keys()].sort()).toEqual([...keys.keys()].sort());
      for (const [key, value] of keys) {
        if (value !== undefined) expect(`${key}: ${rows.get(key)}`).toBe(`${key}: ${asDocumented(value)}`);
      }
    });
  }

  it("documents the defaults of each registration rule type with the schema's", () => {
    const start = doc.indexOf('**Registration rules**');
    const table = doc.slice(start, doc.indexOf('\n\n', doc.indexOf('| `type`', start)));
    for (const branch of REGISTRATION_SCHEMA['oneOf'] as Node[]) {
      const { type, ...fields } = branch.properties!;
      expect(table).toContain(
        `\`mode: ${String(fields['mode']!.default as string)}\` (sent once after connecting,\nthe default)`,
      );
      const row = table
        .split('\n')
        .find((line) => line.startsWith(`| \`${String((type as { const: string }).const)}\``));
      expect(row).toBeDefined();
      for (const [key, field] of Object.entries(fields)) {
        if (field.default === undefined || key === 'mode') continue;
        const value = String(field.default as string | number);
        // `maxLength` (1–128, default 40); `endian` (`big` \| `little`; default `big`)
        expect(row).toMatch(new RegExp(`\`${key}\` \\([^)]*default \`?${value}\`?\\)`));
      }
    }
  });

  it('gives every server.yml key a description in the schema', () => {
    const missing: string[] = [];
    for (const section of SECTIONS) {
      const schema = SERVER_SCHEMA.properties[section] as Node;
      const visit = (node: Node, at: string): void => {
        for (const [key, child] of Object.entries(node.properties ?? {})) {
          if (child.type === 'object' && child.properties) visit(child, `${at}.${key}`);
          else if (typeof (child as { description?: unknown }).description !== 'string') missing.push(`${at}.${key}`);
        }
      };
      visit(schema.items ?? schema, section);
    }
    expect(missing).toEqual([]);
  });
});
