import { describe, expect, it } from 'vitest';
import { LoginLockout } from '../../../src/web/auth/lockout.js';

describe('login lockout', () => {
  it('locks a user and IP pair after the maximum failures, for the lock duration', () => {
    let now = 0;
    const lockout = new LoginLockout(3, 60_000, { now: () => now });
    expect(lockout.fail('alice', '10.0.0.1')).toBe(false);
    expect(lockout.fail('alice', '10.0.0.1')).toBe(false);
    expect(lockout.retryAfterMs('alice', '10.0.0.1')).toBe(0);
    expect(lockout.fail('Alice', '10.0.0.1')).toBe(true);
    expect(lockout.retryAfterMs('alice', '10.0.0.1')).toBe(60_000);
    now = 59_999;
    expect(lockout.retryAfterMs('alice', '10.0.0.1')).toBe(1);
    now = 60_000;
    expect(lockout.retryAfterMs('alice', '10.0.0.1')).toBe(0);
  });

  it('keeps other addresses and users unaffected', () => {
    const lockout = new LoginLockout(1, 1000, { now: () => 0 });
    lockout.fail('alice', '10.0.0.1');
    expect(lockout.retryAfterMs('alice', '10.0.0.2')).toBe(0);
    expect(lockout.retryAfterMs('bob', '10.0.0.1')).toBe(0);
  });

  it('forgets failures older than the window and clears on success', () => {
    let now = 0;
    const lockout = new LoginLockout(2, 1000, { now: () => now });
    lockout.fail('a', 'ip');
    now = 1500;
    expect(lockout.fail('a', 'ip')).toBe(false);
    lockout.succeed('a', 'ip');
    expect(lockout.fail('a', 'ip')).toBe(false);
  });
});
