// The MySQL applier runs one commit at a time even when its caller does not wait: the sink
// gives up on a commit past its deadline and retries on a new connection while the old one
// is still failing. Run side by side, the old attempt's rollback wiped the rollup deltas the
// new one had just counted (rollups then missed samples whose raw rows were stored).
import type { PoolConnection } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { MysqlBatchApplier } from '../../../../src/storage/mysql/mysql-batch-applier.js';
import { WriteBatchBuilder } from '../../../../src/storage/write-batch.js';

/** A connection that logs each call and holds `beginTransaction` until released. */
function fakeConnection(name: string, log: string[], hold?: Promise<void>): PoolConnection {
  const connection = {
    async beginTransaction() {
      log.push(`${name} begin`);
      await hold;
    },
    async query(sql: string) {
      log.push(`${name} ${String(sql).split(' ')[0]}`);
      if (String(sql).startsWith('SELECT pending_since')) return [[{ pending_since: null }], []];
      if (String(sql).startsWith('INSERT IGNORE INTO applied_batches')) return [{ affectedRows: 1 }, []];
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

describe('MySQL batch applier', () => {
  it('starts a commit only after the one before it has settled', async () => {
    const log: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const applier = new MysqlBatchApplier();
    const first = applier.apply(fakeConnection('A', log, held), [new WriteBatchBuilder().finish('b1')]);
    const second = applier.apply(fakeConnection('B', log), [new WriteBatchBuilder().finish('b2')]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log).toEqual(['A begin']);
    release();
    await Promise.all([first, second]);
    const bBegins = log.indexOf('B begin');
    expect(bBegins).toBeGreaterThan(log.indexOf('A commit'));
  });
});
