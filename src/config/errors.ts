// Config problems are collected, never thrown one by one: a user fixing a config file
// wants the whole list at once, each with the file, line and YAML path.

import type { ConfigIssue } from '../domain/config-reload.js';

export type { ConfigIssue };

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`invalid configuration (${count}):\n${formatConfigIssues(issues)}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** One line per issue: `config/points.yml:42:7 profiles.x.points[3].address: must be ≤ 65535`. */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  return issues.map(formatConfigIssue).join('\n');
}

export function formatConfigIssue(issue: ConfigIssue): string {
  let where = issue.file;
  if (issue.line !== null) where += `:${issue.line}`;
  if (issue.line !== null && issue.column !== null) where += `:${issue.column}`;
  return issue.field ? `${where} ${issue.field}: ${issue.message}` : `${where} ${issue.message}`;
}

/** A path into a YAML document: map keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** `['profiles', 'th-station', 'points', 3, 'address']` → `profiles.th-station.points[3].address`. */
export function formatYamlPath(path: YamlPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[\p{L}\p{N}_-]+$/u.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Orders issues by file, then position, and drops exact duplicates. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = `${i.file}\0${i.line}\0${i.column}\0${i.field}\0${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.field.localeCompare(b.field),
  );
}

/** `/profiles/th-station/points/3` → ['profiles', 'th-station', 'points', 3]. */
export function parsePointer(pointer: string): YamlPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}
