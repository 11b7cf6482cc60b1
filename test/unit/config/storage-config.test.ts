// The storage section: SQLite by default, MySQL with its own fields, each field checked
// against the driver, secrets from the environment, sizes and the memory cap.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/config/errors.js';
import { MINIMAL_POINTS, withConfigDir } from './temp-config.js';

const SERVER = (storage: string, extra = '') => `version: 1
listeners:
  - { name: dtu, port: 22334, link: transparent }
storage:
${storage}
${extra}`;

function load(server: string, env: Record<string, string> = {}) {
  return withConfigDir({ server, points: MINIMAL_POINTS }, (dir) => loadConfig(dir, env));
}

function issues(server: string, env: Record<string, string> = {}): string[] {
  try {
    load(server, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.line}:${i.field}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('storage config', () => {
  it('compiles the user example for MySQL with the password from the environment', () => {
    const config = load(
      SERVER(`  driver: mysql
  host: 192.168.1.20
  port: 3306
  user: abc
  password: "\${DB_PASSWORD}"
  database: dtuhub
  poolSize: 10
  spill: { dir: /var/spool/dtuhub, maxSize: 512MB, writeTimeout: 5s }`),
      { DB_PASSWORD: 'abc@123' },
    );
    expect(config.server.storage).toEqual({
      driver: 'mysql',
      host: '192.168.1.20',
      port: 3306,
      user: 'abc',
      password: 'abc@123',
      database: 'dtuhub',
      poolSize: 10,
      tls: false,
      spill: { dir: '/var/spool/dtuhub', maxSizeBytes: 512_000_000, writeTimeoutMs: 5000 },
    });
  });

  it('fills MySQL defaults and keeps a numeric password as text', () => {
    const { storage } = load(SERVER('  driver: mysql\n  user: abc\n  password: 123456\n  database: d')).server;
    expect(storage).toMatchObject({ host: '127.0.0.1', port: 3306, password: '123456', poolSize: 10, tls: false });
    expect(storage.driver === 'mysql' && storage.spill).toEqual({
      dir: 'data/spill',
      maxSizeBytes: 2 * 2 ** 30,
      writeTimeoutMs: 10_000,
    });
  });

  it('compiles the page size of a new SQLite file, 1 KiB unless given, and refuses one SQLite has not', () => {
    expect(load(SERVER('  pageSize: 4KiB')).server.storage).toMatchObject({ pageSizeBytes: 4096 });
    expect(issues(SERVER('  pageSize: 3KiB'))).toEqual([
      '5:storage.pageSize: must be 512B, 1KiB, 2KiB, 4KiB, 8KiB, 16KiB, 32KiB or 64KiB',
    ]);
    expect(issues(SERVER('  driver: mysql\n  user: u\n  database: d\n  pageSize: 4KiB'))).toEqual([
      '8:storage.pageSize: applies only to driver: sqlite',
    ]);
  });

  it('compiles the SQLite page cache size, 32 MiB unless given', () => {
    expect(load(SERVER('  driver: sqlite\n  path: a.db\n  cacheSize: 8MiB')).server.storage).toEqual({
      driver: 'sqlite',
      path: 'a.db',
      cacheSizeBytes: 8 * 2 ** 20,
      pageSizeBytes: 1024,
    });
    expect(load(SERVER('  cacheSize: 100 MB')).server.storage).toMatchObject({ cacheSizeBytes: 100_000_000 });
    expect(load(SERVER('  path: a.db')).server.storage).toEqual({
      driver: 'sqlite',
      path: 'a.db',
      cacheSizeBytes: 32 * 2 ** 20,
      pageSizeBytes: 1024,
    });
    expect(issues(SERVER('  cacheSize: big'))).toEqual([
      '5:storage.cacheSize: must be a size like 512MB, 2GiB, or whole bytes',
    ]);
    expect(issues(SERVER('  driver: mysql\n  user: u\n  database: d\n  cacheSize: 8MiB'))).toEqual([
      '8:storage.cacheSize: applies only to driver: sqlite',
    ]);
  });

  it('reports fields that belong to the other driver and missing required ones, with lines', () => {
    expect(issues(SERVER('  driver: sqlite\n  path: a.db\n  host: db.local'))).toEqual([
      '7:storage.host: applies only to driver: mysql',
    ]);
    const mysql = issues(SERVER('  driver: mysql\n  path: a.db'));
    expect(mysql).toContain('6:storage.path: applies only to driver: sqlite');
    expect(mysql.some((m) => /needs storage\.user/.test(m))).toBe(true);
    expect(mysql.some((m) => /needs storage\.database/.test(m))).toBe(true);
  });

  it('rejects a malformed spill size and a memory cap below the batch size', () => {
    const problems = issues(
      SERVER(
        '  driver: mysql\n  user: u\n  database: d\n  spill: { maxSize: lots }',
        'writeBuffer: { maxRows: 5000, maxPendingRows: 100 }',
      ),
    );
    expect(problems.some((m) => /spill\.maxSize: must be a size like 512MB/.test(m))).toBe(true);
    expect(
      problems.some((m) => /writeBuffer\.maxPendingRows: must be at least writeBuffer\.maxRows \(5000\)/.test(m)),
    ).toBe(true);
  });

  it('defaults the memory cap to 20 batches, at least 100,000 rows', () => {
    expect(load(SERVER('  driver: sqlite', 'writeBuffer: { maxRows: 20000 }')).server.writeBuffer.maxPendingRows).toBe(
      400_000,
    );
    expect(load(SERVER('  driver: sqlite', 'writeBuffer: { maxRows: 100 }')).server.writeBuffer.maxPendingRows).toBe(
      100_000,
    );
  });
});
