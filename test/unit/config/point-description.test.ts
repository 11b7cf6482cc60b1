// A point's `description:` in points.yml: plain text for every UI language, or { zh, en },
// and the problems reported with file, line and field.
import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import type { PointDescription } from '../../../src/domain/point.js';
import { MINIMAL_SERVER, withConfigDir } from './temp-config.js';

/** A profile with one point; `description` is the YAML value written after `description:`. */
function pointsYml(description: string): string {
  return `version: 1
links:
  transparent:
    framing: transparent
profiles:
  station:
    tasks:
      - { name: all, points: all, every: 30s }
    points:
      - name: temperature
        address: 0
        type: int16
        description: ${description}
devices:
  - default: station
`;
}

function described(description: string): PointDescription | undefined {
  return withConfigDir({ server: MINIMAL_SERVER, points: pointsYml(description) }, (dir) => {
    return loadConfig(dir, {}).points.profiles.get('station')!.points[0]!.description;
  });
}

function problems(description: string): string[] {
  return withConfigDir({ server: MINIMAL_SERVER, points: pointsYml(description) }, (dir) => {
    try {
      loadConfig(dir, {});
    } catch (err) {
      return (err as ConfigError).issues.map((i) => `points.yml:${i.line} ${i.field}: ${i.message}`);
    }
    throw new Error('expected the config to be rejected');
  });
}

describe('point description', () => {
  it('shows plain text in every language', () => {
    expect(described('温度')).toEqual({ zh: '温度', en: '温度' });
  });

  it('keeps a text per language', () => {
    expect(described('{ zh: 温度, en: Temperature }')).toEqual({ zh: '温度', en: 'Temperature' });
  });

  it('shows the one language given in the other too', () => {
    expect(described('{ zh: 湿度 }')).toEqual({ zh: '湿度', en: '湿度' });
    expect(described('{ en: Humidity }')).toEqual({ zh: 'Humidity', en: 'Humidity' });
  });

  it('names the line of an empty mapping, an unknown language and a wrong type', () => {
    const field = 'profiles.station.points[0].description';
    expect(problems('{}')).toEqual([`points.yml:13 ${field}: give zh, en or both (or plain text for every language)`]);
    expect(problems('{ zh: 温度, fr: Température }')).toEqual([
      `points.yml:13 ${field}.fr: unknown key (did you mean "zh"?)`,
    ]);
    expect(problems('[温度]')).toEqual([`points.yml:13 ${field}: must be text or { zh: 中文, en: English }`]);
    expect(problems('{ zh: 5 }')).toEqual([`points.yml:13 ${field}.zh: must be a string`]);
  });
});
