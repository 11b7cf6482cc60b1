import { describe, expect, it } from 'vitest';
import { type ConfigError } from '../../../src/config/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { MINIMAL_POINTS, withConfigDir } from './temp-config.js';

const SERVER = `version: 1
listeners:
  - name: dtu
    port: \${DTU_PORT}
    link: transparent
web:
  host: "\${WEB_HOST}"
  port: "\${WEB_PORT}"
storage:
  path: \${DATA_DIR}/dtuhub.db
logging:
  level: $\${LEVEL}
`;

describe('environment variables in the config', () => {
  it('replaces ${NAME} and types an unquoted number as a number', () => {
    const env = { DTU_PORT: '22334', WEB_HOST: '127.0.0.1', WEB_PORT: '8080', DATA_DIR: '/var/lib/dtuhub' };
    const issues = withConfigDir({ server: SERVER, points: MINIMAL_POINTS }, (dir) => {
      try {
        loadConfig(dir, env);
        return [];
      } catch (err) {
        return (err as ConfigError).issues.map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`);
      }
    });
    // The quoted port stays a string, and `$${LEVEL}` is the literal text "${LEVEL}".
    expect(issues).toEqual([
      '8:3 web.port: must be an integer',
      '12:3 logging.level: must be one of: trace, debug, info, warn, error, fatal, silent',
    ]);
  });

  it('compiles the substituted values', () => {
    const server = SERVER.replace('"${WEB_PORT}"', '${WEB_PORT}').replace('$${LEVEL}', 'debug');
    const config = withConfigDir({ server, points: MINIMAL_POINTS }, (dir) =>
      loadConfig(dir, { DTU_PORT: '22334', WEB_HOST: '127.0.0.1', WEB_PORT: '8080', DATA_DIR: '/var/lib/dtuhub' }),
    );
    expect(config.server.listeners[0]!.port).toBe(22334);
    expect(config.server.web).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.server.storage).toMatchObject({ driver: 'sqlite', path: '/var/lib/dtuhub/dtuhub.db' });
  });

  it('keeps a value that looks like YAML structure as plain text', () => {
    const server = SERVER.replace('"${WEB_PORT}"', '8080').replace('$${LEVEL}', 'info');
    const config = withConfigDir({ server, points: MINIMAL_POINTS }, (dir) =>
      loadConfig(dir, { DTU_PORT: '22334', WEB_HOST: 'h', DATA_DIR: '{a: 1}' }),
    );
    expect(config.server.storage).toMatchObject({ driver: 'sqlite', path: '{a: 1}/dtuhub.db' });
  });

  it('reports every missing variable with its line', () => {
    const issues = withConfigDir({ server: SERVER, points: MINIMAL_POINTS }, (dir) => {
      try {
        loadConfig(dir, {});
        return [];
      } catch (err) {
        return (err as ConfigError).issues
          .filter((i) => i.message.startsWith('environment'))
          .map((i) => `${i.line} ${i.message}`);
      }
    });
    expect(issues).toEqual([
      '4 environment variable DTU_PORT is not set',
      '7 environment variable WEB_HOST is not set',
      '8 environment variable WEB_PORT is not set',
      '10 environment variable DATA_DIR is not set',
    ]);
  });
});
