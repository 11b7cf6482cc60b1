import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { shortestScheduledPeriodMs, timerResolutionMs } from '../../../src/gateway/timer-resolution.js';
import { MINIMAL_POINTS, MINIMAL_SERVER, withConfigDir } from '../config/temp-config.js';

/** MINIMAL_SERVER with a `sessions:` block. */
function serverWith(sessions: string): string {
  return `${MINIMAL_SERVER}sessions:\n${sessions}`;
}

/** MINIMAL_POINTS (one task every 30 s, default 3 s response timeout) with another poll period and timeout. */
function pointsWith(every: string, responseTimeout: string): string {
  return MINIMAL_POINTS.replace('every: 30s', `every: ${every}`).replace('  station:\n', `  station:\n    timing:\n      responseTimeout: ${responseTimeout}\n`);
}

function resolutionOf(files: { server?: string; points?: string }): { shortest: number; step: number } {
  return withConfigDir({ server: MINIMAL_SERVER, points: MINIMAL_POINTS, ...files }, (dir) => {
    const { server, points } = loadConfig(dir);
    return { shortest: shortestScheduledPeriodMs(server.sessions, points), step: timerResolutionMs(server.sessions, points) };
  });
}

describe('the scheduler timer resolution', () => {
  it('is 5 % of the shortest response timeout, poll interval or heartbeat period, capped at 50 ms', () => {
    // Defaults: heartbeat 60 s, response timeout 3 s, the task every 30 s: 150 ms, capped.
    expect(resolutionOf({})).toEqual({ shortest: 3000, step: 50 });
    expect(resolutionOf({ points: pointsWith('400ms', '3s') })).toEqual({ shortest: 400, step: 20 });
    expect(resolutionOf({ points: pointsWith('30s', '300ms') })).toEqual({ shortest: 300, step: 15 });
    expect(resolutionOf({ server: serverWith('  heartbeatInterval: 200ms\n') })).toEqual({ shortest: 200, step: 10 });
    // Never below 1 ms, however short the periods.
    expect(resolutionOf({ points: pointsWith('10ms', '3s') })).toEqual({ shortest: 10, step: 1 });
  });

  it('takes an explicit sessions.timerResolution over the derived step', () => {
    expect(resolutionOf({ server: serverWith('  timerResolution: 5ms\n') }).step).toBe(5);
    expect(resolutionOf({ server: serverWith('  timerResolution: 200\n') }).step).toBe(200);
    expect(resolutionOf({ server: serverWith('  timerResolution: auto\n') }).step).toBe(50);
  });

  it('rejects a step that is not auto or 1 ms to 1 s, naming file, line and field', () => {
    const lines = (sessions: string) =>
      withConfigDir({ server: serverWith(sessions), points: MINIMAL_POINTS }, (dir) => {
        try {
          loadConfig(dir);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          return (err as ConfigError).issues.map((i) => `${i.file.replace(dir + '/', '')}:${i.line} ${i.field}: ${i.message}`);
        }
        throw new Error('expected the config to be rejected');
      });
    expect(lines('  timerResolution: fast\n')).toEqual(['server.yml:7 sessions.timerResolution: must be auto, or a duration like 20ms or whole milliseconds']);
    expect(lines('  timerResolution: 0ms\n')).toEqual(['server.yml:7 sessions.timerResolution: must be auto or from 1ms to 1s']);
    expect(lines('  timerResolution: 2s\n')).toEqual(['server.yml:7 sessions.timerResolution: must be auto or from 1ms to 1s']);
  });
});
