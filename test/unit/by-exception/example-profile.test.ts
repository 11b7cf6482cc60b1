// The history policies written (commented out) in the shipped config/points.yml: they load
// once uncommented, and the share of samples each keeps on the simulator's signals for the
// example profile is the one docs/CONFIG.md states.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExceptionFilter } from '../../../src/by-exception/index.js';
import { loadConfig } from '../../../src/config/load.js';
import type { DeviceProfile } from '../../../src/domain/config.js';
import type { Sample } from '../../../src/domain/point.js';
import { RegisterModel } from '../../../src/simulator/index.js';
import { MINIMAL_SERVER, withConfigDir } from '../config/temp-config.js';

const CONFIG = fileURLToPath(new URL('../../../config/points.yml', import.meta.url));
const DOCS = fileURLToPath(new URL('../../../docs/CONFIG.md', import.meta.url));
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
/** sessions.heartbeatInterval of the shipped server.yml: the `speed` task's pace. */
const HEARTBEAT_MS = MINUTE;
const DEVICES = 10;

/** The example profile with its `# history:` lines switched on. */
function exampleProfile(): DeviceProfile {
  const points = readFileSync(CONFIG, 'utf8').replace(/^(\s*)# (history: )/gm, '$1$2');
  return withConfigDir({ server: MINIMAL_SERVER, points }, (dir) => loadConfig(dir, {}).points.profiles).get(
    'th-station',
  )!;
}

/** A day of polls of `devices` simulated DTUs, as their tasks schedule them: samples offered and stored per point. */
function simulateDay(profile: DeviceProfile): Map<string, { offered: number; stored: number }> {
  const counts = new Map(profile.points.map((p) => [p.name, { offered: 0, stored: 0 }]));
  const filter = new ExceptionFilter();
  const start = Date.UTC(2026, 0, 5);
  for (let d = 0; d < DEVICES; d++) {
    const deviceId = `DTU0100${d}`;
    const model = new RegisterModel(profile, deviceId, deviceId);
    const polls: { at: number; points: DeviceProfile['points'] }[] = [];
    for (const task of profile.tasks) {
      const every = task.schedule.kind === 'interval' ? task.schedule.everyMs : HEARTBEAT_MS;
      const points = task.blocks.flatMap((b) => b.points);
      for (let at = start; at < start + DAY; at += every) polls.push({ at, points });
    }
    polls.sort((a, b) => a.at - b.at);
    for (const { at, points } of polls) {
      for (const point of points) {
        const value = Number(model.pointValue(point.name, at));
        const sample: Sample = {
          deviceId,
          point: point.name,
          slave: 1,
          address: point.address,
          value,
          text: null,
          raw: '',
          ts: at,
          quality: 'good',
        };
        counts.get(point.name)!.offered++;
        counts.get(point.name)!.stored += filter.offer(sample, point.history).length;
      }
    }
    for (const held of filter.release(deviceId)) counts.get(held.point)!.stored++;
  }
  return counts;
}

/** `| \`point\` | … | 12 % | …` rows of the table under the marker: point → the share column. */
function documentedShares(): Map<string, string> {
  const doc = readFileSync(DOCS, 'utf8');
  const start = doc.indexOf('<!-- store-by-exception shares -->');
  expect(start, 'docs/CONFIG.md has the shares table').toBeGreaterThan(0);
  const table = doc.slice(start).split(/\n\n/)[1]!.split('\n');
  const column = table[0]!.split('|').findIndex((h) => h.trim() === 'Stored');
  return new Map(
    table
      .slice(2)
      .map((row) => row.split('|'))
      .map((cells) => [cells[1]!.trim().replace(/`/g, ''), cells[column]!.trim()]),
  );
}

describe('the example history policies', () => {
  const profile = exampleProfile();

  it('load once uncommented, as the example describes them', () => {
    const policies = Object.fromEntries(profile.points.map((p) => [p.name, p.history]));
    const maxIntervalMs = 15 * MINUTE;
    expect(policies).toEqual({
      temperature: { mode: 'swinging-door', deviation: 0.2, maxIntervalMs },
      humidity: { mode: 'swinging-door', deviation: 0.5, maxIntervalMs },
      pressure: { mode: 'deadband', deviation: 0.05, maxIntervalMs },
      flow_rate: { mode: 'swinging-door', deviation: 0.5, maxIntervalMs },
      status: { mode: 'on-change', maxIntervalMs },
      voltage: { mode: 'deadband', deviation: 1, maxIntervalMs },
      current: { mode: 'deadband', deviation: 0.1, maxIntervalMs },
      rpm: { mode: 'deadband', deviation: 10, maxIntervalMs },
      frequency: { mode: 'deadband', deviation: 0.1, maxIntervalMs },
    });
  });

  it('keep the share of samples on the simulator that docs/CONFIG.md states', () => {
    const counts = simulateDay(profile);
    const percent = (offered: number, stored: number) => `${Math.round((100 * stored) / offered)} %`;
    const measured = new Map([...counts].map(([point, c]) => [point, percent(c.offered, c.stored)]));
    const total = [...counts.values()].reduce((t, c) => ({
      offered: t.offered + c.offered,
      stored: t.stored + c.stored,
    }));
    measured.set('all nine', percent(total.offered, total.stored));
    expect(documentedShares()).toEqual(measured);
  });
});
