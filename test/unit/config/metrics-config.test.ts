// server.yml `metrics:`: defaults, the two ways to serve, and mistakes named by file:line:field.
import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import type { DtuhubConfig } from '../../../src/domain/config.js';
import { MINIMAL_POINTS, MINIMAL_SERVER, withConfigDir } from './temp-config.js';

function load(serverTail: string): DtuhubConfig | string[] {
  return withConfigDir({ server: MINIMAL_SERVER + serverTail, points: MINIMAL_POINTS }, (dir) => {
    try {
      return loadConfig(dir, {});
    } catch (err) {
      return (err as ConfigError).issues.map((i) => `${i.file.split('/').pop()}:${i.line} ${i.field}: ${i.message}`);
    }
  });
}

describe('server.yml metrics', () => {
  it('serves /metrics on the web port by default, with no token of its own', () => {
    const config = load('') as DtuhubConfig;
    expect(config.server.metrics).toEqual({ enabled: true, token: null, listen: null });
  });

  it('takes an address of its own on loopback unless a host is given', () => {
    const config = load('metrics:\n  token: abcdefghijklmnop\n  listen: { port: 9464 }\n') as DtuhubConfig;
    expect(config.server.metrics).toEqual({
      enabled: true,
      token: 'abcdefghijklmnop',
      listen: { host: '127.0.0.1', port: 9464 },
    });
  });

  it('names the file, line and field of each mistake', () => {
    const issues = load(`web: { enabled: false, port: 8080 }
metrics:
  enabled: true
  token: short
  listen: { port: 8080, host: 0.0.0.0, path: /m }
`);
    expect(issues).toEqual([
      'server.yml:9 metrics.token: must be at least 16 characters',
      'server.yml:10 metrics.listen.port: port 8080 is already used by the web server',
      'server.yml:10 metrics.listen.path: unknown key',
    ]);
  });

  it('refuses a port the web server has, and metrics on a web port that is off', () => {
    expect(load('web: { port: 8080 }\nmetrics: { listen: { host: 0.0.0.0, port: 8080 } }\n')).toEqual([
      'server.yml:7 metrics.listen.port: port 8080 is already used by the web server',
    ]);
    expect(load('web: { enabled: false }\nmetrics: { enabled: true }\n')).toEqual([
      'server.yml:7 metrics.enabled: needs web.enabled: true, or metrics.listen for an address of their own',
    ]);
    // Left at its default, metrics simply follow the web server.
    expect((load('web: { enabled: false }\n') as DtuhubConfig).server.metrics.enabled).toBe(true);
  });
});
