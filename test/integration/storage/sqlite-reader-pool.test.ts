// The SQLite reader threads: queries run off the main thread, and a query that runs out of
// time or whose caller gives up is cancelled without wedging the pool.
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StorageError } from '../../../src/storage/index.js';
import { sample, tempHistory, type TempHistory } from './history-fixture.js';

const ROWS = 20_000;

/** The nice value of each thread of this process, from /proc (field 19 of a task's stat). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

function code(err: unknown): string | null {
  return err instanceof StorageError ? err.code : null;
}

describe('SQLite reader threads', () => {
  let t: TempHistory;

  beforeEach(async () => {
    t = await tempHistory();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function filled(readers: { threads?: number; queryTimeoutMs?: number; maxQueued?: number }) {
    const h = await t.open({ writeBuffer: { maxRows: 5000 }, options: { readers } });
    h.writer.samples(Array.from({ length: ROWS }, (_, i) => sample('A', `p${i % 10}`, i)));
    await h.writer.flush();
    return h;
  }

  it('serves queries from several threads at once, each with the rows the main thread would have read', async () => {
    const h = await filled({ threads: 2 });
    const [all, one, counts] = await Promise.all([
      h.reader.data({ registrationId: 'A', limit: ROWS }),
      h.reader.data({ registrationId: 'A', point: 'p3', limit: ROWS, order: 'asc' }),
      h.reader.counts(),
    ]);
    expect(all).toHaveLength(ROWS);
    expect(one).toHaveLength(ROWS / 10);
    expect(one.every((r) => r.point === 'p3')).toBe(true);
    expect(counts.deviceData).toBe(ROWS);
  });

  it('starts no thread until a query needs one, then only as many as wait', async () => {
    const h = await filled({ threads: 2 });
    expect(h.reader.threads).toBe(0);
    expect(await h.reader.data({ registrationId: 'A', limit: 5 })).toHaveLength(5);
    expect(h.reader.threads).toBe(1);
    // Two at once: the second waits, so the second thread starts (the first may still take
    // that query if it finishes before the new thread is up).
    await Promise.all([h.reader.counts(), h.reader.counts()]);
    await vi.waitFor(() => expect(h.reader.threads).toBe(2));
  });

  it('runs each reader thread 10 nice steps below the gateway, leaving the main thread as it was', async () => {
    const base = getPriority(0);
    const before = threadNiceValues().filter((n) => n !== base);
    const h = await filled({ threads: 2 });
    await Promise.all([h.reader.counts(), h.reader.counts()]);
    await vi.waitFor(() => expect(h.reader.threads).toBe(2));
    const lowered = threadNiceValues().filter((n) => n !== base);
    expect(lowered.length - before.length).toBe(2);
    expect(lowered.slice(before.length).every((n) => n === Math.min(19, base + 10))).toBe(true);
    expect(getPriority(0)).toBe(base);
    expect(getPriority(process.pid)).toBe(base);
  });

  it('cancels a query whose caller gives up, running or waiting, and keeps serving', async () => {
    const h = await filled({ threads: 1 });
    const running = new AbortController();
    const waiting = new AbortController();
    const first = h.reader.data({ registrationId: 'A', limit: ROWS, signal: running.signal });
    const second = h.reader.data({ registrationId: 'A', limit: ROWS, signal: waiting.signal });
    waiting.abort();
    running.abort();
    await expect(first.catch(code)).resolves.toBe('STORAGE_QUERY_ABORTED');
    await expect(second.catch(code)).resolves.toBe('STORAGE_QUERY_ABORTED');
    // Already aborted: refused before it reaches a thread.
    await expect(h.reader.data({ registrationId: 'A', signal: running.signal }).catch(code)).resolves.toBe(
      'STORAGE_QUERY_ABORTED',
    );
    // The thread that was busy has been replaced: the pool still answers.
    expect(await h.reader.data({ registrationId: 'A', limit: 5 })).toHaveLength(5);
  });

  it('gives up on a query past its time budget and replaces its thread', async () => {
    const h = await filled({ threads: 1, queryTimeoutMs: 0 });
    await expect(h.reader.data({ registrationId: 'A', limit: ROWS }).catch(code)).resolves.toBe(
      'STORAGE_QUERY_TIMEOUT',
    );
    await h.stop();
    const patient = await t.open({ options: { readers: { threads: 1 } } });
    expect(await patient.reader.data({ registrationId: 'A', limit: ROWS })).toHaveLength(ROWS);
  });

  it('refuses queries beyond the waiting bound instead of queueing without end', async () => {
    const h = await filled({ threads: 1, maxQueued: 2 });
    const queries = Array.from({ length: 5 }, () => h.reader.data({ registrationId: 'A', limit: 100 }).catch(code));
    const outcomes = await Promise.all(queries);
    // One running, two waiting, two refused.
    expect(outcomes.filter((o) => o === 'STORAGE_READ_BUSY')).toHaveLength(2);
    expect(outcomes.filter((o) => Array.isArray(o) && o.length === 100)).toHaveLength(3);
  });

  it('keeps explain() on the main thread and reports the capped page cache', async () => {
    const h = await filled({});
    expect(h.reader.explain('SELECT COUNT(*) FROM device_data').length).toBeGreaterThan(0);
    expect(h.pageCacheKiB.reader).toBe(8192);
  });
});
