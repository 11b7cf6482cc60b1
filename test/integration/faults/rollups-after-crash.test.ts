// The SQLite writer killed (SIGKILL) while it commits as fast as it can: after a restart the
// rollups count every stored sample exactly once. Deltas the dead writer held in memory are
// folded back in from the raw rows (rollup_state.pending_since); nothing is counted twice.
// The MySQL store gets the same check after a SIGKILL during a spill (sigkill.test.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { createHistoryStore } from '../../../src/storage/index.js';
import { removeDir } from '../../helpers/app-harness.js';
import { expectRollupsMatchRaw } from '../../helpers/rollup-check.js';
import { KEEP_EVERYTHING, sqliteStorage } from '../storage/history-fixture.js';

const CHILD = new URL('../../fixtures/storage/crash-writer.mjs', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

/** Runs the writer until it has committed `commits` batches, then kills it. */
async function killAfter(path: string, start: number, commits: number): Promise<void> {
  const child = spawn(process.execPath, [CHILD, path, String(start)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    child.on('exit', () => reject(new Error(`the writer exited after ${seen} commits`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('committed ') && ++seen === commits) resolve();
    });
  });
  child.kill('SIGKILL');
  await exited;
}

describe('rollups after the SQLite writer is killed', () => {
  it('count every stored sample exactly once after restarts', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtuhub-rollup-crash-'));
    dirs.push(dir);
    const path = join(dir, 'history.db');
    const start = Date.UTC(2026, 0, 1, 0, 0, 30);
    // Three crashes at different points, each restart carrying on where the data left off.
    const pendingAtCrash: unknown[] = [];
    for (const [i, commits] of [25, 40, 15].entries()) {
      await killAfter(path, start + i * 3_600_000, commits);
      const db = new Database(path, { readonly: true });
      pendingAtCrash.push(db.prepare('SELECT pending_since FROM rollup_state').pluck().get());
      db.close();
    }
    // The writer died holding deltas (the database says where their samples start), so the
    // recovery below has work to do. A kill can land just after a commit that wrote every
    // delta it held (seen once under a loaded CI run), so one crash of three is enough.
    expect(pendingAtCrash.some((p) => p !== null)).toBe(true);
    // A clean start and stop folds them in.
    const store = createHistoryStore(
      {
        storage: sqliteStorage(path),
        writeBuffer: { maxRows: 500, flushIntervalMs: 20, idleFlushDelayMs: 5, maxPendingRows: 10_000 },
        retention: KEEP_EVERYTHING,
      },
      silentLogger(),
    );
    await store.start();
    await store.stop();
    const db = new Database(path, { readonly: true });
    try {
      const rows = async (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
      expect(await expectRollupsMatchRaw(rows)).toBeGreaterThan(100);
      expect(db.prepare('SELECT pending_since FROM rollup_state').pluck().get()).toBeNull();
    } finally {
      db.close();
    }
  });
});
