// Writes a throwaway config directory for a test and removes it afterwards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';

export const MINIMAL_SERVER = `version: 1
listeners:
  - name: dtu
    port: 22334
    link: transparent
`;

export const MINIMAL_POINTS = `version: 1
links:
  transparent:
    framing: transparent
profiles:
  station:
    tasks:
      - name: all
        points: all
        every: 30s
    points:
      - name: temperature
        address: 0
        type: int16
devices:
  - default: station
`;

export function withConfigDir<T>(
  files: { server?: string; points?: string; rules?: string },
  run: (dir: string) => T,
): T {
  const dir = mkdtempSync(join(tmpdir(), 'dtuhub-config-'));
  try {
    if (files.server !== undefined) writeFileSync(join(dir, 'server.yml'), files.server);
    if (files.points !== undefined) writeFileSync(join(dir, 'points.yml'), files.points);
    if (files.rules !== undefined) writeFileSync(join(dir, 'rules.yml'), files.rules);
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `server` with the minimal points.yml, loaded as dtuhub loads a config directory. */
export function loadServer(server: string, env: Record<string, string> = {}) {
  return withConfigDir({ server, points: MINIMAL_POINTS }, (dir) => loadConfig(dir, env));
}

/** What loading `server` reports, as `line:field: message`; empty when it loads. */
export function serverIssues(server: string): string[] {
  try {
    loadServer(server);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.line}:${i.field}: ${i.message}`);
    throw err;
  }
  return [];
}
