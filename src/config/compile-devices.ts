// `devices:` → DeviceMatch rules, ordered for matching: exact IDs, then patterns in file
// order, then the default.
import type { DeviceMatch } from '../domain/config.js';
import type { YamlPath } from './errors.js';
import type { DeviceRuleYaml } from './schema/points.schema.js';
import { compileRegex } from './units.js';
import type { IssueSink } from './yaml-source.js';

/**
 * `rules` passed the schema. The rule's kind follows the keys written, so a rejected value
 * (dropped) still counts as given, and the rule is then left out without more messages.
 */
export function compileDevices(
  rules: readonly DeviceRuleYaml[],
  profileNames: ReadonlySet<string>,
  sink: IssueSink,
): DeviceMatch[] {
  const ids: DeviceMatch[] = [];
  const patterns: DeviceMatch[] = [];
  let fallback: DeviceMatch | null = null;
  const seenIds = new Map<string, YamlPath>();
  let defaultAt: YamlPath | null = null;

  rules.forEach((m, i) => {
    const at: YamlPath = ['devices', i];
    const written = (key: keyof DeviceRuleYaml): boolean => sink.written([...at, key]);
    const kinds = (['id', 'pattern', 'default'] as const).filter(written);
    if (kinds.length !== 1) {
      sink.add(at, kinds.length === 0 ? 'needs one of id, pattern or default' : `give only one of ${kinds.join(', ')}`);
      return;
    }
    const kind = kinds[0]!;
    if (kind === 'default') {
      for (const key of ['profile', 'name'] as const)
        if (written(key)) sink.add([...at, key], 'does not apply to a default rule');
    } else {
      if (!written('profile')) sink.add([...at, 'profile'], 'is required');
      if (kind === 'pattern' && written('name')) sink.add([...at, 'name'], 'only applies to a rule with an exact id');
    }
    const profileKey = kind === 'default' ? 'default' : 'profile';
    const profile = m[profileKey];
    if (profile === undefined) return;
    if (!profileNames.has(profile)) {
      sink.add([...at, profileKey], `unknown profile "${profile}"${known(profileNames)}`);
      return;
    }

    if (kind === 'default') {
      if (defaultAt) sink.add([...at, 'default'], `a second default (the first is at line ${sink.lineOf(defaultAt)})`);
      else fallback = { kind: 'default', profile };
      defaultAt ??= at;
    } else if (kind === 'pattern') {
      if (m.pattern !== undefined) patterns.push({ kind: 'pattern', pattern: compileRegex(m.pattern), profile });
    } else {
      const id = deviceId(m.id, [...at, 'id'], sink);
      if (id === null) return;
      const first = seenIds.get(id);
      if (first) sink.add([...at, 'id'], `device "${id}" is listed twice (first at line ${sink.lineOf(first)})`);
      else {
        seenIds.set(id, at);
        ids.push({ kind: 'id', id, profile, name: m.name ?? null });
      }
    }
  });
  return fallback ? [...ids, ...patterns, fallback] : [...ids, ...patterns];
}

/**
 * IDs are text. An unquoted `id: 7001` is fine, but `id: 007001` would reach us as the
 * number 7001, so the ID is taken exactly as written.
 */
function deviceId(value: unknown, at: YamlPath, sink: IssueSink): string | null {
  if (typeof value === 'string') return value;
  if (typeof value !== 'number') return null;
  const written = sink.sourceText(at);
  if (written !== null && written !== String(value)) {
    sink.add(at, `write the ID in quotes: unquoted ${written} reads as the number ${value}`);
    return null;
  }
  return String(value);
}

export function known(names: ReadonlySet<string>): string {
  return names.size === 0 ? ' (none are defined)' : ` (known: ${[...names].join(', ')})`;
}
