// Writes a throwaway config directory for a test and removes it afterwards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
