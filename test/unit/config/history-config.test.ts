// `history:` in points.yml: a profile default, a point's own policy replacing it, and the
// problems reported with file, line and field.
import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import type { HistoryPolicy } from '../../../src/domain/history-policy.js';
import { MINIMAL_SERVER, withConfigDir } from './temp-config.js';

/** A profile with a float, a register bit and a string point; `profile` and `point` are inserted YAML lines. */
function pointsYml(profile: string, temperature = '', status = ''): string {
  return `version: 1
links:
  transparent:
    framing: transparent
profiles:
  station:
${profile}    tasks:
      - { name: all, points: all, every: 30s }
    points:
      - name: temperature
        address: 0
        type: float32
${temperature}      - name: status
        address: 2
        type: bool
        bit: 0
${status}      - name: label
        address: 3
        type: string
        size: 4 bytes
devices:
  - default: station
`;
}

function policies(points: string): Record<string, HistoryPolicy> {
  return withConfigDir({ server: MINIMAL_SERVER, points }, (dir) => {
    const profile = loadConfig(dir, {}).points.profiles.get('station')!;
    return Object.fromEntries(profile.points.map((p) => [p.name, p.history]));
  });
}

function problems(points: string): string[] {
  return withConfigDir({ server: MINIMAL_SERVER, points }, (dir) => {
    try {
      loadConfig(dir, {});
    } catch (err) {
      return (err as ConfigError).issues.map((i) => `points.yml:${i.line}:${i.column} ${i.field}: ${i.message}`);
    }
    throw new Error('expected the config to be rejected');
  });
}

const MIN = 60_000;

describe('history policies in points.yml', () => {
  it('stores every sample of every point when nothing says otherwise', () => {
    expect(policies(pointsYml(''))).toEqual({
      temperature: { mode: 'every' },
      status: { mode: 'every' },
      label: { mode: 'every' },
    });
  });

  it("gives every point its profile's policy, and bool and string points on-change under a deadband", () => {
    const p = policies(pointsYml('    history: { mode: deadband, deviation: 0.5, maxInterval: 10m }\n'));
    expect(p).toEqual({
      temperature: { mode: 'deadband', deviation: 0.5, maxIntervalMs: 10 * MIN },
      status: { mode: 'on-change', maxIntervalMs: 10 * MIN },
      label: { mode: 'on-change', maxIntervalMs: 10 * MIN },
    });
  });

  it("lets a point's own history replace the profile's as a whole, maxInterval defaulting to 15 minutes", () => {
    const p = policies(
      pointsYml(
        '    history: { mode: on-change, maxInterval: 1h }\n',
        '        history: { mode: swinging-door, deviation: 0.2 }\n',
        '        history: { mode: every }\n',
      ),
    );
    expect(p).toEqual({
      temperature: { mode: 'swinging-door', deviation: 0.2, maxIntervalMs: 15 * MIN },
      status: { mode: 'every' },
      label: { mode: 'on-change', maxIntervalMs: 60 * MIN },
    });
  });

  it('turns a percent deviation into one in the point’s unit, as a percent of its span', () => {
    const p = policies(pointsYml('', '        history: { mode: deadband, deviationPercent: 0.5, span: 80 }\n'));
    expect(p['temperature']).toEqual({ mode: 'deadband', deviation: 0.4, maxIntervalMs: 15 * MIN });
  });

  it('names file, line and field of every history problem at once', () => {
    const points = pointsYml(
      '    history: { mode: every, deviation: 1, maxInterval: 5m }\n',
      '        history: { mode: deadband, deviationPercent: 2, maxInterval: 0 }\n',
      '        history: { mode: on-change, deviation: 1, span: 10 }\n',
    );
    expect(problems(points)).toEqual([
      'points.yml:7:29 profiles.station.history.deviation: does not apply to mode every (every sample is stored)',
      'points.yml:7:43 profiles.station.history.maxInterval: does not apply to mode every (every sample is stored)',
      "points.yml:14:9 profiles.station.points[0].history: deviationPercent needs span: the point's range (high − low) in its unit",
      'points.yml:14:57 profiles.station.points[0].history.maxInterval: must be longer than 0',
      'points.yml:19:37 profiles.station.points[1].history.deviation: does not apply to mode on-change (every change is stored)',
      'points.yml:19:51 profiles.station.points[1].history.span: does not apply to mode on-change (every change is stored)',
    ]);
  });

  it('reports a numeric mode without a deviation, two deviations, and values out of range', () => {
    const points = pointsYml(
      '    history: { mode: swinging-door }\n',
      '        history: { mode: deadband, deviation: 1, deviationPercent: 5, span: 100 }\n',
      '        history: { mode: deadband, deviation: -1, mode2: x }\n',
    );
    expect(problems(points)).toEqual([
      'points.yml:7:5 profiles.station.history: mode swinging-door needs deviation (or deviationPercent with span)',
      'points.yml:14:9 profiles.station.points[0].history: give either deviation or deviationPercent, not both',
      'points.yml:19:36 profiles.station.points[1].history.deviation: must be ≥ 0',
      'points.yml:19:51 profiles.station.points[1].history.mode2: unknown key (did you mean "mode"?)',
    ]);
  });

  it('refuses an unknown mode and a span without a percent', () => {
    const points = pointsYml(
      '    history: { mode: sometimes }\n',
      '        history: { mode: deadband, deviation: 1, span: 100 }\n',
    );
    expect(problems(points)).toEqual([
      'points.yml:7:16 profiles.station.history.mode: must be one of: every, on-change, deadband, swinging-door',
      'points.yml:14:50 profiles.station.points[0].history.span: only applies with deviationPercent (the span it is a percent of)',
    ]);
  });
});
