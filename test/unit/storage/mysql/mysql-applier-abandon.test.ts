// The MySQL sink gives up on a commit past its deadline and retries on a new connection
// while the old attempt may still be running (or never settle: mysql2 drops the callbacks of
// a destroyed connection). The abandoned attempt must neither block the retry nor, when it
// fails late, wipe the rollup deltas and id caches the retry has built.
import type { PoolConnection } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { MysqlBatchApplier } from '../../../../src/storage/mysql/mysql-batch-applier.js';
import { WriteBatchBuilder } from '../../../../src/storage/write-batch.js';

/** A connection that logs each call; `hold` stalls its first query until settled. */
function fakeConnection(name: string, log: string[], hold?: Promise<void>): PoolConnection {
  let held = false;
  const connection = {
    async beginTransaction() {
      log.push(`${name} begin`);
    },
    async query(sql: string) {
      if (hold && !held) {
        held = true;
        await hold;
      }
      const text = String(sql);
      log.push(`${name} ${text.split(' ').slice(0, 3).join(' ')}`);
      if (text.startsWith('SELECT pending_since')) return [[{ pending_since: null }], []];
      if (text.startsWith('INSERT IGNORE INTO applied_batches')) return [{ affectedRows: 1 }, []];
      if (text.startsWith('SELECT id, registration_id')) return [[{ id: 7, registration_id: 'D1' }], []];
      if (text.startsWith('SELECT id, name')) return [[{ id: 3, name: 'p' }], []];
      return [[], []];
    },
    async commit() {
      log.push(`${name} commit`);
    },
    async rollback() {
      log.push(`${name} rollback`);
    },
  };
  return connection as unknown as PoolConnection;
}

function batch(id: string, ts: number) {
  const b = new WriteBatchBuilder();
  b.sample({
    deviceId: 'D1',
    point: 'p',
    slave: 1,
    address: 0,
    value: 1,
    text: null,
    raw: '0001',
    ts,
    quality: 'good',
  });
  return b.finish(id);
}

describe('MySQL batch applier', () => {
  it('lets a retry run while the abandoned attempt hangs, and ignores that attempt when it fails late', async () => {
    const log: string[] = [];
    let fail!: (err: Error) => void;
    const hold = new Promise<void>((_, reject) => (fail = reject));
    const applier = new MysqlBatchApplier();
    const first = applier.apply(fakeConnection('A', log, hold), [batch('b1', 1000)]).catch((e: Error) => e);
    await new Promise((resolve) => setTimeout(resolve, 10));
    applier.abandon();
    await applier.apply(fakeConnection('B', log), [batch('b1', 1000)]);
    expect(log).toContain('B commit');
    // The abandoned attempt fails now; the retry's state must survive it: the next commit
    // needs no recovery and reuses the cached ids (no SELECT of devices or points).
    fail(new Error('connection destroyed'));
    expect(await first).toBeInstanceOf(Error);
    log.length = 0;
    await applier.apply(fakeConnection('C', log), [batch('b2', 2000)]);
    expect(log.filter((l) => l.startsWith('C SELECT'))).toEqual([]);
    expect(log).toContain('C commit');
  });
});
