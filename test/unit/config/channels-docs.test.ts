// docs/CHANNELS.md and schema/channels.schema.ts must list the same keys with the same defaults.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHANNEL_KEYS, COMMON_KEYS } from '../../../src/config/compile-channels.js';
import {
  BACKOFF_SCHEMA,
  CHANNEL_SCHEMA,
  JSON_POINT_SCHEMA,
  OPCUA_ITEM_SCHEMA,
  SUBSCRIPTION_SCHEMA,
  TLS_SCHEMA,
} from '../../../src/config/schema/channels.schema.js';
import type { JsonSchema } from '../../../src/config/schema/common.js';
import { PLC_TAG_SCHEMA, S7_ONLY_TAG_KEYS } from '../../../src/config/schema/s7.schema.js';

type Node = { readonly properties?: Record<string, Node>; readonly default?: unknown; readonly description?: unknown };

const doc = readFileSync(new URL('../../../docs/CHANNELS.md', import.meta.url), 'utf8');

/** The `n`-th `| Field | Default | Meaning |` table after `heading`: key → default cell. */
function documented(heading: string, n = 0): Map<string, string> {
  const start = doc.indexOf(heading);
  expect(start, `docs/CHANNELS.md has ${heading}`).toBeGreaterThanOrEqual(0);
  const table = doc
    .slice(start)
    .split(/\n\n/)
    .filter((part) => part.startsWith('| Field'))[n]!;
  const out = new Map<string, string>();
  for (const [, fields, value] of table.matchAll(/^\| ((?:`[\w.]+`(?:, )?)+) \| ([^|]+) \|/gm)) {
    const keys = [...fields!.matchAll(/`([\w.]+)`/g)].map((m) => m[1]!);
    // `scale`, `offset` | `1`, `0`: one default each; else one for all.
    const values = value!.trim().split(', ');
    keys.forEach((key, i) => out.set(key, values.length === keys.length ? values[i]! : value!.trim()));
  }
  return out;
}

function props(schema: JsonSchema): Record<string, Node> {
  return (schema as Node).properties ?? {};
}

function expectDefaults(rows: Map<string, string>, schema: Record<string, Node>): void {
  for (const [key, node] of Object.entries(schema)) {
    if (node.default === undefined || typeof node.default === 'object') continue;
    expect(`${key}: ${rows.get(key)}`).toBe(`${key}: \`${String(node.default as string | number | boolean)}\``);
  }
}

const channel = props(CHANNEL_SCHEMA);

describe('docs/CHANNELS.md', () => {
  it("documents the fields of every channel with the schema's defaults", () => {
    const rows = documented('### Fields of every channel');
    const backoff = Object.fromEntries(Object.entries(props(BACKOFF_SCHEMA)).map(([k, v]) => [`backoff.${k}`, v]));
    const common = {
      ...Object.fromEntries(COMMON_KEYS.filter((k) => k !== 'backoff').map((k) => [k, channel[k]!])),
      ...backoff,
    };
    expect([...rows.keys()].sort()).toEqual(Object.keys(common).sort());
    expectDefaults(rows, common);
  });

  for (const [type, heading] of [
    ['mqtt', '## MQTT subscribe'],
    ['http', '## HTTP polling'],
    ['modbus-tcp', '## Modbus TCP'],
    ['rtu-over-tcp', '## Modbus RTU over TCP'],
    ['opcua', '## OPC UA'],
    ['mc', '## Mitsubishi MC protocol'],
  ] as const) {
    it(`documents every ${type} key with the schema's default`, () => {
      const rows = documented(heading);
      expect([...rows.keys()].sort()).toEqual([...CHANNEL_KEYS[type]].sort());
      expectDefaults(rows, Object.fromEntries(CHANNEL_KEYS[type].map((k) => [k, channel[k]!])));
    });
  }

  for (const [what, heading, n, schema] of [
    ['tls', '## MQTT subscribe', 1, TLS_SCHEMA],
    ['subscription', '## MQTT subscribe', 2, SUBSCRIPTION_SCHEMA],
    ['mapped point', '### Points fed from JSON or OPC UA', 0, JSON_POINT_SCHEMA],
    ['mc tag', '## Mitsubishi MC protocol', 1, PLC_TAG_SCHEMA],
  ] as const) {
    it(`documents every ${what} key with the schema's default`, () => {
      const rows = documented(heading, n);
      const keys = Object.entries(props(schema)).filter(
        ([key]) => what !== 'mc tag' || !(S7_ONLY_TAG_KEYS as readonly string[]).includes(key),
      );
      expect([...rows.keys()].sort()).toEqual(keys.map(([key]) => key).sort());
      expectDefaults(rows, Object.fromEntries(keys));
    });
  }

  it("documents the OPC UA item's samplingInterval default", () => {
    const value = String(props(OPCUA_ITEM_SCHEMA)['samplingInterval']!.default);
    expect(documented('## OPC UA').get('items')).toBeDefined();
    expect(doc).toContain(`\`samplingInterval\` (default \`${value}\`)`);
  });

  it('gives every channel key a description in the schema', () => {
    const missing: string[] = [];
    for (const [name, schema] of Object.entries({
      channel: CHANNEL_SCHEMA,
      backoff: BACKOFF_SCHEMA,
      tls: TLS_SCHEMA,
      subscription: SUBSCRIPTION_SCHEMA,
      point: JSON_POINT_SCHEMA,
      item: OPCUA_ITEM_SCHEMA,
      tag: PLC_TAG_SCHEMA,
    }))
      for (const [key, node] of Object.entries(props(schema)))
        if (typeof node.description !== 'string') missing.push(`${name}.${key}`);
    expect(missing).toEqual([]);
  });
});
