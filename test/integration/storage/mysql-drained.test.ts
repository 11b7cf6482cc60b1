// drained() is the store's promise that everything accepted before the call is in MariaDB
// when it resolves, wherever the rows were at that moment: in the writer's open batch, on
// their way to the database, or in the spill journal while it is being replayed.
import type { RowDataPacket } from 'mysql2/promise';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/domain/point.js';
import { silentLogger } from '../../../src/log.js';
import { MysqlHistory } from '../../../src/storage/index.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';
import { KEEP_EVERYTHING, sample } from './history-fixture.js';
import { tempMysql, type TempMysql } from './mysql-fixture.js';

describe('MySQL history drained()', () => {
  let t: TempMysql;
  let proxy: TcpProxy;
  let store: MysqlHistory | null = null;
  let next = 0;

  beforeEach(async () => {
    t = await tempMysql();
    proxy = await startTcpProxy({ host: t.storage.host, port: t.storage.port });
    next = 0;
  });
  afterEach(async () => {
    await store?.stop();
    store = null;
    await proxy.close();
    await t.cleanup();
  });

  /** A store reaching MariaDB through the proxy, quick to give a write up and to retry the replay. */
  async function openThroughProxy(): Promise<MysqlHistory> {
    store = new MysqlHistory(
      {
        storage: { ...t.storage, port: proxy.port, spill: { ...t.storage.spill, writeTimeoutMs: 500 } },
        writeBuffer: { maxRows: 50, flushIntervalMs: 200, idleFlushDelayMs: 20, maxPendingRows: 100_000 },
        retention: KEEP_EVERYTHING,
      },
      silentLogger(),
      { retryDelaysMs: [], replayRetryMs: { min: 20, max: 100 } },
    );
    await store.start();
    return store;
  }

  /** Accepts `count` new samples (each a distinct row) and returns their keys. */
  function accept(h: MysqlHistory, count: number): string[] {
    const samples: Sample[] = Array.from({ length: count }, () => sample('D1', 'temperature', next++));
    h.writer.samples(samples);
    return samples.map((s) => String(s.ts));
  }

  async function storedKeys(): Promise<string[]> {
    const [rows] = await t.sql.query<RowDataPacket[]>('SELECT received_at AS ts FROM device_data ORDER BY received_at');
    return rows.map((r) => String(r['ts']));
  }

  it('has a batch accepted while the journal is being replayed in the database when it resolves', async () => {
    const h = await openThroughProxy();
    const accepted = accept(h, 30);
    await h.writer.flush();
    proxy.refuse();
    accepted.push(...accept(h, 120));
    await h.writer.flush();
    expect(h.health()).toMatchObject({ state: 'spilling', rowsOnDisk: 120 });

    proxy.restore();
    accepted.push(...accept(h, 7)); // still in the writer's open batch
    await h.drained();

    expect(await storedKeys()).toEqual(accepted);
    expect(h.health()).toMatchObject({ state: 'ok', rowsOnDisk: 0 });
  });

  it('has every row accepted before the call in the database, also when called as the replay finishes', async () => {
    const h = await openThroughProxy();
    proxy.refuse();
    const accepted = accept(h, 200);
    await h.writer.flush();
    expect(h.health().state).toBe('spilling');

    // Rows keep coming (a few every 10 ms, slower than the replay) while the journal is
    // replayed; drained() is called as soon as the store reports it is done.
    proxy.restore();
    while (h.health().state === 'spilling') {
      accepted.push(...accept(h, 3));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    accepted.push(...accept(h, 3));
    const drained = h.drained();
    const late = accept(h, 3); // after the call: not promised, but not lost either
    await drained;

    const stored = await storedKeys();
    expect(accepted.filter((key) => !stored.includes(key))).toEqual([]);
    await h.drained();
    expect(await storedKeys()).toEqual([...accepted, ...late]);
  });
});
