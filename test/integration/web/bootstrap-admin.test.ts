// The first admin: from the config or DTUHUB_ADMIN_PASSWORD, a one-time password on
// loopback only, and a refusal to start on a network address without one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { SqliteAccountStore } from '../../../src/storage/index.js';
import { AdminPasswordMissingError, ensureAdmin } from '../../../src/web/auth/bootstrap-admin.js';
import { verifyPassword } from '../../../src/web/auth/passwords.js';
import type { WebConfig } from '../../../src/domain/config.js';
import { writeConfigDir } from '../../helpers/app-harness.js';

let dir: string;
let store: SqliteAccountStore;
let web: WebConfig;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dtuhub-admin-'));
  store = new SqliteAccountStore(join(dir, 'a.db'));
  await store.open();
  const configDir = writeConfigDir().dir;
  web = loadConfig(configDir).server.web;
  rmSync(configDir, { recursive: true, force: true });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { log, lines };
}

describe('the first admin', () => {
  it('refuses to start on a network address without a password', async () => {
    const { log } = capture();
    const open = { ...web, host: '0.0.0.0', admin: { username: 'admin', password: null } };
    await expect(ensureAdmin(open, store, log, {})).rejects.toThrow(AdminPasswordMissingError);
    await expect(ensureAdmin(open, store, log, {})).rejects.toThrow(/DTUHUB_ADMIN_PASSWORD/);
    expect(await store.users()).toEqual([]);
  });

  it('takes the password from DTUHUB_ADMIN_PASSWORD when the config has none', async () => {
    const { log } = capture();
    await ensureAdmin({ ...web, host: '0.0.0.0', admin: { username: 'root', password: null } }, store, log, {
      DTUHUB_ADMIN_PASSWORD: 'from-the-env',
    });
    const user = await store.user('root');
    expect(user?.role).toBe('admin');
    expect(await verifyPassword('from-the-env', user!.passwordHash)).toBe(true);
  });

  it('generates a one-time password on loopback and logs it once', async () => {
    const { log, lines } = capture();
    await ensureAdmin({ ...web, host: '127.0.0.1', admin: { username: 'admin', password: null } }, store, log, {});
    const line = lines.find((l) => l['msg'] === 'generated a one-time admin password')!;
    expect(await verifyPassword(line['password'] as string, (await store.user('admin'))!.passwordHash)).toBe(true);
    // Next start: the admin exists, nothing is generated again.
    const again = capture();
    await ensureAdmin(
      { ...web, host: '127.0.0.1', admin: { username: 'admin', password: null } },
      store,
      again.log,
      {},
    );
    expect(again.lines.some((l) => l['msg'] === 'generated a one-time admin password')).toBe(false);
  });

  it('resets a stored admin password to the configured one', async () => {
    const { log } = capture();
    await ensureAdmin({ ...web, admin: { username: 'admin', password: 'first-password' } }, store, log, {});
    await ensureAdmin({ ...web, admin: { username: 'admin', password: 'second-password' } }, store, log, {});
    const hash = (await store.user('admin'))!.passwordHash;
    expect(await verifyPassword('second-password', hash)).toBe(true);
    expect(await verifyPassword('first-password', hash)).toBe(false);
  });
});
