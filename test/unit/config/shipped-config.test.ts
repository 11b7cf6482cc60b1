import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledAsciiDefaults } from '../../helpers/links.js';
import { loadConfig } from '../../../src/config/load.js';
import { matchDevice } from '../../../src/plan/device-match.js';

const CONFIG_DIR = fileURLToPath(new URL('../../../config', import.meta.url));

describe('the shipped example config', () => {
  const config = loadConfig(CONFIG_DIR, {});
  const profile = config.points.profiles.get('th-station')!;

  it('loads without issues and listens where the user asked', () => {
    expect(config.server.listeners).toEqual([
      {
        name: 'dtu',
        protocol: 'tcp',
        host: '0.0.0.0',
        port: 22334,
        link: 'transparent',
        links: ['transparent', 'typed'],
      },
      { name: 'typed', protocol: 'tcp', host: '0.0.0.0', port: 22335, link: 'typed', links: ['typed'] },
    ]);
    expect(config.server.web).toMatchObject({
      enabled: true,
      host: '127.0.0.1',
      port: 8080,
      admin: { username: 'admin' },
    });
    expect(config.server.sessions).toEqual({
      heartbeatIntervalMs: 60_000,
      heartbeatMaxMisses: 3,
      registrationTimeoutMs: 30_000,
      maxConnections: 10_000,
      maxInputBytes: 4096,
      connectStaggerMs: 2000,
      // auto: 5 % of the shortest period, capped at 50 ms.
      timerResolutionMs: 50,
      timerResolutionAuto: true,
    });
    expect(config.server.writeBuffer).toEqual({
      maxRows: 5000,
      flushIntervalMs: 1000,
      idleFlushDelayMs: 20,
      maxPendingRows: 100_000,
    });
  });

  it('compiles exactly the four tasks, one block each, with their schedules', () => {
    const summary = profile.tasks.map((t) => ({
      name: t.name,
      schedule: t.schedule,
      blocks: t.blocks.map((b) => [b.slave, b.fn, b.address, b.quantity, b.points.map((p) => p.name)]),
    }));
    expect(summary).toEqual([
      {
        name: 'main-block',
        schedule: { kind: 'interval', everyMs: 30_000 },
        blocks: [[1, 3, 2000, 100, ['temperature', 'humidity', 'pressure', 'flow_rate', 'status']]],
      },
      {
        name: 'power',
        schedule: { kind: 'interval', everyMs: 60_000 },
        blocks: [[1, 3, 2200, 15, ['voltage', 'current']]],
      },
      { name: 'speed', schedule: { kind: 'heartbeat' }, blocks: [[1, 3, 2300, 10, ['rpm']]] },
      {
        name: 'frequency',
        schedule: { kind: 'interval', everyMs: 120_000 },
        blocks: [[1, 3, 2400, 20, ['frequency']]],
      },
    ]);
    expect(profile.pollOnConnect).toBe(true);
  });

  it('compiles the nine points with their types, sizes and scales', () => {
    const points = profile.points.map((p) => [
      p.name,
      p.address,
      p.type,
      p.registers,
      p.scale,
      p.decimals ?? null,
      p.unit ?? null,
    ]);
    expect(points).toEqual([
      ['temperature', 2000, 'int16', 1, 0.1, 1, '°C'],
      ['humidity', 2010, 'float32', 2, 1, null, '%RH'],
      ['pressure', 2020, 'int16', 1, 0.01, 2, 'MPa'],
      ['flow_rate', 2030, 'float32', 2, 1, null, 'm³/h'],
      ['status', 2040, 'int16', 1, 1, null, null],
      ['voltage', 2200, 'int16', 1, 0.1, 1, 'V'],
      ['current', 2202, 'int16', 1, 0.01, 2, 'A'],
      ['rpm', 2300, 'int16', 1, 1, null, 'rpm'],
      ['frequency', 2400, 'int16', 1, 0.1, 1, 'Hz'],
    ]);
    for (const p of profile.points) {
      expect(p).toMatchObject({ slave: 1, fn: 3, order: 'ABCD', offset: 0 });
    }
  });

  it('describes every point in Chinese and English', () => {
    expect(profile.points.find((p) => p.name === 'temperature')?.description).toEqual({
      zh: '温度',
      en: 'Temperature',
    });
    for (const p of profile.points) {
      expect(p.description?.zh, p.name).toMatch(/\p{Script=Han}/u);
      expect(p.description?.en, p.name).toMatch(/^[A-Z][a-z ]+$/);
    }
  });

  it('uses DTU-friendly timing: 3 s response timeout, never 1 s', () => {
    expect(profile.timing).toEqual({
      responseTimeoutMs: 3000,
      retries: 1,
      interRequestDelayMs: 50,
      quietAfterTimeoutMs: 200,
      maxReadGap: 10,
      backoffAfterFailures: 3,
      backoffInitialMs: 5000,
      backoffMaxMs: 300_000,
    });
  });

  it('describes the transparent link with an ASCII ID and an HB heartbeat', () => {
    const link = config.points.links.get('transparent')!;
    expect(link.framing).toBe('transparent');
    expect(link.registration).toEqual(compiledAsciiDefaults);
    expect(link.heartbeat).toEqual({ pattern: Buffer.from('HB'), reply: null });
    expect(link.typed).toBeNull();
    expect([link.unknownIds, link.duplicateIds]).toEqual(['accept', 'replace']);
  });

  it('describes the typed link with a 4-byte big-endian integer ID and the default type bytes', () => {
    const link = config.points.links.get('typed')!;
    // The user's IDs are small numbers: the bound keeps junk off the shared port 22334.
    expect(link.registration).toEqual({ type: 'integer', mode: 'once', bytes: 4, endian: 'big', max: 999_999 });
    expect(link.typed).toEqual({
      heartbeatType: 2,
      dataType: 3,
      modbusType: 4,
      ackRegistration: 1,
      ackHeartbeat: 2,
      ackData: 3,
    });
  });

  it('sends every device to th-station by default, unlisted', () => {
    const match = matchDevice(config.points, 'DTU01001');
    expect(match?.profile.name).toBe('th-station');
    expect(match?.listed).toBe(false);
  });

  it('is deeply frozen', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(profile.points[0])).toBe(true);
    expect(Object.isFrozen(profile.tasks[0]!.blocks)).toBe(true);
    expect(() => (config.points.profiles as Map<string, unknown>).set('x', {})).toThrow(TypeError);
  });
});
