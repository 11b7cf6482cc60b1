import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { shortestScheduledPeriod } from '../../../src/config/timer-resolution.js';
import { MINIMAL_POINTS, MINIMAL_SERVER, withConfigDir } from './temp-config.js';

/** MINIMAL_SERVER with a `sessions:` block. */
function serverWith(sessions: string): string {
  return `${MINIMAL_SERVER}sessions:\n${sessions}`;
}

/** MINIMAL_POINTS (one task every 30 s, default 3 s response timeout) with another poll period and timeout. */
function pointsWith(every: string, responseTimeout: string): string {
  return MINIMAL_POINTS.replace('every: 30s', `every: ${every}`).replace(
    '  station:\n',
    `  station:\n    timing:\n      responseTimeout: ${responseTimeout}\n`,
  );
}

/** MINIMAL_POINTS plus a second profile `fast` with the given task lines and timing. */
function withSecondProfile(taskLines: string, responseTimeout = '3s'): string {
  const second = `  fast:
    timing:
      responseTimeout: ${responseTimeout}
    tasks:
${taskLines}
    points:
      - name: pressure
        address: 10
        type: int16
`;
  return MINIMAL_POINTS.replace('devices:\n', `${second}devices:\n`);
}

function resolutionOf(files: { server?: string; points?: string }): { shortest: number; source: string; step: number } {
  return withConfigDir({ server: MINIMAL_SERVER, points: MINIMAL_POINTS, ...files }, (dir) => {
    const { server, points } = loadConfig(dir);
    const { ms, source } = shortestScheduledPeriod(server.sessions, points);
    return { shortest: ms, source, step: server.sessions.timerResolutionMs };
  });
}

/** `server.yml:line field: message` of every issue; fails when the config loads. */
function issuesOf(files: { server?: string; points?: string }): string[] {
  return withConfigDir({ server: MINIMAL_SERVER, points: MINIMAL_POINTS, ...files }, (dir) => {
    try {
      loadConfig(dir);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).issues.map(
        (i) => `${i.file.replace(dir + '/', '')}:${i.line} ${i.field}: ${i.message}`,
      );
    }
    throw new Error('expected the config to be rejected');
  });
}

describe('the scheduler timer resolution', () => {
  it('is 5 % of the shortest response timeout, poll interval or heartbeat period, capped at 50 ms', () => {
    // Defaults: heartbeat 60 s, response timeout 3 s, the task every 30 s: 150 ms, capped.
    expect(resolutionOf({})).toEqual({ shortest: 3000, source: 'profile station timing.responseTimeout', step: 50 });
    expect(resolutionOf({ points: pointsWith('400ms', '3s') })).toEqual({
      shortest: 400,
      source: 'profile station task all every',
      step: 20,
    });
    expect(resolutionOf({ points: pointsWith('30s', '300ms') })).toMatchObject({ shortest: 300, step: 15 });
    expect(resolutionOf({ server: serverWith('  heartbeatInterval: 200ms\n') })).toEqual({
      shortest: 200,
      source: 'sessions.heartbeatInterval',
      step: 10,
    });
    // Never below 1 ms, however short the periods.
    expect(resolutionOf({ points: pointsWith('10ms', '3s') })).toMatchObject({ shortest: 10, step: 1 });
  });

  it('takes the shortest period across every profile, and ignores heartbeat and connect tasks', () => {
    const heartbeatOnly = withSecondProfile(
      '      - name: on-heartbeat\n        points: all\n        on: heartbeat\n      - name: on-connect\n        points: all\n        on: connect\n',
    );
    expect(resolutionOf({ points: heartbeatOnly })).toMatchObject({ shortest: 3000, step: 50 });
    const fastPolls = withSecondProfile('      - name: quick\n        points: all\n        every: 600ms\n');
    expect(resolutionOf({ points: fastPolls })).toEqual({
      shortest: 600,
      source: 'profile fast task quick every',
      step: 30,
    });
    const fastTimeout = withSecondProfile('      - name: slow\n        points: all\n        every: 1m\n', '500ms');
    expect(resolutionOf({ points: fastTimeout })).toEqual({
      shortest: 500,
      source: 'profile fast timing.responseTimeout',
      step: 25,
    });
  });

  it('takes an explicit sessions.timerResolution over the derived step, 1 ms to 1 s', () => {
    const slow = pointsWith('1h', '1h');
    const slowServer = (step: string) => serverWith(`  heartbeatInterval: 1h\n  timerResolution: ${step}\n`);
    expect(resolutionOf({ server: serverWith('  timerResolution: 5ms\n') }).step).toBe(5);
    expect(resolutionOf({ server: serverWith('  timerResolution: 1ms\n') }).step).toBe(1);
    expect(resolutionOf({ server: slowServer('200'), points: slow }).step).toBe(200);
    expect(resolutionOf({ server: slowServer('1s'), points: slow }).step).toBe(1000);
    expect(resolutionOf({ server: slowServer('1000'), points: slow }).step).toBe(1000);
    expect(resolutionOf({ server: serverWith('  timerResolution: auto\n') }).step).toBe(50);
  });

  it('rejects a step that is not auto or 1 ms to 1 s, naming file, line and field', () => {
    const at = 'server.yml:7 sessions.timerResolution';
    expect(issuesOf({ server: serverWith('  timerResolution: fast\n') })).toEqual([
      `${at}: must be auto, or a duration like 20ms or whole milliseconds`,
    ]);
    expect(issuesOf({ server: serverWith('  timerResolution: 0ms\n') })).toEqual([
      `${at}: must be auto or from 1ms to 1s`,
    ]);
    expect(issuesOf({ server: serverWith('  timerResolution: 0\n') })).toEqual([`${at}: must be ≥ 1`]);
    expect(issuesOf({ server: serverWith('  timerResolution: 2s\n') })).toEqual([
      `${at}: must be auto or from 1ms to 1s`,
    ]);
    expect(issuesOf({ server: serverWith('  timerResolution: 1001\n') })).toEqual([
      `${at}: must be auto or from 1ms to 1s`,
    ]);
  });

  it('rejects an explicit step longer than half the shortest period, which would skip polls', () => {
    expect(issuesOf({ server: serverWith('  timerResolution: 1s\n'), points: pointsWith('500ms', '3s') })).toEqual([
      'server.yml:7 sessions.timerResolution: must be at most half the shortest scheduled period, 500ms (profile station task all every), so 250ms at most; or auto',
    ]);
    expect(issuesOf({ server: serverWith('  timerResolution: 200ms\n'), points: pointsWith('30s', '300ms') })).toEqual([
      'server.yml:7 sessions.timerResolution: must be at most half the shortest scheduled period, 300ms (profile station timing.responseTimeout), so 150ms at most; or auto',
    ]);
    expect(
      resolutionOf({ server: serverWith('  timerResolution: 250ms\n'), points: pointsWith('500ms', '3s') }).step,
    ).toBe(250);
  });
});
