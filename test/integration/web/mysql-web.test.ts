// The web API on a MySQL-backed dtuhub: users and the audit log in MariaDB, and a server
// started while MariaDB is down still serves (logins answer 503 until the database is back).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayTests, removeDir, TEST_ADMIN_PASSWORD, waitFor } from '../../helpers/app-harness.js';
import { createTempDatabase, mysqlStorage, type TempDatabase } from '../../helpers/mysql.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

const { boot } = gatewayTests();
let db: TempDatabase | null = null;
let proxy: TcpProxy | null = null;
let spillDir: string | null = null;

afterEach(async () => {
  await proxy?.close();
  await db?.drop();
  if (spillDir) removeDir(spillDir);
  db = proxy = spillDir = null;
});

function login(base: string, password = TEST_ADMIN_PASSWORD) {
  return fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
}

describe('web API on MySQL', () => {
  it('keeps users and the audit log in the MariaDB database', async () => {
    db = await createTempDatabase();
    spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-web-mysql-'));
    const h = await boot({ server: (s) => (s.storage = mysqlStorage(db!.name, spillDir!)) });
    expect((await login(h.webUrl())).status).toBe(200);
    const users = await db.rows<{ username: string; role: string }>('SELECT username, role FROM web_users');
    expect(users).toEqual([{ username: 'admin', role: 'admin' }]);
    const audit = await db.rows<{ actor: string; action: string }>('SELECT actor, action FROM web_audit');
    expect(audit).toEqual([{ actor: 'admin', action: 'login' }]);
  });

  it(
    'starts while MariaDB is down, answers 503 to logins, and lets them in once it is back',
    { timeout: 40_000 },
    async () => {
      db = await createTempDatabase();
      spillDir = mkdtempSync(join(tmpdir(), 'dtuhub-web-mysql-'));
      proxy = await startTcpProxy({ host: '127.0.0.1', port: 3306 });
      proxy.refuse();
      const h = await boot({ server: (s) => (s.storage = mysqlStorage(db!.name, spillDir!, proxy!.port, '2s')) });
      const health = await fetch(`${h.webUrl()}/api/health`);
      expect(health.status).toBe(200);
      const refused = await login(h.webUrl());
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: { code: 'STORE_UNAVAILABLE' } });
      proxy.restore();
      await waitFor(
        async () => {
          const res = await login(h.webUrl());
          // Until the database answers: 503, never a refusal that would count towards the lockout.
          if (res.status !== 200) expect(res.status).toBe(503);
          return res.status === 200;
        },
        30_000,
        'a login once MariaDB is back',
      );
      expect(await db.rows('SELECT username FROM web_users')).toEqual([{ username: 'admin' }]);
    },
  );
});
