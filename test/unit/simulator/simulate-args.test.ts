import { describe, expect, it } from 'vitest';
import { parseSimulateArgs, resolveSetup } from '../../../src/cli/simulate.js';
import type { DtuhubConfig, ServerConfig } from '../../../src/domain/config.js';
import { profile, transparentLink, typedLink } from './config-fixtures.js';

const config = {
  configDir: 'x',
  server: {
    listeners: [
      { name: 'dtu', host: '0.0.0.0', port: 22334, link: 'transparent' },
      { name: 'typed', host: '10.0.0.5', port: 22335, link: 'typed' },
    ],
    sessions: { heartbeatIntervalMs: 60_000 },
  } as unknown as ServerConfig,
  points: {
    links: new Map([
      ['transparent', transparentLink()],
      ['typed', typedLink()],
    ]),
    profiles: new Map([['th-station', profile()]]),
    devices: [{ kind: 'default', profile: 'th-station' }],
  },
} satisfies DtuhubConfig;

describe('parseSimulateArgs', () => {
  it('reads durations with units and fills defaults', () => {
    const args = parseSimulateArgs([
      '--devices',
      '10',
      '--heartbeat-interval',
      '30s',
      '--response-delay',
      '50ms',
      '--duration',
      '2m',
    ]);
    expect(args).toMatchObject({
      devices: 10,
      heartbeatIntervalMs: 30_000,
      responseDelayMs: 50,
      durationMs: 120_000,
      pushIntervalMs: 5000,
      idPrefix: 'DTU',
      startId: 1001,
      idWidth: 5,
      configDir: 'config',
      target: null,
      reconnect: true,
    });
  });

  it('splits host and port of the target, IPv6 in brackets too', () => {
    expect(parseSimulateArgs(['--target', 'example.org:22334']).target).toEqual({ host: 'example.org', port: 22334 });
    expect(parseSimulateArgs(['--target', '[::1]:9000']).target).toEqual({ host: '::1', port: 9000 });
  });

  it('refuses malformed numbers, durations and targets', () => {
    expect(() => parseSimulateArgs(['--devices', '0'])).toThrow(/--devices/);
    expect(() => parseSimulateArgs(['--duration', 'soon'])).toThrow(/--duration/);
    expect(() => parseSimulateArgs(['--target', 'localhost'])).toThrow(/host:port/);
  });
});

describe('resolveSetup', () => {
  it('targets the first listener on loopback when it binds every interface', () => {
    const setup = resolveSetup(parseSimulateArgs([]), config);
    expect(setup.target).toEqual({ host: '127.0.0.1', port: 22334 });
    expect(setup.link.name).toBe('transparent');
    expect(setup.profile.name).toBe('test-profile');
    expect(setup.heartbeatIntervalMs).toBe(60_000);
  });

  it('targets the listener that uses the chosen link', () => {
    expect(resolveSetup(parseSimulateArgs(['--link', 'typed']), config).target).toEqual({
      host: '10.0.0.5',
      port: 22335,
    });
  });

  it('names the known profiles when the requested one is missing', () => {
    expect(() => resolveSetup(parseSimulateArgs(['--profile', 'nope']), config)).toThrow(/known: th-station/);
  });
});
