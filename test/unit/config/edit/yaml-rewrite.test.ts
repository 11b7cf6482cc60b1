// The config editor's YAML writer on the shipped example files: one field edited, every
// other byte (comments, their alignment, key order, untouched sections) as it was.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffLines } from '../../../../src/config/edit/line-diff.js';
import { applyYamlEdits, yamlData } from '../../../../src/config/edit/yaml-rewrite.js';

const shipped = (file: string) => readFileSync(new URL(`../../../../config/${file}`, import.meta.url), 'utf8');

/** Lines that differ, as [line number, before, after]; both texts must have as many lines. */
function changedLines(before: string, after: string): [number, string, string][] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [[i + 1, line, b[i]!] as [number, string, string]]));
}

describe('applyYamlEdits', () => {
  it('changes exactly one line of the shipped points.yml when one point scale is edited', () => {
    const text = shipped('points.yml');
    const data = yamlData(text) as any;
    const point = data.profiles['th-station'].points[0];
    expect(point.scale).toBe(0.1);
    const after = applyYamlEdits(text, [{ path: ['profiles', 'th-station', 'points', 0, 'scale'], value: 0.01 }]);
    const changed = changedLines(text, after);
    expect(changed).toHaveLength(1);
    const [, was, now] = changed[0]!;
    expect(was).toMatch(/^\s+scale: 0\.1\s+# 精度 0\.1$/);
    expect(now).toBe(was.replace('scale: 0.1', 'scale: 0.01'));
  });

  it('changes exactly one line when a whole profile is sent back with one field changed', () => {
    const text = shipped('points.yml');
    const profile = structuredClone((yamlData(text) as any).profiles['th-station']);
    profile.points[2].scale = 0.5;
    const after = applyYamlEdits(text, [{ path: ['profiles', 'th-station'], value: profile }]);
    expect(changedLines(text, after)).toHaveLength(1);
    expect((yamlData(after) as any).profiles['th-station'].points[2].scale).toBe(0.5);
  });

  it('keeps rules.yml byte-identical outside an edited webhook timeout', () => {
    const text = shipped('rules.yml');
    const after = applyYamlEdits(text, [{ path: ['webhooks', 'ops', 'timeout'], value: '9s' }]);
    expect(changedLines(text, after)).toEqual([[21, '    timeout: 5s', '    timeout: 9s']]);
  });

  it('appends a new point at the list indentation and removes one without touching the rest', () => {
    const text = shipped('points.yml');
    const points = (yamlData(text) as any).profiles['th-station'].points as Record<string, unknown>[];
    const added = { name: 'extra', address: 300, type: 'uint16', scale: 2 };
    const grown = applyYamlEdits(text, [{ path: ['profiles', 'th-station', 'points', points.length], value: added }]);
    expect((yamlData(grown) as any).profiles['th-station'].points.at(-1)).toEqual(added);
    expect(grown.startsWith(text.slice(0, text.indexOf('devices:')).split('\n').slice(0, 60).join('\n'))).toBe(true);
    const shrunk = applyYamlEdits(grown, [{ path: ['profiles', 'th-station', 'points', points.length], remove: true }]);
    expect(shrunk).toBe(text);
  });

  it('writes a changed flow list in flow style on its own line', () => {
    const text = shipped('rules.yml');
    const after = applyYamlEdits(text, [{ path: ['rules', 0, 'on'], value: ['device.online'] }]);
    expect(changedLines(text, after)).toEqual([
      [41, '    on: [device.online, device.offline]', '    on: [device.online]'],
    ]);
  });

  it('keeps ${ENV} references as text', () => {
    const text = 'a: ${HOME}\nb: 1 # note\n';
    expect(applyYamlEdits(text, [{ path: ['b'], value: 2 }])).toBe('a: ${HOME}\nb: 2 # note\n');
  });
});

describe('diffLines', () => {
  it('marks the one changed line of an edit and keeps the rest as context', () => {
    const before = 'a: 1\nb: 2\nc: 3\n';
    const after = 'a: 1\nb: 20\nc: 3\nd: 4\n';
    expect(diffLines(before, after).map((l) => `${l.op}${l.oldLine ?? '-'}/${l.newLine ?? '-'} ${l.text}`)).toEqual([
      ' 1/1 a: 1',
      '-2/- b: 2',
      '+-/2 b: 20',
      ' 3/3 c: 3',
      '+-/4 d: 4',
    ]);
  });
});

describe('applyYamlEdits on flow (JSON) files', () => {
  it('changes one value in place and keeps the rest of the JSON text', () => {
    const text = '{\n  "a": {\n    "b": 1,\n    "c": [1, 2]\n  }\n}\n';
    expect(applyYamlEdits(text, [{ path: ['a', 'b'], value: 5 }])).toBe(text.replace('"b": 1', '"b": 5'));
    const grown = applyYamlEdits(text, [{ path: ['a', 'c', 2], value: 3 }]);
    expect(yamlData(grown)).toEqual({ a: { b: 1, c: [1, 2, 3] } });
    expect(grown).toBe(text.replace('[1, 2]', '[1, 2, 3]'));
  });
});
