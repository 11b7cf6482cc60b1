import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/log.js';
import type { BatchSink, SinkResult } from '../../../../src/storage/buffered-writer.js';
import { encodeBatch } from '../../../../src/storage/spill/batch-codec.js';
import { SpillJournal } from '../../../../src/storage/spill/spill-journal.js';
import { SpoolingSink, type SpoolingOptions } from '../../../../src/storage/spill/spooling-sink.js';
import type { WriteBatch } from '../../../../src/storage/write-batch.js';
import { mixedBatch } from './spill-batches.js';

type Mode = 'up' | 'down' | 'hang';

/** Batches with this id are refused for their content, as MySQL refuses a value too long. */
const POISON = new Set<string>();

/** A database stand-in: commits (records the id), fails, or never answers, as the test says. */
class FakeDatabase implements BatchSink {
  mode: Mode = 'up';
  readonly committed: string[] = [];
  attempts = 0;
  private readonly hung: ((r: SinkResult) => void)[] = [];

  write(batch: WriteBatch): Promise<SinkResult> {
    this.attempts += 1;
    if (POISON.has(batch.id) && this.mode === 'up')
      return Promise.resolve({ ok: false, permanent: true, failedAttempts: 1, error: 'Data too long' });
    if (this.mode === 'down') return Promise.resolve({ ok: false, failedAttempts: 1, error: 'ECONNREFUSED' });
    if (this.mode === 'hang') {
      return new Promise((resolve) =>
        this.hung.push((r) => {
          // A late commit is real: it lands in the database even though nobody waited.
          if (r.ok && !this.committed.includes(batch.id)) this.committed.push(batch.id);
          resolve(r);
        }),
      );
    }
    // Like the stores: a batch id applied before changes nothing.
    if (!this.committed.includes(batch.id)) this.committed.push(batch.id);
    return Promise.resolve({ ok: true, failedAttempts: 0, writeMs: 1 });
  }

  finishHung(): void {
    for (const resolve of this.hung.splice(0)) resolve({ ok: true, failedAttempts: 0 });
  }

  async close(): Promise<void> {}
}

const OPTIONS: SpoolingOptions = {
  writeTimeoutMs: 200,
  spillAboveRows: 1_000_000,
  retryMinMs: 10,
  retryMaxMs: 40,
  reportEveryMs: 60_000,
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dtuhub-spool-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function spool(db: FakeDatabase, options: Partial<SpoolingOptions> = {}) {
  const { journal } = await SpillJournal.open(dir, { segmentBytes: 1 << 20, maxBytes: 1 << 30 }, silentLogger());
  return { sink: new SpoolingSink(db, journal, silentLogger(), { ...OPTIONS, ...options }), journal };
}

describe('SpoolingSink', () => {
  it('passes batches straight through while the database takes them', async () => {
    const db = new FakeDatabase();
    const { sink } = await spool(db);
    const batches = [mixedBatch(1), mixedBatch(2)];
    const results = await Promise.all(batches.map((b) => sink.write(b)));
    expect(results.every((r) => r.ok && !r.spilled)).toBe(true);
    expect(db.committed).toEqual(batches.map((b) => b.id));
    expect(sink.health()).toMatchObject({ state: 'ok', rowsOnDisk: 0, rowsSpilled: 0 });
    await sink.close();
  });

  it('journals what the database refuses, keeps order behind it, and replays it all when the database is back', async () => {
    const db = new FakeDatabase();
    const { sink } = await spool(db);
    const batches = Array.from({ length: 6 }, (_, i) => mixedBatch(i + 1));
    await sink.write(batches[0]!);
    db.mode = 'down';
    const spilled = await Promise.all(batches.slice(1, 4).map((b) => sink.write(b)));
    expect(spilled.every((r) => r.ok && r.spilled)).toBe(true);
    const health = sink.health();
    expect(health.state).toBe('spilling');
    expect(health.rowsOnDisk).toBe(batches.slice(1, 4).reduce((n, b) => n + b.rows, 0));
    expect(health.lastError).toMatch(/ECONNREFUSED/);

    db.mode = 'up';
    // Accepted while spilling: must land after the journaled ones, not before.
    await Promise.all(batches.slice(4).map((b) => sink.write(b)));
    await sink.drained();
    expect(db.committed).toEqual(batches.map((b) => b.id));
    expect(sink.health()).toMatchObject({ state: 'ok', rowsOnDisk: 0 });
    expect(sink.health().rowsReplayed).toBe(batches.slice(1).reduce((n, b) => n + b.rows, 0));
    await sink.close();
  });

  it('journals a write that hangs past the deadline; its late commit does not duplicate it', async () => {
    const db = new FakeDatabase();
    const { sink } = await spool(db, { writeTimeoutMs: 50 });
    db.mode = 'hang';
    const batch = mixedBatch(1);
    const result = await sink.write(batch);
    expect(result).toMatchObject({ ok: true, spilled: true });
    expect(sink.health().state).toBe('spilling');
    db.finishHung(); // the hung commit lands after all
    db.mode = 'up';
    await sink.drained();
    expect(db.committed).toEqual([batch.id]);
    await sink.close();
  });

  it('spills when too many rows wait for a slow database, bounding memory', async () => {
    const db = new FakeDatabase();
    db.mode = 'hang';
    const { sink } = await spool(db, { writeTimeoutMs: 60_000, spillAboveRows: 50 });
    const batches = Array.from({ length: 5 }, (_, i) => mixedBatch(i + 1, 30));
    const results = batches.map((b) => sink.write(b));
    // The first waits on the database; the next one is queued in memory (≤ 50 rows waiting);
    // beyond that, each goes to disk instead of waiting.
    await new Promise((r) => setTimeout(r, 50));
    expect(sink.health().state).toBe('spilling');
    db.mode = 'up';
    db.finishHung();
    const settled = await Promise.all(results);
    expect(settled.every((r) => r.ok)).toBe(true);
    expect(settled.filter((r) => r.spilled).length).toBeGreaterThanOrEqual(3);
    await sink.drained();
    expect([...db.committed].sort()).toEqual(batches.map((b) => b.id).sort());
    await sink.close();
  });

  it('replays a journal left by an earlier run as soon as it starts', async () => {
    const db = new FakeDatabase();
    db.mode = 'down';
    const first = await spool(db);
    const batches = [mixedBatch(1), mixedBatch(2)];
    for (const b of batches) await first.sink.write(b);
    await first.sink.close(); // stops with both still on disk
    expect(db.committed).toEqual([]);

    db.mode = 'up';
    const second = await spool(db);
    expect(second.sink.health().state).toBe('spilling');
    await second.sink.drained();
    expect(db.committed).toEqual(batches.map((b) => b.id));
    await second.sink.close();
  });

  it('backs off between replay attempts while the database stays down', async () => {
    const db = new FakeDatabase();
    const { sink } = await spool(db, { retryMinMs: 20, retryMaxMs: 80 });
    db.mode = 'down';
    await sink.write(mixedBatch(1));
    const before = db.attempts;
    await new Promise((r) => setTimeout(r, 400));
    const tries = db.attempts - before;
    // 20 + 40 + 80 + 80 + … ms: about 6 tries in 400 ms, not one per event-loop turn.
    expect(tries).toBeGreaterThanOrEqual(2);
    expect(tries).toBeLessThanOrEqual(10);
    db.mode = 'up';
    await sink.drained();
    await sink.close();
  });

  it('sets aside a batch the database refuses for its content, without blocking the ones behind it', async () => {
    const db = new FakeDatabase();
    const { sink } = await spool(db);
    const [good1, bad, good2, bad2, good3] = [
      mixedBatch(1),
      mixedBatch(2),
      mixedBatch(3),
      mixedBatch(4),
      mixedBatch(5),
    ];
    POISON.add(bad.id);
    POISON.add(bad2.id);
    expect(await sink.write(good1)).toMatchObject({ ok: true });
    const refused = await sink.write(bad);
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/kept in .*rejected/);
    // Also when the refused batch comes out of the journal during a replay.
    db.mode = 'down';
    await sink.write(good2);
    await sink.write(bad2);
    db.mode = 'up';
    await sink.write(good3);
    await sink.drained();
    expect(db.committed).toEqual([good1.id, good2.id, good3.id]);
    expect(sink.health()).toMatchObject({ state: 'ok', rowsRejected: bad.rows + bad2.rows, rowsOnDisk: 0 });
    const kept = readdirSync(join(dir, 'rejected'));
    expect(kept).toHaveLength(1);
    // Both refused batches, whole, in the journal's record format.
    const bytes = readFileSync(join(dir, 'rejected', kept[0]!));
    expect(bytes.length).toBe(encodeBatch(bad).length + encodeBatch(bad2).length + 2 * 16);
    await sink.close();
  });

  it('holds in memory, in order, the batches the journal cannot take, and commits them when the database answers', async () => {
    const db = new FakeDatabase();
    const { journal } = await SpillJournal.open(dir, { segmentBytes: 1 << 20, maxBytes: 100 }, silentLogger());
    const sink = new SpoolingSink(db, journal, silentLogger(), OPTIONS);
    db.mode = 'down';
    const batches = [mixedBatch(1), mixedBatch(2), mixedBatch(3)];
    let settled = 0;
    const results = batches.map((b) => sink.write(b).finally(() => settled++));
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(0);
    expect(sink.health()).toMatchObject({ state: 'spilling', rowsOnDisk: 0 });
    expect(sink.health().rowsHeld).toBe(batches.reduce((n, b) => n + b.rows, 0));
    expect(sink.health().lastError).toMatch(/spill journal is full|ECONNREFUSED/);

    db.mode = 'up';
    const done = await Promise.all(results);
    expect(done.every((r) => r.ok && !r.spilled)).toBe(true);
    expect(db.committed).toEqual(batches.map((b) => b.id));
    await sink.drained();
    expect(sink.health()).toMatchObject({ state: 'ok', rowsHeld: 0, lastError: null });
    await sink.close();
  });

  it('fails the batches still held when it stops with neither the journal nor the database available', async () => {
    const db = new FakeDatabase();
    const { journal } = await SpillJournal.open(dir, { segmentBytes: 1 << 20, maxBytes: 100 }, silentLogger());
    const sink = new SpoolingSink(db, journal, silentLogger(), OPTIONS);
    db.mode = 'down';
    const held = sink.write(mixedBatch(1));
    await new Promise((r) => setTimeout(r, 20));
    await sink.stopHolding();
    const result = await held;
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/store stopping; spill journal cannot be written: spill journal is full/);
    expect(await sink.write(mixedBatch(2))).toMatchObject({ ok: false });
    await sink.close();
  });
  it('keeps new batches in memory while the replay catches up, and journals them if the database fails again', async () => {
    const db = new FakeDatabase();
    const { sink } = await spool(db);
    const [a, b, c] = [mixedBatch(1), mixedBatch(2), mixedBatch(3)];
    db.mode = 'down';
    await sink.write(a);
    await sink.write(b);
    let cResult: Promise<SinkResult> | null = null;
    let heldWhenItFailed = -1;
    const write = db.write.bind(db);
    db.write = async (batch) => {
      // The database takes A, then goes away again.
      if (batch.id === a.id && db.mode === 'up') {
        const result = write(batch);
        db.mode = 'down';
        return result;
      }
      if (batch.id === b.id && db.mode === 'down' && !cResult) {
        // C comes in while the replay, which just committed A, tries B.
        cResult = sink.write(c);
        await new Promise((r) => setTimeout(r, 20));
        heldWhenItFailed = sink.health().rowsHeld;
      }
      return write(batch);
    };
    db.mode = 'up';
    await new Promise((r) => setTimeout(r, 50));
    expect(heldWhenItFailed).toBe(c.rows);
    expect(await cResult!).toMatchObject({ ok: true, spilled: true });
    expect(sink.health()).toMatchObject({ state: 'spilling', rowsHeld: 0, rowsOnDisk: b.rows + c.rows });
    db.mode = 'up';
    await sink.drained();
    expect(db.committed).toEqual([a.id, b.id, c.id]);
    await sink.close();
  });
});
