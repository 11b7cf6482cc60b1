import { describe, expect, it } from 'vitest';
import { SessionStore } from '../../../src/web/auth/session-store.js';

describe('session store', () => {
  it('gives random 256-bit ids and extends a session on use', () => {
    let now = 0;
    const store = new SessionStore(1000, { now: () => now });
    const a = store.create('alice', 'viewer');
    const b = store.create('alice', 'viewer');
    expect(a.id).not.toBe(b.id);
    expect(Buffer.from(a.id, 'base64url')).toHaveLength(32);
    now = 900;
    expect(store.touch(a.id)?.username).toBe('alice');
    now = 1800;
    expect(store.touch(a.id)).not.toBeNull();
    now = 2801;
    expect(store.touch(a.id)).toBeNull();
  });

  it('follows role changes and ends the sessions of a deleted user', () => {
    const store = new SessionStore(1000);
    const s = store.create('bob', 'viewer');
    store.setRole('bob', 'admin');
    expect(store.touch(s.id)?.role).toBe('admin');
    store.deleteUser('bob');
    expect(store.touch(s.id)).toBeNull();
  });
});
