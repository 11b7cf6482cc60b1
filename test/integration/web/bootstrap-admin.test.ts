// The first admin: from the config or DTUHUB_ADMIN_PASSWORD, a one-time password on
// loopback only, and a refusal to start on a network address without one.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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

  it('generates a one-time password on loopback: one plain line, an owner-only file, a forced change', async () => {
    const { log, lines } = capture();
    const printed: string[] = [];
    const file = join(dir, 'initial-admin-password');
    const notice = { file, print: (line: string) => printed.push(line) };
    const loopback = { ...web, host: '127.0.0.1', admin: { username: 'admin', password: null } };
    await ensureAdmin(loopback, store, log, {}, notice);

    expect(printed).toHaveLength(1);
    const password = /one-time password: (\S+) \(also in (.+), readable by its owner only\)/.exec(printed[0]!);
    expect(password?.[2]).toBe(file);
    const admin = (await store.user('admin'))!;
    expect(await verifyPassword(password![1]!, admin.passwordHash)).toBe(true);
    expect(admin.mustChangePassword).toBe(true);
    // The file: mode 0600, the same password; the JSON log names the file, never the password.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(`password: ${password![1]}\n`);
    const warning = lines.find((l) => String(l['msg']).startsWith('generated a one-time admin password'))!;
    expect(warning['file']).toBe(file);
    expect(JSON.stringify(lines)).not.toContain(password![1]);

    // Next start: the admin exists, nothing is generated or printed again.
    const again = capture();
    await ensureAdmin(loopback, store, again.log, {}, { file, print: (line) => printed.push(line) });
    expect(printed).toHaveLength(1);
    expect(again.lines.some((l) => String(l['msg']).startsWith('generated'))).toBe(false);
  });

  it('clears the forced change and deletes the file when the config sets the password', async () => {
    const { log } = capture();
    const file = join(dir, 'initial-admin-password');
    const loopback = { ...web, host: '127.0.0.1', admin: { username: 'admin', password: null } };
    await ensureAdmin(loopback, store, log, {}, { file, print: () => undefined });
    await ensureAdmin(
      { ...loopback, admin: { username: 'admin', password: 'configured-pw' } },
      store,
      log,
      {},
      {
        file,
        print: () => undefined,
      },
    );
    expect((await store.user('admin'))!.mustChangePassword).toBe(false);
    expect(existsSync(file)).toBe(false);
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
