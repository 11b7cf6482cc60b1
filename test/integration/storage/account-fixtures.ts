// The account stores under test: SQLite (a temp file) and MySQL (a fresh database on the
// local MariaDB, dropped afterwards; no MariaDB means failure, not a skip).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountStore } from '../../../src/storage/index.js';
import { MysqlAccountStore, SqliteAccountStore } from '../../../src/storage/index.js';
import { tempMysql } from './mysql-fixture.js';

export interface Fixture {
  store: AccountStore;
  /** A second store on the same database (another process, or a restart). */
  reopen(): AccountStore;
  cleanup(): Promise<void>;
}

export const ACCOUNT_FIXTURES: Record<string, () => Promise<Fixture>> = {
  sqlite: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtuhub-accounts-'));
    const path = join(dir, 'a.db');
    return {
      store: new SqliteAccountStore(path),
      reopen: () => new SqliteAccountStore(path),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  mysql: async () => {
    const t = await tempMysql();
    return {
      store: new MysqlAccountStore(t.storage),
      reopen: () => new MysqlAccountStore(t.storage),
      cleanup: () => t.cleanup(),
    };
  },
};
