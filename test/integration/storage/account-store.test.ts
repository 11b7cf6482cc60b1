// One contract for both account stores: SQLite (a temp file) and MySQL (a fresh database
// on the local MariaDB, dropped afterwards; no MariaDB means failure, not a skip).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountStore } from '../../../src/storage/index.js';
import { ACCOUNT_FIXTURES as FIXTURES, type Fixture } from './account-fixtures.js';

const user = (username: string, role: 'viewer' | 'operator' | 'admin' = 'viewer') => ({
  username,
  role,
  passwordHash: `hash-of-${username}`,
  createdAt: 1000,
  updatedAt: 1000,
});

describe.each(Object.keys(FIXTURES))('%s account store', (kind) => {
  let f: Fixture;
  const extra: AccountStore[] = [];

  beforeEach(async () => {
    f = await FIXTURES[kind]!();
    await f.store.open();
  });
  afterEach(async () => {
    for (const s of [f.store, ...extra.splice(0)]) await s.close();
    await f.cleanup();
  });

  it('creates, reads, updates and deletes users, refusing a taken name', async () => {
    expect(await f.store.createUser(user('alice', 'admin'))).toBe(true);
    expect(await f.store.createUser(user('alice'))).toBe(false);
    expect(await f.store.createUser(user('中文用户'))).toBe(true);
    expect(await f.store.user('alice')).toEqual({ ...user('alice', 'admin'), mustChangePassword: false });
    expect(await f.store.user('ALICE')).toBeNull();
    expect(await f.store.updateUser('alice', { role: 'operator', passwordHash: 'new', at: 2000 })).toBe(true);
    expect(await f.store.user('alice')).toMatchObject({
      role: 'operator',
      passwordHash: 'new',
      updatedAt: 2000,
      createdAt: 1000,
    });
    // A generated password's forced change (migration 012): set, read back, cleared.
    expect(await f.store.createUser({ ...user('bob'), mustChangePassword: true })).toBe(true);
    expect((await f.store.user('bob'))?.mustChangePassword).toBe(true);
    expect(await f.store.updateUser('bob', { mustChangePassword: false, at: 3000 })).toBe(true);
    expect((await f.store.user('bob'))?.mustChangePassword).toBe(false);
    expect(await f.store.deleteUser('bob')).toBe(true);
    expect(await f.store.updateUser('nobody', { role: 'admin', at: 1 })).toBe(false);
    expect((await f.store.users()).map((u) => u.username)).toEqual(['alice', '中文用户']);
    expect(await f.store.countAdmins()).toBe(0);
    expect(await f.store.deleteUser('alice')).toBe(true);
    expect(await f.store.deleteUser('alice')).toBe(false);
  });

  it('stores tokens by digest, touches and deletes them', async () => {
    const token = await f.store.createToken({
      name: 'grafana',
      digest: 'a'.repeat(64),
      role: 'viewer',
      createdBy: 'alice',
      at: 5,
      expiresAt: 99,
    });
    expect(token).toEqual({
      id: expect.any(Number),
      name: 'grafana',
      role: 'viewer',
      createdBy: 'alice',
      createdAt: 5,
      lastUsedAt: null,
      expiresAt: 99,
    });
    await f.store.touchToken(token.id, 7);
    expect(await f.store.tokenByDigest('a'.repeat(64))).toMatchObject({ id: token.id, lastUsedAt: 7 });
    expect(await f.store.tokenByDigest('b'.repeat(64))).toBeNull();
    expect(await f.store.tokens()).toHaveLength(1);
    expect(await f.store.deleteToken(token.id)).toBe(true);
    expect(await f.store.deleteToken(token.id)).toBe(false);
  });

  it('keeps the audit log with values and filters it by actor, device, action and time', async () => {
    const base = { ip: '10.0.0.1', slave: null, fn: null, address: null, values: null, device: null, details: null };
    await f.store.audit({
      ...base,
      at: 100,
      actor: 'op',
      action: 'write',
      device: 'DTU-1',
      slave: 1,
      fn: 16,
      address: 20,
      values: [1, 65535],
      result: 'ok',
    });
    await f.store.audit({
      ...base,
      at: 200,
      actor: 'op',
      action: 'write',
      device: 'DTU-2',
      slave: 1,
      fn: 5,
      address: 3,
      values: [true],
      result: 'timeout',
    });
    await f.store.audit({ ...base, at: 300, actor: 'admin', action: 'login', result: 'ok', details: 'from the UI' });
    const all = await f.store.auditLog({});
    expect(all.map((r) => r.at)).toEqual([300, 200, 100]);
    expect(all[2]).toEqual({
      id: expect.any(Number),
      at: 100,
      actor: 'op',
      ip: '10.0.0.1',
      action: 'write',
      device: 'DTU-1',
      slave: 1,
      fn: 16,
      address: 20,
      values: [1, 65535],
      result: 'ok',
      details: null,
    });
    expect((await f.store.auditLog({ actor: 'op', order: 'asc' })).map((r) => r.at)).toEqual([100, 200]);
    expect((await f.store.auditLog({ device: 'DTU-2' }))[0]!.values).toEqual([true]);
    expect((await f.store.auditLog({ action: 'login' }))[0]!.details).toBe('from the UI');
    expect((await f.store.auditLog({ from: 150, to: 300 })).map((r) => r.at)).toEqual([200]);
    expect(await f.store.auditLog({ limit: 1 })).toHaveLength(1);
  });

  it('opens a second time on the same database and sees the same rows', async () => {
    await f.store.createUser(user('bob', 'admin'));
    const again = f.reopen();
    extra.push(again);
    await again.open();
    expect(await again.user('bob')).toMatchObject({ role: 'admin' });
    expect(await again.countAdmins()).toBe(1);
  });
});
